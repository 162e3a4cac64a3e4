"""Entry point for gunicorn: `gunicorn server.wsgi:app`."""
import gc

from . import create_app, sqlite_wal

sqlite_wal.enable()  # SQLite: the log is checkpointed by a thread of each worker, not by a request
app = create_app()

# Everything created so far (modules, the app, SQLAlchemy's mappers and tables, ~170,000 objects) lives as
# long as the worker. Frozen, it is out of the collector's reach: a full collection walked it all (about
# 100 ms) and a 500-operation push set one off every few batches. (A larger gen-0 threshold on top of this
# measured no better, so the thresholds stay Python's.)
gc.collect()
gc.freeze()
