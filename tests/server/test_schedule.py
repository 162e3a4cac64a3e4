"""Issue 15, item 7: scheduled jobs stored so a restart loses nothing, each slot run exactly once across
workers and servers, started by the product itself, listed for admins with their last run."""
import multiprocessing
import os
import signal
import time
from datetime import datetime, timedelta

import sqlalchemy as sa

from server import jobs
from server.extensions import db
from server.models import ScheduleRun


def test_the_last_slot_of_a_schedule_is_the_latest_time_it_fires_before_now():
    trigger, _ = jobs.SCHEDULE["daily_close"]
    # 23:59 Shanghai is 15:59 UTC
    assert jobs.last_slot(trigger, datetime(2026, 12, 3, 16, 30)) == datetime(2026, 12, 3, 15, 59)
    assert jobs.last_slot(trigger, datetime(2026, 12, 3, 15, 0)) == datetime(2026, 12, 2, 15, 59)
    hourly, _ = jobs.SCHEDULE["sweep"]
    assert jobs.last_slot(hourly, datetime(2026, 12, 3, 8, 20)) == datetime(2026, 12, 3, 8, 17)


def test_a_slot_runs_once_however_often_it_is_asked(app, monkeypatch):
    calls = []
    monkeypatch.setitem(jobs.SCHEDULE, "sweep", (jobs.SCHEDULE["sweep"][0], lambda: calls.append(1) or {"n": 1}))
    slot = datetime(2026, 12, 3, 8, 17)
    assert jobs.run_slot("sweep", slot) is True
    assert jobs.run_slot("sweep", slot) is False
    assert calls == [1]
    run = db.session.scalar(sa.select(ScheduleRun).where(ScheduleRun.name == "sweep"))
    assert run.state == "done" and run.result == {"n": 1}


def _race(url, data_dir, slot, barrier, out):
    from server import create_app
    from server import jobs as j
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "DATA_DIR": data_dir, "SECRET_KEY": "k", "TESTING": True})
    with app.app_context():
        j.SCHEDULE["sweep"] = (j.SCHEDULE["sweep"][0], lambda: {"pid": os.getpid()})
        barrier.wait(30)
        out.put(j.run_slot("sweep", slot))
        db.session.remove()
        db.engine.dispose()


def test_three_processes_racing_for_one_slot_run_it_once(app, database_url, tmp_path):
    db.session.remove()
    ctx = multiprocessing.get_context("fork")
    barrier, out = ctx.Barrier(3), ctx.Queue()
    slot = datetime(2026, 12, 3, 9, 17)
    procs = [ctx.Process(target=_race, args=(database_url, str(tmp_path), slot, barrier, out)) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    results = sorted(out.get(timeout=5) for _ in procs)
    assert results == [False, False, True]
    runs = db.session.scalars(sa.select(ScheduleRun).where(ScheduleRun.due_at == slot)).all()
    assert len(runs) == 1 and runs[0].state == "done"


def _stuck(url, data_dir, slot):
    from server import create_app
    from server import jobs as j
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "DATA_DIR": data_dir, "SECRET_KEY": "k", "TESTING": True})
    with app.app_context():
        j.SCHEDULE["sweep"] = (j.SCHEDULE["sweep"][0], lambda: time.sleep(600))
        j.run_slot("sweep", slot)


def test_a_run_whose_worker_is_killed_is_failed_cleanly_and_the_next_slot_runs(app, database_url, tmp_path):
    db.session.remove()
    slot = datetime(2026, 12, 3, 10, 17)
    proc = multiprocessing.get_context("fork").Process(target=_stuck, args=(database_url, str(tmp_path), slot))
    proc.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not db.session.scalar(
            sa.select(ScheduleRun.id).where(ScheduleRun.due_at == slot)):
        db.session.rollback()
        time.sleep(0.1)
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(10)
    db.session.rollback()
    run = db.session.scalar(sa.select(ScheduleRun).where(ScheduleRun.due_at == slot))
    assert run.state == "running"  # what kill -9 leaves
    assert jobs.fail_lost_runs(datetime.utcnow() + jobs.LOST_AFTER + timedelta(minutes=1)) == 1
    db.session.expire_all()
    run = db.session.scalar(sa.select(ScheduleRun).where(ScheduleRun.due_at == slot))
    assert run.state == "failed" and run.result == {"error": "worker_lost"}
    assert jobs.run_slot("sweep", slot + timedelta(hours=1)) is True  # the next slot runs as usual


def test_after_a_restart_the_slot_missed_while_down_runs_once(app):
    assert jobs.catch_up(datetime(2026, 12, 1, 12, 0)) == []  # first served: nothing was missed
    ran = jobs.catch_up(datetime(2026, 12, 3, 16, 30))  # down from before 23:59 to after it, on a later day
    assert set(ran) == {"daily_close", "sweep"}
    assert jobs.catch_up(datetime(2026, 12, 3, 16, 31)) == []  # the same slots: already run


def test_admins_see_each_job_with_its_next_and_last_run(client, admin, clerk):
    jobs.catch_up(datetime.utcnow() - timedelta(days=3))
    jobs.catch_up()
    r = client.get("/api/v1/admin/schedule", headers=admin.headers)
    assert r.status_code == 200
    items = {i["name"]: i for i in r.get_json()["items"]}
    assert set(items) == set(jobs.SCHEDULE)
    assert all(i["next_run_at"] and i["last_run_at"] and i["last_state"] == "done" for i in items.values())
    assert "closed" in items["daily_close"]["last_result"]
    assert client.get("/api/v1/admin/schedule", headers=clerk.headers).status_code == 403


def test_the_served_app_starts_its_scheduler_with_its_first_request(tmp_path, database_url):
    from server import create_app
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "DATA_DIR": str(tmp_path), "SECRET_KEY": "k",
                      "SCHEDULER": True})
    jobs._started.update(pid=None, scheduler=None)
    try:
        assert app.test_client().get("/healthz").status_code == 200
        scheduler = jobs._started["scheduler"]
        assert scheduler is not None and scheduler.running
        assert {j.id for j in scheduler.get_jobs()} == set(jobs.SCHEDULE)
    finally:
        if jobs._started["scheduler"]:
            jobs._started["scheduler"].shutdown(wait=False)
        jobs._started.update(pid=None, scheduler=None)
        with app.app_context():
            db.engine.dispose()
