"""Content-addressed photos: checked and re-encoded on upload, stored once (local disk or S3),
served only within scope, orphans pruned.

pipeline.py (image work) → store.py (where bytes live) → service.py (rows, scope, prune) →
routes.py (HEAD/GET/PUT) and cli.py (`flask photos prune`).
"""
