"""Exactly once with real server processes (PROTOCOL.md, Push): gunicorn with two workers on loopback,
the same batch raced from four threads, and kill -9 in the middle of a 500-operation push.

On SQLite always; on PostgreSQL too when TEST_DATABASE_URL names a server (an empty database is made on
it for each test and dropped after).
"""
import json
import os
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from tests.live_server import LiveServer

pytestmark = pytest.mark.slow
BEIJING = timezone(timedelta(hours=8))


def call(server, method, path, body=None, token=None, timeout=120):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(server.url + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    req.add_header("Accept-Language", "en")
    req.add_header("X-Client-Time", datetime.now(BEIJING).isoformat(timespec="seconds"))
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


class RemotePhone:
    def __init__(self, server, username="c01"):
        status, body = call(server, "POST", "/api/v1/auth/login",
                            {"username": username, "password": f"demo-{username}", "device_name": "real"})
        assert status == 200, body
        self.server, self.token, self.device_id, self.code = server, body["token"], body["device_id"], \
            body["device_code"]
        status, body = call(server, "GET", "/api/v1/sync/pull?limit=5000", token=self.token)
        assert status == 200, body
        self.households = [h["id"] for h in body["households"]]
        self.seq = 0

    def payments(self, n, amount=100):
        ops = []
        for i in range(n):
            self.seq += 1
            ops.append({"op_id": str(uuid.uuid4()), "seq": self.seq, "type": "payment",
                        "household_id": self.households[i % len(self.households)],
                        "at": datetime.now(BEIJING).isoformat(timespec="seconds"),
                        "data": {"amount_fen": amount, "method": "cash", "receipt_no": f"{self.code}-{self.seq:06d}"}})
        return ops

    def push(self, ops, timeout=120):
        """Push, sending the same batch again while the server answers 5xx (PROTOCOL.md, Push)."""
        for _ in range(20):
            status, body = call(self.server, "POST", "/api/v1/sync/push", {"device_id": self.device_id, "ops": ops},
                                self.token, timeout)
            if status < 500:
                return status, body
            time.sleep(0.2)
        return status, body


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request):
    """None for SQLite (LiveServer makes a file); a fresh, empty PostgreSQL database otherwise."""
    if request.param == "sqlite":
        yield None
        return
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("TEST_DATABASE_URL does not name a PostgreSQL server")
    name = f"hl_live_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield str(sa.engine.make_url(url).set(database=name))
    with admin.connect() as c:
        c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture
def server(database):
    live = LiveServer(database_url=database, workers=2, households=200)
    live.prepare().start()
    yield live
    live.kill()
    live.close()


def journal_counts(server, op_ids):
    """How many journal entries and operation rows each op_id has, read from the server's database."""
    url = server.database_url
    if url.startswith("postgresql") and "+psycopg" not in url:
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = sa.create_engine(url)
    try:
        with engine.connect() as c:
            payments = dict(c.execute(sa.text("SELECT op_id, count(*) FROM payment WHERE kind = 'payment' "
                                              "GROUP BY op_id")).all())
            operations = dict(c.execute(sa.text("SELECT op_id, count(*) FROM operation GROUP BY op_id")).all())
            paid = c.execute(sa.text("SELECT sum(paid_fen) FROM bill")).scalar()
            allocated = c.execute(sa.text("SELECT sum(amount_fen) FROM allocation")).scalar()
    finally:
        engine.dispose()
    assert paid == allocated, "bill paid amounts = sum of allocations"
    return [payments.get(o, 0) for o in op_ids], [operations.get(o, 0) for o in op_ids]


def test_the_same_batch_raced_from_four_threads_is_applied_exactly_once(server):
    phone = RemotePhone(server)
    ops = phone.payments(200)
    barrier = threading.Barrier(4)
    answers = [None] * 4

    def send(i):
        barrier.wait()
        answers[i] = phone.push(ops)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert all(a is not None and a[0] == 200 for a in answers), [a and (a[0], str(a[1])[:300]) for a in answers]
    for k, op in enumerate(ops):
        statuses = sorted(a[1]["results"][k]["status"] for a in answers)
        assert statuses == ["applied", "duplicate", "duplicate", "duplicate"], (k, statuses)
    payments, operations = journal_counts(server, [o["op_id"] for o in ops])
    assert set(payments) == {1} and set(operations) == {1}


def test_kill_9_in_the_middle_of_a_500_operation_push_then_resend_applies_each_exactly_once(server):
    phone = RemotePhone(server)
    before = phone.payments(20)
    assert {r["status"] for r in phone.push(before)[1]["results"]} == {"applied"}
    ops = phone.payments(500)
    outcome = {}

    def send():
        try:
            outcome["answer"] = call(server, "POST", "/api/v1/sync/push", {"device_id": phone.device_id, "ops": ops},
                                     phone.token, 60)
        except Exception as e:  # the connection dies with the server: the phone never hears
            outcome["error"] = e

    sender = threading.Thread(target=send)
    sender.start()
    time.sleep(0.05 + 0.1 * (uuid.uuid4().int % 100) / 100)  # 50–150 ms into the push
    server.kill()
    sender.join(60)
    print("killed push:", outcome.get("answer", (None,))[0] if "answer" in outcome else repr(outcome.get("error")))
    server.start()  # the same database, a new process
    status, body = phone.push(ops)
    assert status == 200, body
    statuses = [r["status"] for r in body["results"]]
    assert set(statuses) <= {"applied", "duplicate"}
    payments, operations = journal_counts(server, [o["op_id"] for o in ops])
    assert set(payments) == {1} and set(operations) == {1}
    # a duplicate is one the killed request had committed; an applied one it had not
    if "answer" in outcome and outcome["answer"][0] == 200:
        assert set(statuses) == {"duplicate"}
    status, again = phone.push(ops)
    assert {r["status"] for r in again["results"]} == {"duplicate"}
    assert [r["allocations"] for r in again["results"]] == [r["allocations"] for r in body["results"]]
    # the earlier batch is untouched
    payments, _ = journal_counts(server, [o["op_id"] for o in before])
    assert set(payments) == {1}
    status, pulled = call(server, "GET", "/api/v1/sync/pull?limit=1", token=phone.token)
    assert pulled["device_last_seq"] == 520
