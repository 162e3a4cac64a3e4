"""Every error code and HTTP status of PROTOCOL.md, reached through the API as a phone or a clerk would.

Each error body is {"error": {"code", "message", "details"}} with an English message on `Accept-Language: en`.
"""
import hashlib
import json
import struct
import uuid
import zlib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from server.errors import CATALOGUE
from server.extensions import db
from server.models import Device, Operation, Payment, utcnow
from tests.invariants import check_invariants


@pytest.fixture(autouse=True)
def _english(english):
    yield
    check_invariants()


def assert_error(r, status, code):
    assert r.status_code == status, (r.status_code, r.get_data(as_text=True)[:500])
    assert r.mimetype == "application/json"
    body = r.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    assert body["error"]["code"] == code, body
    assert body["error"]["message"] == CATALOGUE[code][2], body  # English, from the one catalogue
    assert isinstance(body["error"]["details"], dict)
    return body["error"]


def login(client, username, password):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password,
                                                   "device_name": "pytest"})


def png(seed=b"x") -> bytes:
    """A valid 1×1 PNG whose pixel differs with `seed`, so each test has its own hash."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"\x00" + hashlib.sha256(seed).digest()[:3]
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


# --- Authentication

def test_a_wrong_password_is_bad_credentials(client):
    assert_error(login(client, "c01", "not-the-password"), 401, "bad_credentials")


def test_an_unknown_username_gets_the_same_bad_credentials(client):
    err = assert_error(login(client, "nobody", "demo-nobody"), 401, "bad_credentials")
    assert err == assert_error(login(client, "c01", "wrong"), 401, "bad_credentials")


def test_five_failures_in_ten_minutes_lock_the_username_even_for_the_right_password(client):
    for _ in range(5):
        assert_error(login(client, "c02", "wrong"), 401, "bad_credentials")
    assert_error(login(client, "c02", "demo-c02"), 429, "too_many_attempts")
    assert login(client, "c03", "demo-c03").status_code == 200  # another username is not locked


def test_five_failures_lock_an_unknown_username_too(client):
    for _ in range(5):
        assert_error(login(client, "ghost", "x"), 401, "bad_credentials")
    assert_error(login(client, "ghost", "x"), 429, "too_many_attempts")


def test_failures_older_than_ten_minutes_no_longer_count(client):
    from server.models import LoginAttempt
    for _ in range(5):
        login(client, "c04", "wrong")
    db.session.execute(sa.update(LoginAttempt).values(at=utcnow() - timedelta(minutes=11)))
    db.session.commit()
    assert login(client, "c04", "demo-c04").status_code == 200


def test_a_login_without_a_password_is_a_validation_failure(client):
    assert_error(client.post("/api/v1/auth/login", json={"username": "c01"}), 400, "validation_failed")


def test_a_request_without_a_token_is_unauthorized(client):
    assert_error(client.get("/api/v1/sync/pull"), 401, "unauthorized")
    assert_error(client.get("/api/v1/sync/pull", headers={"Authorization": "Bearer nonsense"}), 401, "unauthorized")


def test_a_collector_calling_the_review_queue_is_forbidden(phone, client):
    assert_error(client.get("/api/v1/review", headers=phone.headers), 403, "forbidden")
    assert_error(client.post("/api/v1/review/1/resolve", json={"decision": "accept", "reason": "x"},
                             headers=phone.headers), 403, "forbidden")
    assert_error(client.get("/api/v1/admin/devices", headers=phone.headers), 403, "forbidden")


def test_a_clerk_calling_an_admin_endpoint_is_forbidden(clerk, client):
    assert_error(client.get("/api/v1/admin/devices", headers=clerk.headers), 403, "forbidden")


def test_an_expired_token_is_token_expired(phone, client):
    db.session.execute(sa.update(Device).where(Device.id == phone.device_id)
                       .values(token_expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    status, body = phone.pull()
    assert status == 401 and body["error"]["code"] == "token_expired"
    assert_error(client.get("/api/v1/sync/pull", headers=phone.headers), 401, "token_expired")


def test_a_revoked_device_cannot_pull(phone, desk, client):
    assert phone.pull()[0] == 200
    desk.revoke(phone.device_id)
    assert_error(client.get("/api/v1/sync/pull", headers=phone.headers), 401, "device_revoked")


# --- Push envelope

def test_a_push_for_another_device_is_device_mismatch_and_nothing_is_applied(phone, make_phone, client):
    other = make_phone("c01")
    phone.pull_all()
    hid = next(iter(phone.households))
    op = phone.payment(hid, 1000)
    r = client.post("/api/v1/sync/push", json={"device_id": other.device_id, "ops": [op]},
                    headers=phone.headers)
    assert_error(r, 403, "device_mismatch")
    assert db.session.scalar(sa.select(Operation).where(Operation.op_id == op["op_id"])) is None


def test_501_operations_are_batch_too_large_and_none_is_applied(phone, client):
    phone.pull_all()
    hid = next(iter(phone.households))
    ops = [phone.payment(hid, 100) for _ in range(501)]
    r = client.post("/api/v1/sync/push", json={"device_id": phone.device_id, "ops": ops}, headers=phone.headers)
    err = assert_error(r, 413, "batch_too_large")
    assert err["details"]["max_ops"] == 500
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Operation)) == 0


def test_500_operations_are_accepted(phone):
    phone.pull_all()
    hid = next(iter(phone.households))
    status, body = phone.push([phone.payment(hid, 1) for _ in range(500)])
    assert status == 200 and len(body["results"]) == 500
    assert {r["status"] for r in body["results"]} == {"applied"}


def test_a_body_over_one_mebibyte_is_batch_too_large_and_nothing_is_applied(phone, client):
    phone.pull_all()
    hid = next(iter(phone.households))
    ops = [phone.payment(hid, 100, note="x" * 190) for _ in range(10)]
    body = json.dumps({"device_id": phone.device_id, "ops": ops, "padding": "p" * (1024 * 1024)})
    r = client.post("/api/v1/sync/push", data=body, content_type="application/json", headers=phone.headers)
    assert_error(r, 413, "batch_too_large")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Operation)) == 0


def test_a_push_whose_body_is_not_json_is_bad_request(phone, client):
    r = client.post("/api/v1/sync/push", data=b'{"device_id": "x", "ops": [', content_type="application/json",
                    headers=phone.headers)
    assert_error(r, 400, "bad_request")
    r = client.post("/api/v1/sync/push", data=b"[1, 2]", content_type="application/json", headers=phone.headers)
    assert_error(r, 400, "bad_request")
    r = client.post("/api/v1/sync/push", json={"device_id": phone.device_id, "ops": "many"}, headers=phone.headers)
    assert_error(r, 400, "bad_request")
    # nested deeper than any JSON decoder goes: nothing of it can be read (issue 11: too_deep)
    r = client.post("/api/v1/sync/push", data=b"[" * 100_000 + b"]" * 100_000, content_type="application/json",
                    headers=phone.headers)
    assert_error(r, 400, "too_deep")


# --- Pull arguments

@pytest.mark.parametrize("limit", ["0", "5001", "-1", "ten", "1.5"])
def test_a_pull_limit_outside_1_to_5000_is_bad_request(phone, client, limit):
    r = client.get("/api/v1/sync/pull", query_string={"limit": limit}, headers=phone.headers)
    assert_error(r, 400, "bad_request")


@pytest.mark.parametrize("limit", [1, 5000])
def test_the_pull_limits_1_and_5000_are_accepted(phone, limit):
    status, body = phone.pull(limit=limit)
    assert status == 200 and len(body["households"]) == min(limit, 40)


# --- Review

def test_resolving_an_item_twice_is_already_resolved(phone, desk, client):
    phone.pull_all()
    h = next(h for h in phone.households.values() if h["status"] == "active")
    status, body = phone.push([phone.payment(h["id"], sum(b["balance_fen"] for b in h["bills"]) + 5000)])
    assert body["results"][0]["flags"] == ["overpaid"]
    item = desk.review("overpaid")[0]
    assert desk.resolve(item["id"], "accept").status_code == 200
    err = assert_error(desk.resolve(item["id"], "dismiss"), 409, "already_resolved")
    assert err["details"]["decision"] == "accept"


def test_resolving_an_unknown_item_is_not_found_and_a_bad_decision_is_a_validation_failure(phone, desk, client):
    assert_error(desk.resolve(999999, "accept"), 404, "not_found")
    r = client.post("/api/v1/review/1/resolve", json={"decision": "maybe", "reason": "x"}, headers=desk.clerk.headers)
    assert_error(r, 400, "validation_failed")


def test_revoking_an_unknown_device_is_not_found(admin, client):
    assert_error(client.post(f"/api/v1/admin/devices/{uuid.uuid4()}/revoke", headers=admin.headers), 404, "not_found")


def test_an_unknown_path_and_a_wrong_method_answer_in_the_error_shape(client, phone):
    assert_error(client.get("/api/v1/nothing-here", headers=phone.headers), 404, "not_found")
    assert_error(client.delete("/api/v1/sync/push", headers=phone.headers), 405, "method_not_allowed")


def test_the_default_language_of_messages_is_chinese(client):
    client.environ_base.pop("HTTP_ACCEPT_LANGUAGE", None)
    r = login(client, "c01", "wrong")
    assert r.get_json()["error"]["message"] == CATALOGUE["bad_credentials"][1]


@pytest.mark.parametrize("accept, in_english", [
    ("en;q=0.1, zh;q=0.9", False), ("en;q=0", False), ("de-DE,en;q=0.5", True), ("zh-CN,zh;q=0.9,en;q=0.8", False),
    ("en-US,en;q=0.9", True), ("fr", False), ("*", False)])
def test_the_language_of_messages_weighs_accept_language(client, accept, in_english):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = accept
    r = login(client, "c01", "wrong")
    zh, en = CATALOGUE["bad_credentials"][1:]
    assert r.get_json()["error"]["message"] == (en if in_english else zh)


# --- Photos

def test_a_photo_is_created_once_then_found_and_a_wrong_hash_is_hash_mismatch(phone, client, app):
    body = png(b"door")
    sha = hashlib.sha256(body).hexdigest()
    r = client.put(f"/api/v1/attachments/{sha}", data=body, content_type="image/png", headers=phone.headers)
    assert r.status_code == 201, r.get_json()
    r = client.put(f"/api/v1/attachments/{sha}", data=body, content_type="image/png", headers=phone.headers)
    assert r.status_code == 200
    other = hashlib.sha256(b"something else").hexdigest()
    r = client.put(f"/api/v1/attachments/{other}", data=body, content_type="image/png", headers=phone.headers)
    assert_error(r, 400, "hash_mismatch")
    import os
    assert os.path.isfile(os.path.join(app.config["ATTACHMENTS_DIR"], sha[:2], sha))


def test_a_photo_that_is_not_an_image_or_too_big_is_refused(phone, client):
    text = b"not an image at all"
    r = client.put(f"/api/v1/attachments/{hashlib.sha256(text).hexdigest()}", data=text, headers=phone.headers)
    assert_error(r, 415, "unsupported_media_type")
    big = png() + b"\0" * (2 * 1024 * 1024)
    r = client.put(f"/api/v1/attachments/{hashlib.sha256(big).hexdigest()}", data=big, headers=phone.headers)
    assert_error(r, 413, "payload_too_large")
    r = client.put("/api/v1/attachments/..%2F..%2Fetc%2Fpasswd", data=text, headers=phone.headers)
    assert r.status_code in (400, 404) and "error" in r.get_json()


# --- Operation results that carry an error (status `rejected`)

def test_a_duplicate_comes_back_with_the_first_flags_and_receipt_number(phone):
    phone.pull_all()
    h = next(h for h in phone.households.values() if h["status"] == "active")
    op = phone.payment(h["id"], sum(b["balance_fen"] for b in h["bills"]) + 100)
    _, first = phone.push([op])
    _, again = phone.push([op])
    a, b = first["results"][0], again["results"][0]
    assert a["status"] == "applied" and b["status"] == "duplicate"
    assert b["flags"] == a["flags"] == ["overpaid"] and b["receipt_no"] == a["receipt_no"] == op["data"]["receipt_no"]
    assert b["allocations"] == a["allocations"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Payment).where(Payment.op_id == op["op_id"])) == 1


def test_the_same_op_id_with_other_content_is_op_id_reused_and_changes_nothing(phone, desk):
    phone.pull_all()
    hid = next(iter(phone.households))
    op = phone.payment(hid, 1000)
    phone.push([op])
    before = desk.bills(hid)
    changed = dict(op, data=dict(op["data"], amount_fen=2000))
    _, body = phone.push([changed])
    r = body["results"][0]
    assert r["status"] == "rejected" and r["error"]["code"] == "op_id_reused"
    assert desk.bills(hid) == before
    assert db.session.scalar(sa.select(Payment.amount_fen).where(Payment.op_id == op["op_id"])) == 1000


def _rejected_code(phone, op):
    status, body = phone.push([op])
    assert status == 200, body
    r = body["results"][0]
    assert r["status"] == "rejected" and r["op_id"] == op["op_id"], r
    assert set(r["error"]) == {"code", "message", "details"} and r["error"]["message"], r
    assert r["error"]["message"].isascii(), r  # English on Accept-Language: en
    assert r["error"]["message"] != CATALOGUE["internal_error"][2], r  # says what is wrong with the operation
    return r["error"]["code"]


def test_clerks_see_the_rejected_operations_newest_first_with_why_and_as_sent(phone, clerk, client):
    """PROTOCOL.md principle 6: every write's fate is visible to clerks, rejected ones too."""
    phone.pull_all()
    hid = next(iter(phone.households))
    odd = phone.op("teleport", hid, {"to": "moon"})
    short = phone.op("visit", hid, {"kind": "survey"})  # no text
    assert _rejected_code(phone, odd) == "unknown_type" and _rejected_code(phone, short) == "missing_field"
    r = client.get("/api/v1/review/rejected", headers={**clerk.headers, "Accept-Language": "zh-CN"})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["total"] >= 2 and [i["op_id"] for i in body["items"][:2]] == [short["op_id"], odd["op_id"]]
    first, second = body["items"][:2]
    assert (first["error_code"], first["message"], first["type"]) == ("missing_field", "缺少必填字段", "visit")
    assert second["collector"] == "c01" and second["device_code"] == phone.code and second["household_id"] == hid
    assert second["label"] == phone.households[hid]["label"] and json.loads(second["raw"])["data"] == {"to": "moon"}
    assert client.get("/api/v1/review/rejected", headers=phone.headers).status_code == 403  # clerks only
    # whatever was sent is listed, a NUL or an overlong id where the household's should be
    for bad in ("h\x00", "x" * 5000):
        assert phone.push([dict(phone.op("visit", hid, {"kind": "survey", "text": "t"}), household_id=bad)])[0] == 200
    r = client.get("/api/v1/review/rejected", headers=clerk.headers)
    assert r.status_code == 200 and [i["household_id"] for i in r.get_json()["items"][:2]] == [None, None]


