"""Operations (OFFICE.md): X-Request-Id on every answer, GET /metrics, and `backup` / `restore`.

On SQLite always and on PostgreSQL when TEST_DATABASE_URL names a server (backup there is pg_dump).
"""
import re
import time
import urllib.request

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.models import Meta, Payment, ReviewItem
from tests.live_server import LiveServer


def metric(text: str, name: str, **labels) -> float:
    """The value of one sample in Prometheus text, 0 when absent."""
    want = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = re.escape(name) + (r"\{" + re.escape(want) + r"\}" if want else "") + r" ([0-9.e+-]+)$"
    found = re.search(pattern, text, re.M)
    return float(found.group(1)) if found else 0.0


def test_every_answer_carries_a_request_id_and_echoes_a_sent_one(client):
    made = {client.get("/healthz").headers["X-Request-Id"] for _ in range(3)}
    assert len(made) == 3 and all(re.fullmatch(r"[0-9a-f]{32}", m) for m in made)
    assert client.get("/healthz", headers={"X-Request-Id": "phone-42.a"}).headers["X-Request-Id"] == "phone-42.a"
    # an error answers with one too
    r = client.get("/api/v1/households", headers={"X-Request-Id": "desk-7"})
    assert r.status_code == 401 and r.headers["X-Request-Id"] == "desk-7"
    # a value that could split a log line or a header is not echoed: a new id instead
    for bad in ("a b", "x" * 129, "é"):
        got = client.get("/healthz", headers={"X-Request-Id": bad}).headers["X-Request-Id"]
        assert got != bad and re.fullmatch(r"[0-9a-f]{32}", got)


def test_metrics_count_requests_by_route_pushes_by_result_and_read_open_review_items(client, phone):
    phone.pull_all()
    hid = next(iter(phone.households))
    before = client.get("/metrics").get_data(as_text=True)
    ops = [phone.payment(hid, 100), phone.payment(hid, 100)]
    assert phone.push(ops)[0] == 200
    assert phone.push(ops)[0] == 200  # the same ops again: duplicates
    for _ in range(3):
        client.get("/api/v1/households/not-a-household", headers=phone.headers)
    r = client.get("/metrics")
    assert r.status_code == 200 and r.mimetype == "text/plain"
    text = r.get_data(as_text=True)
    push = dict(route="/api/v1/sync/push", method="POST", status="200")
    assert metric(text, "heatledger_http_requests_total", **push) == \
        metric(before, "heatledger_http_requests_total", **push) + 2
    # the route is its pattern, not the path asked for, so ids do not make a series each
    detail = dict(route="/api/v1/households/<household_id>", method="GET", status="403")
    assert metric(text, "heatledger_http_requests_total", **detail) == \
        metric(before, "heatledger_http_requests_total", **detail) + 3
    assert "not-a-household" not in text
    assert metric(text, "heatledger_push_operations_total", status="applied") == \
        metric(before, "heatledger_push_operations_total", status="applied") + 2
    assert metric(text, "heatledger_push_operations_total", status="duplicate") == \
        metric(before, "heatledger_push_operations_total", status="duplicate") + 2
    open_items = db.session.scalar(sa.select(sa.func.count()).select_from(ReviewItem).where(ReviewItem.state == "open"))
    assert metric(text, "heatledger_review_items_open") == open_items
    count = metric(text, "heatledger_http_request_duration_seconds_count")
    assert count >= 7 and metric(text, "heatledger_http_request_duration_seconds_bucket", le="+Inf") == count


def _payments() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Payment))


def test_a_restored_backup_is_the_database_as_it_was_and_every_phone_starts_afresh(app, runner, phone, tmp_path):
    phone.pull_all()
    hid = next(iter(phone.households))
    assert phone.push([phone.payment(hid, 1234)])[0] == 200
    kept, epoch = _payments(), db.session.get(Meta, "epoch").value
    path = tmp_path / "backups" / "heatledger.backup"
    done = runner.invoke(args=["backup", str(path)])
    assert done.exit_code == 0, done.output
    assert path.stat().st_size > 0

    assert phone.push([phone.payment(hid, 99)])[0] == 200  # after the backup: lost by the restore
    assert _payments() == kept + 1
    done = runner.invoke(args=["restore", str(path)])
    assert done.exit_code == 0, done.output
    db.session.remove()
    assert _payments() == kept
    assert db.session.get(Meta, "epoch").value != epoch
    status, body = phone.pull()  # the cursor of the change log before the restore
    assert status == 200 and body["reset"] is True


def test_restore_refuses_a_file_that_is_no_backup(runner, tmp_path):
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a database at all" * 100)
    done = runner.invoke(args=["restore", str(junk)])
    assert done.exit_code != 0 and "junk.backup" in done.output


@pytest.mark.slow
def test_a_scrape_adds_up_the_counters_of_every_gunicorn_worker():
    live = LiveServer(workers=2, households=10)
    live.prepare().start()
    healthz = dict(route="/healthz", method="GET", status="200")
    try:
        time.sleep(2.5)  # each worker writes its counters once a second
        with urllib.request.urlopen(live.url + "/metrics", timeout=30) as r:
            before = metric(r.read().decode(), "heatledger_http_requests_total", **healthz)  # the start's polls
        for _ in range(40):
            with urllib.request.urlopen(live.url + "/healthz", timeout=30) as r:
                assert r.status == 200
        time.sleep(2.5)  # each worker writes its counters once a second
        for _ in range(6):
            with urllib.request.urlopen(live.url + "/metrics", timeout=30) as r:
                text = r.read().decode()
            assert metric(text, "heatledger_http_requests_total", **healthz) == before + 40
    finally:
        live.kill()
        live.close()
