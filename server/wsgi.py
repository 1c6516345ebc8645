"""The WSGI entry point for gunicorn (`server.wsgi:app`): the app, built once per worker process.

After start-up the collector is told to leave everything built so far alone (`gc.freeze`):
modules, mappers, schemas and the app live as long as the process, and a full collection
would otherwise walk all of them again each time a batch push allocates its few thousand
short-lived objects. Measured by bench/sync_push.py (about a tenth of the push's time).
"""

import gc

from server import create_app

app = create_app()
gc.freeze()
