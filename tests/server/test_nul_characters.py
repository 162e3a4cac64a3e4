"""A NUL character cannot be stored in PostgreSQL text. Wherever one arrives it is refused with a clear
error on every engine alike, and in a push only the operation that carries it is rejected (kept in
quarantine), never the batch (found by fuzzing the login on PostgreSQL)."""
import sqlalchemy as sa

from server.extensions import db
from server.models import Quarantine
from tests.invariants import check_invariants


def test_a_nul_in_a_username_is_a_clear_400_not_a_crash(client):
    r = client.post("/api/v1/auth/login", json={"username": "c0\x001", "password": "x", "device_name": "d"})
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_text"


def test_a_nul_in_a_path_or_query_is_a_clear_400(client, clerk):
    for path in ("/r/AB%00C-000001?c=x", "/d/1?t=a%00b", "/api/v1/jobs/a%00b", "/api/v1/ledgers/daily?date=2026-11-2%00"):
        r = client.get(path, headers=clerk.headers)
        assert r.status_code == 400 and r.get_json()["error"]["code"] == "bad_request", path


def test_in_a_push_only_the_operation_with_a_nul_is_rejected_and_it_is_kept(phone):
    phone.pull_all()
    hid = next(iter(phone.households))
    good = phone.payment(hid, 100)
    bad_payer = phone.payment(hid, 200, payer="张\x00三")
    bad_household = phone.payment(hid, 300)
    bad_household["household_id"] = hid[:30] + "\x00"
    status, body = phone.push([good, bad_payer, bad_household], app_version="1.0\x00")
    assert status == 200
    assert [r["status"] for r in body["results"]] == ["applied", "rejected", "rejected"]
    assert [r["error"]["code"] for r in body["results"][1:]] == ["invalid_text", "invalid_text"]
    kept = db.session.scalars(sa.select(Quarantine.op_id).where(
        Quarantine.op_id.in_([bad_payer["op_id"], bad_household["op_id"]]))).all()
    assert sorted(kept) == sorted([bad_payer["op_id"], bad_household["op_id"]])
    check_invariants()
