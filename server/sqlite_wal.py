"""SQLite: copy the write-ahead log back into the database from a thread of its own, not from a request.

With SQLite's own automatic checkpoint, the connection whose commit pushes the log past its limit copies
every page of it into the database and syncs both files before its request can answer: measured here, one
push in ten waited an extra 55–60 ms for it. Here one daemon thread per process checkpoints each database
this process has opened once a second (PASSIVE: it never waits for, nor blocks, a reader or a
writer), and SQLite's automatic checkpoint stays on as a backstop at a much larger size, should the thread
fall behind or stop.

The same thread keeps the planner's statistics true (server/stats.py): every stats.REFRESH_SECONDS it
analyses again the tables whose size has doubled or halved since their statistics were gathered.

Only the served app turns it on (server/wsgi.py): tests and command-line tools copy database files after
closing their engines, which is safe only while closing the last connection checkpoints and removes the log,
so no other connection may be open then.
"""
import logging
import os
import sqlite3
import threading
import time
from pathlib import Path

from . import stats

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 1.0
# Pages: SQLite's own checkpoint, should this thread not keep up (~200 MB of log at 4 KiB pages).
BACKSTOP_PAGES = 50_000

_lock = threading.Lock()
_state = {"enabled": False, "pid": None, "paths": {}, "thread": None}


def enable() -> None:
    """Checkpoint in the background every SQLite database this process opens from now on."""
    _state["enabled"] = True


def watch(path: str) -> bool:
    """Checkpoint the database at `path` in the background (idempotent, per process); False when not enabled."""
    if not _state["enabled"]:
        return False
    with _lock:
        if _state["pid"] != os.getpid():  # first call, or a forked child: the parent's thread is not here
            _state.update(pid=os.getpid(), paths={}, thread=None)
        _state["paths"].setdefault(path, _Log(path))
        if _state["thread"] is None:
            thread = threading.Thread(target=_run, name="sqlite-checkpoint", daemon=True)
            _state["thread"] = thread
            thread.start()
    return True


class _Log:
    """One database's log: checkpointed when it changed since the last look."""

    def __init__(self, path: str):
        self.path, self.wal, self.seen = path, path + "-wal", None
        self.stats_due = time.monotonic()  # at the first tick: a database may come with none, or stale ones

    def tick(self) -> bool:
        """False once the database is gone (a test's or a benchmark's folder removed)."""
        if not os.path.exists(self.path):
            return False
        if time.monotonic() >= self.stats_due:
            self.stats_due = time.monotonic() + stats.REFRESH_SECONDS
            try:
                stats.refresh_sqlite(Path(self.path).as_uri() + "?mode=rw")
            except sqlite3.Error as e:  # busy: the next round tries again
                log.debug("statistics of %s not refreshed: %s", self.path, e)
        try:
            st = os.stat(self.wal)
        except FileNotFoundError:
            return True
        mark = (st.st_mtime_ns, st.st_size)
        if mark == self.seen:
            return True
        # A connection of its own for each checkpoint, closed at once: none is left open between them.
        # Autocommit, no busy wait: PASSIVE skips what a reader still needs and never blocks anyone.
        # mode=rw: a database removed since the look above is not created again, empty.
        conn = sqlite3.connect(Path(self.path).as_uri() + "?mode=rw", uri=True, timeout=0, isolation_level=None)
        try:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        finally:
            conn.close()
        self.seen = mark
        return True


def _run():
    while True:
        time.sleep(INTERVAL_SECONDS)
        with _lock:
            if _state["pid"] != os.getpid():
                return
            logs = list(_state["paths"].values())
        for wal in logs:
            try:
                if not wal.tick():
                    with _lock:
                        _state["paths"].pop(wal.path, None)
            except sqlite3.Error as e:  # busy or locked now: the next tick tries again
                log.debug("checkpoint of %s skipped: %s", wal.path, e)
            except Exception:
                log.exception("checkpoint of %s failed", wal.path)
