"""The runner of document jobs (notices, letters, long ledgers as PDF): a thread of the web worker today.

A job's state is in the database (Job), so any worker answers GET /jobs/<id>. With TESTING (or
JOBS_INLINE) a job runs at once, in the request, so tests see it done."""
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from flask import current_app

from ..extensions import db

log = logging.getLogger(__name__)
_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None


def in_context(app, call, *args):
    """Run `call(*args)` in a fresh app context with its own session, logging whatever escapes."""
    with app.app_context():
        try:
            return call(*args)
        except Exception:  # noqa: BLE001 — a background failure must be logged, not lost in a thread
            log.exception("background work %s failed", getattr(call, "__name__", call))
            db.session.rollback()
        finally:
            db.session.remove()


def _run(job_id: str):
    from . import service
    service.run(job_id)


def submit(job_id: str) -> None:
    """Queue a document job. One worker thread: WeasyPrint is CPU-bound and serialised anyway."""
    global _executor
    app = current_app._get_current_object()
    if app.config.get("TESTING") or app.config.get("JOBS_INLINE"):
        in_context(app, _run, job_id)
        db.session.commit()  # end the caller's read snapshot, so it sees what the job wrote
        return
    with _lock:
        if _executor is None:  # made lazily, after gunicorn forks its workers
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="heatledger-documents")
    _executor.submit(in_context, app, _run, job_id)
