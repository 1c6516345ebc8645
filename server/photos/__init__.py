"""Content-addressed photos: upload by SHA-256, stored once, visible to uploader and scope."""
