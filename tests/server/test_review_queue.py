"""Issue 12, item 4: the review queue is ready to decide on. One entry per operation carrying all of its
flags, decided once; filters by kind, collector, project and date; a detail with the operation as sent,
the bills before and after, and the payment a duplicate suspect may repeat; decisions named by what they
do, never two with the same effect; a bulk decision with one reason."""
from datetime import timedelta

from tests.conftest import shanghai_now

R = "/api/v1/review"


def queue(client, clerk, **query):
    r = client.get(R, query_string={"per_page": 500, **query}, headers=clerk.headers)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def owing(phone):
    phone.pull_all()
    return next(h for h in phone.households.values() if any(b["balance_fen"] for b in h["bills"]))


def test_a_payment_with_two_flags_is_one_entry_and_one_decision_resolves_both(phone, client, clerk):
    h = owing(phone)
    op = phone.payment(h["id"], 99_000_000)  # overpaid, and from a clock an hour slow: clock_skew too
    status, body = phone.push([op], client_time=shanghai_now(timedelta(hours=-1)))
    assert set(body["results"][0]["flags"]) >= {"overpaid", "clock_skew"}
    mine = [e for e in queue(client, clerk)["items"] if e["op_id"] == op["op_id"]]
    assert len(mine) == 1
    entry = mine[0]
    assert set(entry["kinds"]) >= {"overpaid", "clock_skew"} and len(entry["item_ids"]) >= 2
    assert entry["decisions"] == ["accept", "void"] and entry["collector_name"]
    r = client.post(f"{R}/{entry['id']}/resolve", json={"decision": "accept", "reason": "业主确认"},
                    headers=clerk.headers)
    assert r.status_code == 200 and r.get_json()["state"] == "resolved"
    assert not [e for e in queue(client, clerk)["items"] if e["op_id"] == op["op_id"]]
    resolved = [e for e in queue(client, clerk, state="resolved")["items"] if e["op_id"] == op["op_id"]]
    assert len(resolved) == 1 and resolved[0]["decision"] == "accept"
    phone.pull_all()
    pulled = next(p for p in phone.households[h["id"]]["payments"] if p["op_id"] == op["op_id"])
    assert {r["decision"] for r in pulled["review"]} == {"accept"} and all(r["state"] == "resolved"
                                                                          for r in pulled["review"])


def test_the_queue_filters_by_kind_collector_project_and_date(phone, make_phone, client, clerk):
    h = owing(phone)
    other = make_phone("c02")
    other.pull_all()
    h2 = next(iter(other.households.values()))
    phone.push([phone.payment(h["id"], 99_000_000)])
    other.push([other.payment(h2["id"], 99_000_000)])
    by_c02 = queue(client, clerk, collector="c02")["items"]
    assert by_c02 and all(e["collector"] == "c02" for e in by_c02)
    assert all(e["project"] == h2["project"] for e in queue(client, clerk, project=h2["project"])["items"])
    assert all("overpaid" in e["kinds"] for e in queue(client, clerk, kind="overpaid")["items"])
    today = shanghai_now()[:10]
    assert queue(client, clerk, **{"from": today})["total"] >= 2
    assert queue(client, clerk, to="2020-01-01")["total"] == 0


def test_the_detail_shows_the_operation_as_sent_the_bills_before_and_after_and_the_twin(phone, client, clerk):
    h = owing(phone)
    first = phone.payment(h["id"], 500, note="第一次")
    twin = phone.payment(h["id"], 500, note="又一次")  # same amount within a day: a duplicate suspect
    status, body = phone.push([first, twin])
    entry = next(e for e in queue(client, clerk, kind="duplicate_suspect")["items"] if e["op_id"] == twin["op_id"])
    r = client.get(f"{R}/{entry['id']}", headers=clerk.headers)
    assert r.status_code == 200
    d = r.get_json()
    assert d["operation"]["as_sent"]["data"]["note"] == "又一次" and d["operation"]["status"] == "applied"
    roles = {p["role"]: p for p in d["related_payments"]}
    assert roles["this"]["op_id"] == twin["op_id"] and roles["twin"]["op_id"] == first["op_id"]
    touched = [b for b in d["bills"] if b["this_payment_fen"]]
    assert sum(b["this_payment_fen"] for b in touched) == 500
    assert all(b["paid_fen"] - b["paid_before_fen"] == b["this_payment_fen"] for b in d["bills"])
    assert client.get(f"{R}/999999999", headers=clerk.headers).status_code == 404


