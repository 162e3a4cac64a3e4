"""Work outside requests: the document job runner and the scheduled jobs (DESIGN.md, the flow).

The only module that imports apscheduler (STYLE.md habit 8). Each job is an app context around one
service call. Document jobs run on a small thread pool owned here; their state is in the database (Job),
so any gunicorn worker answers GET /jobs/<id>. With TESTING (or JOBS_INLINE) they run at once, in the
request, so tests see them done. The scheduler starts only where HEATLEDGER_SCHEDULER=1: run it in one
process; the daily close is safe to repeat (one close per date), the rest is idempotent too.
"""
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import current_app

from .extensions import db

log = logging.getLogger(__name__)
TIMEZONE = "Asia/Shanghai"
_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None
_scheduler: BackgroundScheduler | None = None


def _in_context(app, call, *args):
    """Run `call(*args)` in a fresh app context with its own session, logging whatever escapes."""
    with app.app_context():
        try:
            return call(*args)
        except Exception:  # noqa: BLE001 — a background failure must be logged, not lost in a thread
            log.exception("background job %s failed", getattr(call, "__name__", call))
            db.session.rollback()
        finally:
            db.session.remove()


def _run_document_job(job_id: str):
    from .documents import service
    service.run(job_id)


def submit_document_job(job_id: str) -> None:
    """Queue a document job. One worker thread: WeasyPrint is CPU-bound and serialised anyway."""
    global _executor
    app = current_app._get_current_object()
    if app.config.get("TESTING") or app.config.get("JOBS_INLINE"):
        _in_context(app, _run_document_job, job_id)
        db.session.commit()  # end the caller's read snapshot, so it sees what the job wrote
        return
    with _lock:
        if _executor is None:  # made lazily, after gunicorn forks its workers
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="heatledger-documents")
    _executor.submit(_in_context, app, _run_document_job, job_id)


def daily_close():
    """23:59 Asia/Shanghai: close the days that are over and still open (no cash count: a clerk adds it)."""
    from .ledgers import service
    closed = service.close_past_days()
    if closed:
        log.info("daily close: %s", ", ".join(closed))


def sweep():
    """Hourly: devices silent for 48 h become review items; jobs whose worker died are marked failed."""
    from .documents.service import fail_stale_jobs
    from .ledgers.service import flag_stale_devices
    flag_stale_devices()
    fail_stale_jobs()


def start_scheduler(app) -> BackgroundScheduler:
    global _scheduler
    with _lock:
        if _scheduler is None:
            _scheduler = BackgroundScheduler(timezone=TIMEZONE, job_defaults={"coalesce": True, "max_instances": 1,
                                                                              "misfire_grace_time": 3600})
            _scheduler.add_job(_in_context, CronTrigger(hour=23, minute=59, timezone=TIMEZONE),
                               args=(app, daily_close), id="daily_close", replace_existing=True)
            _scheduler.add_job(_in_context, CronTrigger(minute=17, timezone=TIMEZONE), args=(app, sweep),
                               id="sweep", replace_existing=True)
            _scheduler.start()
    return _scheduler


def init_app(app):
    if app.config.get("SCHEDULER") and not app.config.get("TESTING"):
        start_scheduler(app)
