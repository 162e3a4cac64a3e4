"""Scheduled jobs (DESIGN.md, the flow): each is an app context around one service call, on a cron schedule
in Asia/Shanghai. The only module that imports apscheduler (STYLE.md habit 8).

Every served worker runs a scheduler of its own, started by the first request it answers (never by a
command such as `flask db upgrade`, nor in tests). Each slot of a schedule runs once across all workers and
servers: a run first claims its slot — a row of schedule_run, unique by (job, slot) — and whoever's insert
fails knows another took it. Nothing lives only in memory: at start a worker runs the last slot of each job
that no one ran (the server was down), and a run whose worker died mid-way (kill -9) is marked failed, not
left running; every job here is safe to run again, so the next slot does what it left.
"""
import logging
import os
import socket
import threading
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.exc import IntegrityError

from .changes import begin_write
from .extensions import db
from .models import Meta, ScheduleRun, utcnow
from .timefmt import iso_utc

log = logging.getLogger(__name__)
TIMEZONE = "Asia/Shanghai"
LOST_AFTER = timedelta(hours=2)  # a run still "running" this long after it started: its worker died


def daily_close() -> dict:
    """23:59: close the days that are over and still open whose collectors have all handed over; the others
    stay open and are listed with the collectors they wait for."""
    from .ledgers import service
    return service.close_past_days()


def sweep() -> dict:
    """Hourly: devices silent for 48 h become review items; document jobs whose worker died are failed."""
    from .documents.service import fail_stale_jobs
    from .ledgers.service import flag_stale_devices
    return {"stale_devices": flag_stale_devices(), "failed_jobs": fail_stale_jobs(), "lost_runs": fail_lost_runs()}


SCHEDULE = {
    "daily_close": (CronTrigger(hour=23, minute=59, timezone=TIMEZONE), daily_close),
    "sweep": (CronTrigger(minute=17, timezone=TIMEZONE), sweep),
}


def last_slot(trigger: CronTrigger, now_utc: datetime) -> datetime | None:
    """The latest time at or before `now_utc` (naive UTC) that `trigger` fires, within the last two days."""
    now = now_utc.replace(tzinfo=timezone.utc)
    slot, last = trigger.get_next_fire_time(None, now - timedelta(days=2)), None
    while slot is not None and slot <= now:
        last = slot
        slot = trigger.get_next_fire_time(slot, slot + timedelta(seconds=1))
    return last.astimezone(timezone.utc).replace(tzinfo=None) if last else None


def _worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:80]


def claim(name: str, due_at: datetime) -> int | None:
    """Take the slot `due_at` of job `name`: the run's id, or None when another worker took it first."""
    begin_write()
    if db.session.scalar(sa.select(ScheduleRun.id).where(ScheduleRun.name == name, ScheduleRun.due_at == due_at)):
        db.session.rollback()
        return None
    run = ScheduleRun(name=name, due_at=due_at, state="running", worker=_worker(), started_at=utcnow())
    db.session.add(run)
    try:
        db.session.commit()
    except IntegrityError:  # another server, between our look and our insert
        db.session.rollback()
        return None
    return run.id


def run_slot(name: str, due_at: datetime) -> bool:
    """Run one slot of one job if no one else has; True when this call ran it."""
    run_id = claim(name, due_at)
    if run_id is None:
        return False
    _, call = SCHEDULE[name]
    try:
        result, state = call(), "done"
    except Exception as e:  # noqa: BLE001 — a failed run is recorded as failed, for the admin to see
        log.exception("scheduled job %s failed", name)
        db.session.rollback()
        result, state = {"error": type(e).__name__, "message": str(e)[:300]}, "failed"
    begin_write()
    db.session.execute(sa.update(ScheduleRun).where(ScheduleRun.id == run_id).values(
        state=state, finished_at=utcnow(), result=result))
    db.session.commit()
    return True


def fail_lost_runs(now=None) -> int:
    """Runs left "running" by a worker that died (kill -9, a restart mid-run): failed, with the reason."""
    now = now or utcnow()
    begin_write()
    n = db.session.execute(sa.update(ScheduleRun).where(ScheduleRun.state == "running",
                                                        ScheduleRun.started_at < now - LOST_AFTER)
                           .values(state="failed", finished_at=now, result={"error": "worker_lost"})).rowcount
    db.session.commit()
    return n


def catch_up(now=None) -> list[str]:
    """At a worker's start: each job's last slot that nobody ran (the server was down then) runs now.

    Only slots since this database was first served: a database just set up (an import, the demo) has
    missed nothing, and its days are not closed under a clerk who is about to count their cash."""
    now = now or utcnow()
    fail_lost_runs(now)
    since = _serving_since(now)
    return [name for name, (trigger, _) in SCHEDULE.items()
            if (slot := last_slot(trigger, now)) is not None and slot >= since and run_slot(name, slot)]


def _serving_since(now) -> datetime:
    """When a scheduler first ran against this database (kept in meta), recorded now if never."""
    begin_write()
    row = db.session.get(Meta, "schedule_since")
    if row is None:
        row = Meta(key="schedule_since", value=now.isoformat(timespec="seconds"))
        db.session.add(row)
    since = datetime.fromisoformat(row.value)
    db.session.commit()
    return since


def listing(now=None) -> list[dict]:
    """For admins (GET /api/v1/admin/schedule): each job, when it runs next, and how its last run went."""
    now = now or utcnow()
    out = []
    for name, (trigger, call) in SCHEDULE.items():
        last = db.session.scalar(sa.select(ScheduleRun).where(ScheduleRun.name == name)
                                 .order_by(ScheduleRun.due_at.desc()).limit(1))
        following = trigger.get_next_fire_time(None, now.replace(tzinfo=timezone.utc))
        out.append({"name": name, "description": (call.__doc__ or "").strip().splitlines()[0],
                    "next_run_at": iso_utc(following.astimezone(timezone.utc).replace(tzinfo=None)),
                    "last_run_at": iso_utc(last.started_at) if last else None,
                    "last_state": last.state if last else None, "last_result": last.result if last else None})
    return out


# --- the scheduler of a served worker -------------------------------------------------------------------

_lock = threading.Lock()
_started: dict = {"pid": None, "scheduler": None}


def _in_app(app, call, *args):
    from .documents.runner import in_context
    return in_context(app, call, *args)


def _fire(app, name):
    """What APScheduler calls at a slot: the slot is the trigger's latest time, the same on every worker."""
    trigger, _ = SCHEDULE[name]
    slot = last_slot(trigger, utcnow() + timedelta(seconds=5))  # fired a moment early or late: the same slot
    if slot is not None:
        _in_app(app, run_slot, name, slot)


def start(app) -> BackgroundScheduler | None:
    """Start this process's scheduler once (again in a forked child), and catch up in the background."""
    with _lock:
        if _started["pid"] == os.getpid():
            return _started["scheduler"]
        scheduler = BackgroundScheduler(timezone=TIMEZONE, job_defaults={
            "coalesce": True, "max_instances": 1, "misfire_grace_time": 3600})
        for name, (trigger, _) in SCHEDULE.items():
            scheduler.add_job(_fire, trigger, args=(app, name), id=name, replace_existing=True)
        scheduler.start()
        _started.update(pid=os.getpid(), scheduler=scheduler)
    threading.Thread(target=_in_app, args=(app, catch_up), name="heatledger-catch-up", daemon=True).start()
    return scheduler


def init_app(app):
    if not app.config.get("SCHEDULER") or app.config.get("TESTING"):
        return

    @app.before_request
    def _start_scheduler():
        if _started["pid"] != os.getpid():
            start(app)
