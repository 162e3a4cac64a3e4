"""The load run of bench/load_bench.py in its bounded form (issue 11): 20 collectors × 10 payments, in batches
of 5, with 10 % of push answers lost and the batch sent again, on gunicorn with 2 workers.

Asserts no error, each op_id applied exactly once (one operation row, one journal entry), resends answered
`duplicate` with the first answer, the bills and the daily ledger balance, and DESIGN.md's invariants
(tests/invariants.py) afterwards. On SQLite always; on PostgreSQL too when TEST_DATABASE_URL names a server
(an empty database made for the test and dropped after). The run stops by itself after 60 s.
"""
import argparse

import pytest

from bench import load_bench
from tests.server.test_real_processes import database  # noqa: F401  (fixture: SQLite, or an empty PostgreSQL)

pytestmark = pytest.mark.slow
COLLECTORS = 20


def test_collectors_pull_and_push_with_lost_answers_and_everything_is_applied_exactly_once(database):
    # drop 0.3 rather than 0.1: with 40 batches, a tenth would be 4 resends, and sometimes none at all
    args = argparse.Namespace(payments=10, batch=5, drop=0.3, timeout=60.0, login_in_load=False)
    server = load_bench.prepare(database, COLLECTORS)
    try:
        names = [f"l{i + 1:03d}" for i in range(COLLECTORS)]
        load_bench.assign(server, names)
        stats, elapsed, result = load_bench.load(server, names, args, concurrency=5, seed=3)
        good = load_bench.report("test", 5, stats, elapsed, result, COLLECTORS)
        log = load_bench.server_errors(server.log()) if stats.errors else ""
    finally:
        server.kill()
        server.close()
    assert not stats.errors, (stats.errors[:10], log)
    assert stats.cycles == COLLECTORS and stats.last_seq_ok == COLLECTORS
    assert stats.applied == COLLECTORS * 10 == len(stats.pushed) == len(stats.sent)
    assert stats.dropped > 0 and stats.duplicates_ok == stats.dropped * 5
    assert result["lost"] == 0 and result["doubled"] == 0
    assert result["unbalanced_bills"] == 0
    assert result["ledger_ok"], result["ledger_lines"]
    assert result["invariants"] == "ok"
    assert good
