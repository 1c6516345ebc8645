"""Database setup: SQLite pragmas for the embedded install (WAL, foreign keys)."""

from collections.abc import Sequence

from flask import Flask
from sqlalchemy import ColumnElement, Select, any_, bindparam, event, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Engine

from server import jsonbody
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


def _postgres_session(dbapi_connection, _record) -> None:
    # Timestamps are stored and compared in UTC. A session in UTC also reads them fastest:
    # psycopg builds each value in the session's zone, and a named zone such as the server
    # default Etc/UTC costs some 60 % more per value (measured: 111,000 events, 820 -> 517 ms).
    # No JIT: it pays off on queries that run for seconds, and this app's run for milliseconds.
    # Its threshold is the planner's cost estimate, and an estimate made on a young table's
    # missing statistics set it off: 10 ms of compiling for a 0.2 ms page of the change feed.
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    dbapi_connection.execute("SET TIME ZONE 'UTC'")
    dbapi_connection.execute("SET jit = off")
    dbapi_connection.autocommit = autocommit


def init_app(app: Flask) -> None:
    """Bind SQLAlchemy to the app; set SQLite pragmas, or PostgreSQL's session (UTC, no JIT), on each new connection."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # psycopg reads and writes every jsonb value (a submission's answers, a snapshot page's
        # hundreds) with these: orjson, where json.loads was a fifth of a snapshot page's time.
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("json_deserializer", jsonbody.parse)
        options.setdefault("json_serializer", jsonbody.dump_bytes)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        elif engine.dialect.name == "postgresql":
            event.listen(engine, "connect", _postgres_session)


def member_of(column, ids: Select) -> ColumnElement[bool]:
    """column IN (ids). On PostgreSQL as = ANY(ARRAY(ids)): the list is computed once (an
    initplan) and the column's index can use it, also inside an OR (a worker's cases: their
    grids or assigned to them), where IN (subquery) becomes a filter over every row."""
    if db.engine.dialect.name == "postgresql":
        return column == any_(func.array(ids.scalar_subquery()))
    return column.in_(ids)


def member_of_values(column, values: Sequence, ids: Select) -> ColumnElement[bool]:
    """column IN values, already read by `ids`. On PostgreSQL one array parameter, however many
    values (the select is not run again); elsewhere the select itself (SQLite caps a statement's
    parameters)."""
    if db.engine.dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(ids)


def upsert_insert(dialect: str, table) -> postgresql.Insert | sqlite.Insert:
    """INSERT with ON CONFLICT for the two supported databases (PostgreSQL's or SQLite's)."""
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
