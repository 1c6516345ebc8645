"""Database setup: SQLite pragmas for the embedded install (WAL, foreign keys)."""

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from server.extensions import db

__all__ = ["db", "init_app"]


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the app read while a sync push writes; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def init_app(app: Flask) -> None:
    """Bind SQLAlchemy to the app and set SQLite pragmas on each new connection."""
    db.init_app(app)
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
