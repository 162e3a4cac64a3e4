"""Issue 11: what storage and the JSON encoder cannot hold — a lone UTF-16 surrogate (half an emoji), a NUL,
nesting hundreds deep — is checked once at the edge. In a push only the operation that carries it is rejected
(`invalid_text`, `too_deep`) and kept in quarantine as escaped text; the good payments after it are recorded,
on the first try and on every retry. Every other body answers a 400 with a code, never a 500."""
import json

import sqlalchemy as sa

from server.extensions import db
from server.models import Payment, Quarantine, ReviewItem
from tests.invariants import check_invariants

HALF_EMOJI = "\ud83d"  # the first half of 😀 alone


def raw_push(phone, text: bytes):
    r = phone.client.post("/api/v1/sync/push", data=text, content_type="application/json",
                          headers={**phone.headers, "Accept-Language": "en"})
    return r.status_code, r.get_json()


def push_text(phone, ops) -> bytes:
    """The push body as a phone's JSON.stringify writes it: a lone surrogate as a \\ud83d escape."""
    return json.dumps({"device_id": phone.device_id, "ops": ops}).encode()


def nested(depth: int, leaf="x") -> str:
    return "[" * depth + json.dumps(leaf) + "]" * depth


def test_half_an_emoji_rejects_its_operation_alone_and_the_good_payments_after_it_are_recorded(phone):
    phone.pull_all()
    hid = next(iter(phone.households))
    bad = phone.payment(hid, 100, payer="张" + HALF_EMOJI)
    in_a_rejected_field = phone.op("no_such_type" + HALF_EMOJI, hid, {"note": HALF_EMOJI})
    good = [phone.payment(hid, 200), phone.payment(hid, 300)]
    text = push_text(phone, [bad, in_a_rejected_field, *good])
    for attempt in range(2):  # the retry of a phone whose answer was lost gets the same fates
        status, body = raw_push(phone, text)
        assert status == 200, body
        results = body["results"]
        assert [r["status"] for r in results[:2]] == ["rejected", "rejected"]
        assert [r["error"]["code"] for r in results[:2]] == ["invalid_text", "invalid_text"]
        assert [r["status"] for r in results[2:]] == (["applied"] * 2 if attempt == 0 else ["duplicate"] * 2)
    assert sorted(db.session.scalars(sa.select(Payment.amount_fen).where(
        Payment.op_id.in_([g["op_id"] for g in good])))) == [200, 300]
    kept = db.session.scalars(sa.select(Quarantine).where(Quarantine.op_id == bad["op_id"])).all()
    assert kept and all(q.error_code == "invalid_text" for q in kept)
    assert json.loads(kept[0].raw)["data"]["payer"] == "张" + HALF_EMOJI  # escape for escape, as sent
    check_invariants()


def test_surrogates_written_as_raw_bytes_are_caught_too(phone):
    phone.pull_all()
    hid = next(iter(phone.households))
    bad, good = phone.payment(hid, 100, note="NOTE"), phone.payment(hid, 200)
    text = json.dumps({"device_id": phone.device_id, "ops": [bad, good]}, ensure_ascii=False).encode()
    text = text.replace(b"NOTE", "\ud83d".encode("utf-8", "surrogatepass"))  # CESU-8, which json lets through
    status, body = raw_push(phone, text)
    assert status == 200, body
    assert [(r["status"], (r["error"] or {}).get("code")) for r in body["results"]] == [
        ("rejected", "invalid_text"), ("applied", None)]


def test_an_op_id_that_is_half_an_emoji_is_answered_without_it(phone):
    phone.pull_all()
    hid = next(iter(phone.households))
    bad = phone.payment(hid, 100)
    bad["op_id"] = bad["op_id"][:35] + HALF_EMOJI
    status, body = raw_push(phone, push_text(phone, [bad, phone.payment(hid, 200)]))
    assert status == 200, body
    assert body["results"][0]["op_id"] is None and body["results"][0]["error"]["code"] == "invalid_text"
    assert body["results"][1]["status"] == "applied"