def test_an_unknown_operation_type_is_rejected_and_quarantined(phone):
    from server.models import Quarantine
    phone.pull_all()
    op = phone.op("teleport", next(iter(phone.households)), {"to": "moon"})
    assert _rejected_code(phone, op) == "unknown_type"
    raw = db.session.scalar(sa.select(Quarantine.raw).where(Quarantine.op_id == op["op_id"]))
    assert json.loads(raw) == op


@pytest.mark.parametrize("missing", ["amount_fen", "method", "receipt_no"])
def test_a_payment_missing_a_field_is_rejected_as_missing_field(phone, missing):
    phone.pull_all()
    op = phone.payment(next(iter(phone.households)), 1000)
    del op["data"][missing]
    assert _rejected_code(phone, op) == "missing_field"


@pytest.mark.parametrize("missing", ["household_id", "at", "data"])
def test_an_operation_missing_an_envelope_field_is_rejected_as_missing_field(phone, missing):
    phone.pull_all()
    op = phone.payment(next(iter(phone.households)), 1000)
    del op[missing]
    assert _rejected_code(phone, op) == "missing_field"


def test_a_payment_to_an_unknown_household_is_rejected(phone):
    assert _rejected_code(phone, phone.payment(str(uuid.uuid4()), 1000)) == "unknown_household"


