"""What the console's admin screens read (issue 12, item 5): a collector's assignments before an edit, the
phones silent for 48 h with work pending, and collectors by name where a clerk's lists carry one."""
from datetime import timedelta

import sqlalchemy as sa

from server.extensions import db
from server.models import Device, utcnow


def test_an_admin_reads_a_collectors_buildings_in_the_shape_put_answers(client, admin):
    r = client.get("/api/v1/admin/assignments/c01", headers=admin.headers)
    assert r.status_code == 200, r.get_json()
    now = r.get_json()
    assert now["username"] == "c01" and now["buildings"] and now["households"] > 0
    put = client.put("/api/v1/admin/assignments/c01", json={"buildings": now["buildings"]}, headers=admin.headers)
    assert put.get_json() == now  # loading, then saving unchanged, changes nothing


def test_the_assignments_read_follows_a_replacement(client, admin):
    before = client.get("/api/v1/admin/assignments/c02", headers=admin.headers).get_json()
    other = client.get("/api/v1/admin/assignments/c03", headers=admin.headers).get_json()
    both = before["buildings"] + other["buildings"]
    client.put("/api/v1/admin/assignments/c02", json={"buildings": both}, headers=admin.headers)
    after = client.get("/api/v1/admin/assignments/c02", headers=admin.headers).get_json()
    assert sorted(map(str, after["buildings"])) == sorted(map(str, both))
    assert after["households"] == before["households"] + other["households"]


def test_the_assignments_of_an_unknown_user_are_not_found_and_a_clerk_may_not_read_them(client, admin, clerk):
    assert client.get("/api/v1/admin/assignments/nobody", headers=admin.headers).status_code == 404
    assert client.get("/api/v1/admin/assignments/c01", headers=clerk.headers).status_code == 403


def _age(device_id, hours):
    device = db.session.get(Device, device_id)
    device.last_seen_at = utcnow() - timedelta(hours=hours)
    db.session.commit()


def test_a_phone_silent_for_two_days_with_its_outbox_not_empty_is_listed(client, admin, make_phone):
    busy, idle, recent = make_phone("c01"), make_phone("c02"), make_phone("c03")
    for p, depth in ((busy, 7), (idle, 1), (recent, 5)):
        p.pull_all()
        hid = next(iter(p.households))
        status, body = p.push([p.payment(hid, 100)], outbox_depth=depth)
        assert status == 200, body
    _age(busy.device_id, 50)
    _age(idle.device_id, 50)  # it pushed its only operation: nothing left
    _age(recent.device_id, 3)
    r = client.get("/api/v1/admin/devices", query_string={"silent_hours": 48}, headers=admin.headers)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert [d["id"] for d in body["items"]] == [busy.device_id] and body["total"] == 1
    assert body["items"][0]["outbox_depth"] == 6 and body["items"][0]["user_name"]
    everyone = client.get("/api/v1/admin/devices", headers=admin.headers).get_json()
    assert {busy.device_id, idle.device_id, recent.device_id} <= {d["id"] for d in everyone["items"]}
    assert everyone["total"] == len(everyone["items"])


def test_a_silent_phone_with_a_gap_in_its_seqs_is_listed_and_a_revoked_one_is_not(client, admin, make_phone):
    gap, revoked = make_phone("c04"), make_phone("c05")
    for p in (gap, revoked):
        p.pull_all()
        hid = next(iter(p.households))
        p.seq += 1  # seq 1 never arrives
        p.push([p.payment(hid, 100)])
    client.post(f"/api/v1/admin/devices/{revoked.device_id}/revoke", headers=admin.headers)
    _age(gap.device_id, 49)
    _age(revoked.device_id, 49)
    body = client.get("/api/v1/admin/devices", query_string={"silent_hours": 48}, headers=admin.headers).get_json()
    ids = [d["id"] for d in body["items"]]
    assert gap.device_id in ids and revoked.device_id not in ids
    assert next(d for d in body["items"] if d["id"] == gap.device_id)["gap"] is True


def test_the_devices_list_pages(client, admin, make_phone):
    for name in ("c01", "c02", "c03"):
        make_phone(name)
    first = client.get("/api/v1/admin/devices", query_string={"per_page": 2}, headers=admin.headers).get_json()
    second = client.get("/api/v1/admin/devices", query_string={"per_page": 2, "page": 2},
                        headers=admin.headers).get_json()
    assert len(first["items"]) == 2 and first["total"] >= 3
    assert not {d["id"] for d in first["items"]} & {d["id"] for d in second["items"]}


def test_a_clerk_reads_collectors_by_name_in_the_households_list_the_household_and_the_daily_ledger(
        client, clerk, phone):
    phone.pull_all()
    hid = next(h["id"] for h in phone.households.values() if h["bills"][-1]["balance_fen"] > 500)
    op = phone.payment(hid, 500)
    assert phone.push([op])[0] == 200
    name = phone.user["name"]
    rows = client.get("/api/v1/households", query_string={"per_page": 500}, headers=clerk.headers).get_json()
    row = next(h for h in rows["items"] if h["id"] == hid)
    assert row["collector"] == "c01" and row["collector_name"] == name
    detail = client.get(f"/api/v1/households/{hid}", headers=clerk.headers).get_json()
    paid = next(p for p in detail["payments"] if p["op_id"] == op["op_id"])
    assert paid["collector_name"] == name
    day = db.session.scalar(sa.text("SELECT posted_on FROM payment WHERE op_id = :o"), {"o": op["op_id"]})
    ledger = client.get("/api/v1/ledgers/daily", query_string={"date": str(day), "collector": "c01",
                                                                "per_page": 500}, headers=clerk.headers).get_json()
    entry = next(e for e in ledger["entries"] if e["receipt_no"] == op["data"]["receipt_no"])
    assert entry["collector_name"] == name


def test_a_seasons_rates_read_back_as_they_were_set_and_an_unknown_season_is_not_found(client, admin, clerk):
    r = client.put("/api/v1/admin/seasons/2026-2027/rates", json={"rates": [
        {"category": "non_residential", "zone": "core6", "price_yuan": "38.50", "suspension_ratio": "0.2500"}]},
        headers=admin.headers)
    assert r.status_code == 200, r.get_json()
    body = client.get("/api/v1/admin/seasons/2026-2027/rates", headers=clerk.headers).get_json()
    assert body["total"] == len(body["items"]) >= 2
    shop = next(x for x in body["items"] if x["category"] == "non_residential" and x["zone"] == "core6")
    assert shop["price_yuan"] == "38.50" and shop["suspension_ratio"] == "0.2500"
    home = next(x for x in body["items"] if x["category"] == "residential")
    assert home["price_yuan"] == "24.00"  # the demo's rate, kept: PUT set one rule, not all
    assert client.get("/api/v1/admin/seasons/1999-2000/rates", headers=admin.headers).status_code == 404
