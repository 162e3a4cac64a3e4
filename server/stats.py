"""Planner statistics: the product gathers them itself (issue 11), on SQLite and on PostgreSQL.

SQLite has none until someone runs ANALYZE, and nothing did: on a journal of 1,000,000 payments its planner
then read every payment of the two recent seasons for one collector's pull (525 ms, bench/big_db.py). The
queries of pull and push no longer depend on statistics (server/sync_api/records.py), but others (ledgers,
review lists, the console's searches) may, and statistics that are wrong are worse than none: gathered on a
fresh database, they say `operation` has 10 rows, and the planner then scans the whole table for the op_ids
of every push once it holds millions (seen in bench/big_db.py). Hence:
- `gather()`, a full ANALYZE (about 1 s at a million payments), then the statistics of tables below
  SMALL_ROWS are dropped again: the planner then assumes such a table is large and uses its indexes, which
  is right once it grows and costs nothing while it is small. Run after `flask db upgrade`
  (`flask analyze`, scripts/boot.sh) and at the end of `flask demo-seed`.
- `refresh_sqlite()`, from the served app's background thread (server/sqlite_wal.py) every
  REFRESH_SECONDS: each table whose row count has doubled (or halved) since its statistics were gathered,
  or that reached SMALL_ROWS without any, is analysed again, alone. So statistics are never off by more than
  a factor of two, and the big tables are analysed rarely (log₂ of their growth).
SQLite here is 3.40: its `PRAGMA optimize` looks only at tables the same connection has queried (3.46 added
a look at every table), so from a connection of its own, as the thread's, it would do nothing; and
`PRAGMA analysis_limit` samples the first rows of each index only, which for a column of few values (a
payment's season) estimated ~1,000 rows a value instead of ~333,000. A full ANALYZE of the tables that
changed, then.

PostgreSQL's autovacuum analyses a table once about a tenth of it changed, which keeps its statistics
within that; what it misses is a bulk load (demo-seed, an import) until its next round: `gather()` there
is a plain ANALYZE.
"""
import logging
import sqlite3

import sqlalchemy as sa

log = logging.getLogger(__name__)

SMALL_ROWS = 1000  # below this a table keeps no statistics: the planner's defaults (a large table) are safer
REFRESH_SECONDS = 60.0
GROWTH = 2.0


def gather(engine: sa.engine.Engine) -> None:
    """Gather the planner's statistics on the engine's database, for the whole database."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            sqlite_gather(conn.connection.dbapi_connection)
        else:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()


def _tables(con: sqlite3.Connection) -> list[str]:
    return [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                                      "'sqlite_%'")]


def _rows(con, table) -> int:
    """The table's row count, or near it at once: max(rowid) is a seek to the end of the table's b-tree
    (rows are never deleted from the big tables; where they are, this overestimates, which is harmless)."""
    return con.execute(f'SELECT coalesce(max(rowid), 0) FROM "{table}"').fetchone()[0]


def _recorded(con) -> dict[str, int]:
    """What sqlite_stat1 says each analysed table holds (the first number of its rows)."""
    if not con.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone()[0]:
        return {}
    out = {}
    for tbl, stat in con.execute("SELECT tbl, stat FROM sqlite_stat1"):
        try:
            out[tbl] = max(out.get(tbl, 0), int(str(stat).split()[0]))
        except (ValueError, IndexError):
            continue
    return out


def sqlite_gather(con: sqlite3.Connection) -> None:
    con.execute("PRAGMA analysis_limit=0")
    con.execute("ANALYZE")  # creates sqlite_stat1 when it is not there yet
    small = [(t,) for t in _tables(con) if _rows(con, t) < SMALL_ROWS]
    con.execute("BEGIN IMMEDIATE")
    con.executemany("DELETE FROM sqlite_stat1 WHERE tbl = ?", small)
    con.execute("COMMIT")
    # Statistics changed by hand are read again by this connection after this (SQLite's ANALYZE docs);
    # connections opened later read them anyway.
    con.execute("ANALYZE sqlite_schema")


def stale_tables(con: sqlite3.Connection) -> list[str]:
    """Tables whose statistics are off by more than GROWTH, or that grew to SMALL_ROWS without any."""
    recorded = _recorded(con)
    out = []
    for table in _tables(con):
        rows = _rows(con, table)
        had = recorded.get(table)
        if had is None:
            if rows >= SMALL_ROWS:
                out.append(table)
        elif rows >= SMALL_ROWS and (rows > had * GROWTH or rows * GROWTH < had):
            out.append(table)
    return out


def refresh_sqlite(path_uri: str) -> list[str]:
    """Analyse again, one at a time, the tables whose statistics went stale; returns their names.

    A connection of its own, closed after. It waits at most a second for the write lock (ANALYZE writes
    sqlite_stat1): a busy database is left for the next round."""
    con = sqlite3.connect(path_uri, uri=True, timeout=1.0, isolation_level=None)
    try:
        tables = stale_tables(con)
        for table in tables:
            con.execute("PRAGMA analysis_limit=0")
            con.execute(f'ANALYZE "{table}"')
        if tables:
            log.info("planner statistics refreshed for %s", ", ".join(tables))
        return tables
    finally:
        con.close()