@pytest.mark.parametrize("amount", [0, -5, 100_000_001])
def test_an_amount_outside_one_fen_to_a_million_yuan_is_out_of_range(phone, amount):
    phone.pull_all()
    assert _rejected_code(phone, phone.payment(next(iter(phone.households)), amount)) == "amount_out_of_range"


def test_the_largest_amount_a_million_yuan_is_recorded(phone):
    phone.pull_all()
    _, body = phone.push([phone.payment(next(iter(phone.households)), 100_000_000)])
    assert body["results"][0]["status"] == "applied" and "overpaid" in body["results"][0]["flags"]


@pytest.mark.parametrize("method", ["bitcoin", "", None, 7])
def test_an_unknown_payment_method_is_rejected(phone, method):
    phone.pull_all()
    op = phone.payment(next(iter(phone.households)), 1000)
    op["data"]["method"] = method
    assert _rejected_code(phone, op) in ("invalid_field", "missing_field")


def test_a_rejected_operation_does_not_block_the_ones_after_it(phone):
    phone.pull_all()
    hid = next(iter(phone.households))
    bad, good = phone.payment(hid, 0), phone.payment(hid, 100)
    _, body = phone.push([bad, good])
    assert [r["status"] for r in body["results"]] == ["rejected", "applied"]
    _, body = phone.push([bad, good])
    assert [r["status"] for r in body["results"]] == ["rejected", "duplicate"]