def test_an_operation_nested_900_deep_with_a_nul_is_rejected_alone(phone):
    phone.pull_all()
    hid = next(iter(phone.households))
    good = phone.payment(hid, 200)
    deep = phone.payment(hid, 100)
    body = json.dumps({"device_id": phone.device_id, "ops": ["DEEP", good]})
    deep_text = json.dumps(deep)[:-1] + ', "extra": ' + nested(900, "x\x00") + "}"
    status, answer = raw_push(phone, body.replace('"DEEP"', deep_text).encode())
    assert status == 200, answer
    assert answer["results"][0]["error"]["code"] == "too_deep"
    assert answer["results"][1]["status"] == "applied"
    kept = db.session.scalar(sa.select(Quarantine).where(Quarantine.op_id == deep["op_id"]))
    assert kept.error_code == "too_deep" and kept.raw.count("[") == 900
    check_invariants()


def test_the_outbox_import_rejects_the_bad_operation_alone_too(phone, clerk):
    phone.pull_all()
    hid = next(iter(phone.households))
    bad, good = phone.payment(hid, 100, payer=HALF_EMOJI), phone.payment(hid, 200)
    r = clerk.client.post("/api/v1/sync/import", data=push_text(phone, [bad, good]),
                          content_type="application/json", headers=clerk.headers)
    assert r.status_code == 200, r.get_json()
    assert [x["status"] for x in r.get_json()["results"]] == ["rejected", "applied"]


def test_a_sign_in_with_half_an_emoji_or_nested_900_deep_is_a_400_with_a_code(client):
    r = client.post("/api/v1/auth/login", data=json.dumps({"username": "c01" + HALF_EMOJI, "password": "x"}),
                    content_type="application/json")
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_text"
    deep = '{"username": "c01", "password": "x", "device_name": ' + nested(900) + "}"
    r = client.post("/api/v1/auth/login", data=deep, content_type="application/json")
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "too_deep"
    r = client.post("/api/v1/auth/login", data="[" * 100_000, content_type="application/json")
    assert r.status_code == 400 and r.get_json()["error"]["code"] in ("too_deep", "bad_request")


def test_a_push_without_device_id_is_a_400_not_a_device_mismatch(phone):
    r = phone.client.post("/api/v1/sync/push", json={"ops": []}, headers=phone.headers)
    assert r.status_code == 400 and r.get_json()["error"]["details"] == {"field": "device_id"}
    r = phone.client.post("/api/v1/sync/push", json={"device_id": "someone-else", "ops": []}, headers=phone.headers)
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "device_mismatch"


def test_a_payment_naming_a_season_the_server_does_not_know_is_recorded_oldest_first_and_flagged(phone, desk):
    phone.pull_all()
    owing = next(h for h in phone.households.values() if sum(b["balance_fen"] for b in h["bills"]) > 500)
    oldest = next(b["season"] for b in owing["bills"] if b["balance_fen"] > 0)
    op = phone.payment(owing["id"], 500, season="2019-2020")
    status, body = phone.push([op])
    assert status == 200
    result = body["results"][0]
    assert result["status"] == "applied" and "season_unknown" in result["flags"]
    assert result["allocations"] == [{"season": oldest, "amount_fen": 500}]
    item = next(i for i in desk.review("season_unknown") if i["op_id"] == op["op_id"])
    assert item["household_id"] == owing["id"]
    assert db.session.scalar(sa.select(Payment.named_season_id).where(Payment.op_id == op["op_id"])) == "2019-2020"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewItem).where(
        ReviewItem.op_id == op["op_id"])) >= 1
    check_invariants()


def test_one_op_id_in_upper_and_lower_case_is_one_operation(phone):
    phone.pull_all()
    hid = next(iter(phone.households))
    op = phone.payment(hid, 100)
    upper = dict(op, op_id=op["op_id"].upper())
    status, body = phone.push([upper])
    assert body["results"][0]["status"] == "applied" and body["results"][0]["op_id"] == op["op_id"]
    status, body = phone.push([op])
    assert body["results"][0]["status"] == "duplicate"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Payment).where(
        sa.func.lower(Payment.op_id) == op["op_id"])) == 1
    check_invariants()
