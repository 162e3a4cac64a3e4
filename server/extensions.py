"""Flask extensions, each created once and bound in create_app (flaskr's init_app pattern)."""
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine

from . import sqlite_wal

# A naming convention so Alembic revisions name constraints the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING))
migrate = Migrate(render_as_batch=True, compare_type=True)


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record):
    """SQLite: WAL, a busy timeout, foreign keys, and transactions that SQLAlchemy controls.

    pysqlite does not emit BEGIN before a SELECT and mishandles SAVEPOINT; the documented recipe
    (isolation_level=None + our own BEGIN) gives real snapshots for pulls and per-operation savepoints
    for pushes.
    """
    if type(dbapi_connection).__module__.split(".")[0] not in ("sqlite3", "pysqlite2"):
        return
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    # FULL: a commit is on disk before it returns, so money a push has acknowledged survives a power cut
    # (issue 11; with NORMAL the WAL was synced only at checkpoints, up to a second later).
    cur.execute("PRAGMA synchronous=FULL")
    # The log is copied back into the database by a thread of this process (server/sqlite_wal.py), not by
    # whichever request's commit crosses SQLite's limit; SQLite's own checkpoint stays as a backstop.
    path = next((row[2] for row in cur.execute("PRAGMA database_list") if row[1] == "main"), "")
    if path and sqlite_wal.watch(path):  # a file, in the served app
        cur.execute(f"PRAGMA wal_autocheckpoint={sqlite_wal.BACKSTOP_PAGES}")
    else:
        # Every ~40 MB instead of every ~4 MB: a 500-payment push writes ~1,100 WAL pages, and pages rewritten
        # by successive pushes (bills, index leaves) are copied back once per checkpoint.
        cur.execute("PRAGMA wal_autocheckpoint=10000")
    # 32 MiB of page cache per connection instead of 2 MiB: a 500-payment push reads and writes pages of
    # eight tables and their indexes, which the default cache spilled and read again within one transaction.
    cur.execute("PRAGMA cache_size=-32768")
    cur.close()


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn):
    if conn.dialect.name != "sqlite":
        return
    # A writer asks for the write lock up front (BEGIN IMMEDIATE): two pushes then queue on the busy
    # timeout instead of failing when a read transaction tries to upgrade (SQLITE_BUSY_SNAPSHOT).
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("writer") else "BEGIN")