def test_an_unparseable_operation_is_rejected_and_still_kept(phone):
    from server.models import Quarantine
    _, body = phone.push(["not an object", {"op_id": "short"}, 42])
    assert [r["status"] for r in body["results"]] == ["rejected"] * 3
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Quarantine)) == 3


def test_the_same_rejected_operation_twice_in_one_batch_gets_the_same_answer_twice(phone):
    phone.pull_all()
    hid = next(iter(phone.households))
    bad = phone.payment(hid, 0)
    unknown = phone.payment(str(uuid.uuid4()), 100)
    status, body = phone.push([bad, unknown, bad, unknown])
    assert status == 200, body
    assert [r["status"] for r in body["results"]] == ["rejected"] * 4
    assert body["results"][0] == body["results"][2] and body["results"][1] == body["results"][3]
    _, again = phone.push([bad, unknown])
    assert again["results"] == body["results"][:2]


def test_an_operation_with_an_overlong_household_id_is_rejected_the_same_way_when_resent(phone):
    op = phone.payment("h" * 80, 100)
    _, first = phone.push([op])
    _, again = phone.push([op])
    assert first["results"][0]["status"] == "rejected"
    assert again["results"] == first["results"]


def test_a_seq_beyond_64_bits_is_rejected_and_a_huge_outbox_depth_ignored(phone):
    phone.pull_all()
    op = phone.payment(next(iter(phone.households)), 100)
    op["seq"] = 2**64
    status, body = phone.push([op], outbox_depth=2**70)
    assert status == 200 and body["results"][0]["error"]["code"] == "invalid_field"
    assert body["results"][0]["error"]["details"] == {"field": "seq"}


