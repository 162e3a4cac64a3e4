"""SQLite's log is copied back into the database by a thread of the served app (server/sqlite_wal.py), and
only there: tests and command-line tools copy database files after closing their engines.
Each test makes a SQLite database of its own, so both run in the PostgreSQL stage too."""
import subprocess
import sys
import textwrap
import threading

import sqlalchemy as sa

from server import sqlite_wal
from tests.live_server import REPO


def test_outside_the_served_app_sqlite_checkpoints_as_usual_and_no_thread_runs(tmp_path):
    from server.extensions import db
    from tests.conftest import _make_app
    app = _make_app(f"sqlite:///{tmp_path / 'plain.db'}", str(tmp_path))
    with app.app_context():
        assert db.session.execute(sa.text("PRAGMA wal_autocheckpoint")).scalar() == 10_000
        db.session.remove()
        db.engine.dispose()
    assert "sqlite-checkpoint" not in {t.name for t in threading.enumerate()}


# Run in a process of its own: enabling is for the whole process, and this one's tests copy database files.
SCRIPT = textwrap.dedent("""
    import os, struct, sys, time
    import sqlalchemy as sa
    from server import sqlite_wal
    from server import extensions  # the connect hook

    def frames(path):
        # The wal-index header (SQLite's wal.c): mxFrame at byte 16, the checkpoint's nBackfill at byte 96.
        with open(path + "-shm", "rb") as f:
            head = f.read(100)
        return struct.unpack_from("=I", head, 16)[0], struct.unpack_from("=I", head, 96)[0]

    sqlite_wal.enable()
    sqlite_wal.INTERVAL_SECONDS = 0.05
    path = sys.argv[1]
    engine = sa.create_engine("sqlite:///" + path)
    with engine.begin() as c:
        c.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
    with engine.connect() as c:
        print("autocheckpoint", c.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar())
    for i in range(20):
        with engine.begin() as c:
            c.exec_driver_sql("INSERT INTO t (body) VALUES (?)", [("x" * 2000,) for _ in range(50)])
        print("written", frames(path))
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        last, backfilled = frames(path)
        if last and backfilled == last:
            break
        time.sleep(0.05)
    print("after", last, backfilled)
    with engine.connect() as c:
        print("rows", c.exec_driver_sql("SELECT count(*) FROM t").scalar())
    print("threads", sum(t.name == "sqlite-checkpoint" for t in __import__("threading").enumerate()))
    with engine.begin() as c:  # a last write the thread has not seen yet, then the database goes away
        c.exec_driver_sql("INSERT INTO t (body) VALUES ('last')")
    engine.dispose()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    time.sleep(0.5)
    print("recreated", os.path.exists(path))
""")


def test_in_the_served_app_a_thread_checkpoints_and_no_commit_waits_for_it(tmp_path):
    r = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "wal.db")], cwd=REPO, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    lines = dict(line.split(" ", 1) for line in r.stdout.splitlines() if " " in line)
    # SQLite's own checkpoint only as a backstop: no commit in the writes above ran one.
    assert int(lines["autocheckpoint"]) == sqlite_wal.BACKSTOP_PAGES
    last, backfilled = map(int, lines["after"].split())
    assert last > 200 and backfilled == last  # every frame of the log copied back, by the thread
    assert lines["rows"] == "1000"
    assert lines["threads"] == "1"
    assert lines["recreated"] == "False"  # a removed database is let go, not made again empty
