"""Planner statistics (issue 11): the pull's queries do not depend on them, and the product keeps them true.

A planner misled by statistics (none, or gathered when a table was small) once scanned every recent payment
for one collector's pull. Here the statistics are forged to mislead it, and the pull's payment and review
queries must still go through the households' and the payments' indexes; server/stats.py must leave no
statistics on small tables and find the ones that went stale.
"""
import sqlite3

import pytest
import sqlalchemy as sa

from server import stats
from server.extensions import db
from server.models import Household
from server.sync_api.records import household_records


def _sqlite(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's planner and sqlite_stat1")
    return db.engine.url.database


def _plans(app, ids) -> dict[str, str]:
    """EXPLAIN QUERY PLAN of each statement household_records runs, by its table."""
    seen = []

    def after(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))
    sa.event.listen(db.engine, "after_cursor_execute", after)
    try:
        household_records(ids)
    finally:
        sa.event.remove(db.engine, "after_cursor_execute", after)
    out = {}
    raw = db.session.connection().connection.dbapi_connection
    for statement, parameters in seen:
        rows = raw.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
        head = " ".join(statement.split()[:8])
        out[head] = " | ".join(r[3] for r in rows)
    return out


def test_the_pull_reads_payments_by_household_whatever_the_statistics_say(app):
    path = _sqlite(app)
    ids = list(db.session.scalars(sa.select(Household.id).order_by(Household.id).limit(40)))
    db.session.rollback()
    db.engine.dispose()
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("ANALYZE")
    # The lie: a season picks out one payment in a million, a household a hundred thousand of them. (A table
    # said to be tiny may be scanned whatever the query: stats.py keeps no statistics on tables that small.)
    con.execute("DELETE FROM sqlite_stat1 WHERE tbl IN ('payment', 'review_item')")
    con.executemany("INSERT INTO sqlite_stat1 VALUES (?, ?, ?)", [
        ("payment", "ix_payment_season_id", "1000000 1"),
        ("payment", "ix_payment_household_collected", "1000000 100000 1"),
        ("payment", "ix_payment_posted_on", "1000000 1"),
        ("review_item", "ix_review_item_payment_id", "1000000 3"),
        ("review_item", "ix_review_item_state_kind", "1000000 1 1")])
    con.close()
    db.engine.dispose()
    plans = _plans(app, ids)
    payment = [p for head, p in plans.items() if head.startswith("SELECT payment.id")]
    review = [p for head, p in plans.items() if head.startswith("SELECT review_item.")]
    assert payment and review, plans
    for plan in payment:
        assert "ix_payment_household_collected" in plan and "season" not in plan, plan
        assert "SCAN payment" not in plan, plan
    for plan in review:
        assert "ix_review_item_payment_id" in plan and "SCAN review_item" not in plan, plan


def test_gather_leaves_no_statistics_on_small_tables_and_refresh_finds_the_stale_ones(app):
    path = _sqlite(app)
    db.session.rollback()
    db.engine.dispose()
    con = sqlite3.connect(path, isolation_level=None)
    stats.sqlite_gather(con)
    recorded = stats._recorded(con)
    # the template has 200 households, 600 bills, ~530 payments: all below SMALL_ROWS, so none is kept,
    # and `operation`, empty now, is never planned as a table of no rows once it holds millions
    assert "operation" not in recorded and "payment" not in recorded, recorded
    assert stats.stale_tables(con) == []
    # a table that grew past SMALL_ROWS without statistics, and one whose statistics are off by 2× or more
    con.execute("INSERT INTO sqlite_stat1 VALUES ('household', 'sqlite_autoindex_household_1', '10 1')")
    big = max(stats.SMALL_ROWS, 1)
    con.execute("CREATE TABLE grown (id INTEGER PRIMARY KEY, v TEXT)")
    con.execute("CREATE INDEX ix_grown_v ON grown (v)")
    con.executemany("INSERT INTO grown (v) VALUES (?)", [(str(i % 7),) for i in range(big)])
    stale = stats.stale_tables(con)
    assert "grown" in stale
    con.close()
    refreshed = stats.refresh_sqlite(f"file:{path}?mode=rw")
    assert "grown" in refreshed
    con = sqlite3.connect(path, isolation_level=None)
    assert stats._recorded(con).get("grown") == big
    assert "grown" not in stats.stale_tables(con)
    con.close()


def test_the_analyze_command_gathers_statistics_on_either_engine(runner, app):
    db.session.rollback()
    result = runner.invoke(args=["analyze"])
    assert result.exit_code == 0, result.output
    if db.engine.dialect.name == "sqlite":
        con = sqlite3.connect(db.engine.url.database)
        assert con.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone()[0] == 1
        con.close()
    else:
        analysed = db.session.scalar(sa.text("SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables "
                                             "WHERE relname = 'payment'"))
        assert analysed
