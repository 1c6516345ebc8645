"""Database setup: SQLite pragmas for the embedded install (WAL, foreign keys)."""

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from server.extensions import db

__all__ = ["db", "init_app"]


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # pysqlite's own BEGIN handling stays on purpose: it starts a transaction at the first
    # write, so concurrent requests queue on busy_timeout instead of failing to upgrade a read
    # snapshot. The price: a SAVEPOINT must not be a transaction's first statement, so code
    # that nests (the sync push) writes something first.
    # WAL lets the app read while a sync push writes; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL is durable across app crashes
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def init_app(app: Flask) -> None:
    """Bind SQLAlchemy to the app and set SQLite pragmas on each new connection."""
    db.init_app(app)
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