def test_a_void_request_offers_void_or_refuse_and_still_takes_the_older_accept(phone, client, clerk):
    h = owing(phone)
    pay = phone.payment(h["id"], 700)
    phone.push([pay])
    void = phone.op("payment_void", h["id"], {"payment_op_id": pay["op_id"], "reason": "写错户"})
    phone.push([void])
    entry = next(e for e in queue(client, clerk, kind="void_request")["items"] if e["op_id"] == void["op_id"])
    assert entry["decisions"] == ["dismiss", "void"]
    r = client.post(f"{R}/{entry['id']}/resolve", json={"decision": "accept", "reason": "old client"},
                    headers=clerk.headers)
    assert r.status_code == 200  # an older client's name for the same decision
    phone.pull_all()
    assert next(p for p in phone.households[h["id"]]["payments"] if p["op_id"] == pay["op_id"])["state"] == "voided"


def test_a_bulk_decision_resolves_many_entries_of_one_kind_with_one_reason(phone, client, clerk):
    phone.pull_all()
    hids = sorted(phone.households)[:3]
    ops = [phone.payment(h, 99_000_000) for h in hids]
    phone.push(ops)
    entries = [e for e in queue(client, clerk, kind="overpaid")["items"] if e["op_id"] in {o["op_id"] for o in ops}]
    ids = [e["id"] for e in entries]
    r = client.post(f"{R}/bulk", json={"item_ids": ids, "decision": "accept", "reason": "月底统一确认"},
                    headers=clerk.headers)
    assert r.status_code == 200, r.get_json()
    assert len(r.get_json()["resolved"]) == 3 and r.get_json()["failed"] == []
    again = client.post(f"{R}/bulk", json={"item_ids": ids[:1], "decision": "accept", "reason": "x"},
                        headers=clerk.headers).get_json()
    assert again["failed"][0]["code"] == "already_resolved"
    void = phone.op("payment_void", hids[0], {"payment_op_id": ops[0]["op_id"], "reason": "错"})
    phone.push([void, phone.payment(hids[1], 98_000_000)])
    mixed = [e["id"] for e in queue(client, clerk)["items"]][:50]
    kinds = {k for e in queue(client, clerk)["items"] for k in [e["kind"]]}
    if len(kinds) > 1:
        r = client.post(f"{R}/bulk", json={"item_ids": mixed, "decision": "dismiss", "reason": "x"},
                        headers=clerk.headers)
        assert r.status_code == 400
    assert client.post(f"{R}/bulk", json={"item_ids": [], "decision": "accept", "reason": "x"},
                       headers=clerk.headers).status_code == 400


def test_an_inspection_from_a_wrong_clock_is_decided_as_what_it_found(phone, client, clerk):
    """Found by the protocol state machine: kinds [clock_skew, vacancy_violation] offered no decision at all
    when their decisions were intersected; the entry is decided as its finding, the clock flag closes with it."""
    phone.pull_all()
    h = next(h for h in phone.households.values() if h["status"] == "suspended")
    check = phone.op("vacancy_check", h["id"], {"season": "2026-2027", "finding": "occupied", "valve_sealed": False})
    phone.push([check], client_time=shanghai_now(timedelta(hours=-1)))
    entry = next(e for e in queue(client, clerk)["items"] if e["op_id"] == check["op_id"])
    assert set(entry["kinds"]) == {"clock_skew", "vacancy_violation"}
    assert entry["decisions"] == ["dismiss", "rebill"]
    r = client.post(f"{R}/{entry['id']}/resolve", json={"decision": "rebill", "reason": "入户见暖气开启"},
                    headers=clerk.headers)
    assert r.status_code == 200, r.get_json()
    assert not [e for e in queue(client, clerk)["items"] if e["op_id"] == check["op_id"]]
    phone.pull_all()
    assert phone.households[h["id"]]["status"] == "active"