def test_a_review_page_far_beyond_the_end_is_refused_not_a_crash(clerk, client):
    assert_error(client.get("/api/v1/review", query_string={"page": 10**20}, headers=clerk.headers),
                 400, "bad_request")
    assert client.get("/api/v1/review", query_string={"page": 999}, headers=clerk.headers).get_json()["items"] == []


def test_resolving_a_review_item_beyond_any_possible_id_is_404_not_500(client, clerk):
    r = client.post("/api/v1/review/9223372036854775808/resolve", json={"decision": "accept", "reason": "x"},
                    headers=clerk.headers)
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"


def test_clerks_read_the_estate_as_projects_and_buildings_to_choose_from(clerk, phone, client):
    r = client.get("/api/v1/admin/buildings", headers=clerk.headers)
    assert r.status_code == 200
    items = r.get_json()["items"]
    assert [i["project"] for i in items] == sorted(i["project"] for i in items) and len(items) == 3
    assert all(i["buildings"][0] == "1" and i["buildings"] == sorted(i["buildings"], key=int) for i in items)
    from server.models import Building
    assert sum(len(i["buildings"]) for i in items) == db.session.scalar(sa.select(sa.func.count()).select_from(Building))
    assert client.get("/api/v1/admin/buildings", headers=phone.headers).status_code == 403
