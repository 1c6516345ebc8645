"""Versioned form templates (入户走访 and the rest) and validation of answers against them."""
