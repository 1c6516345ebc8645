"""Serving the built PWA: immutable hashed assets, fresh shell and worker, SPA fallback."""
