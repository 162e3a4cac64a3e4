"""Issue 12, item 3 (OFFICE.md, Estate and households): a clerk finds a flat in seconds and sees everything
about it; projects list their buildings; a building's grid colours its flats; photos are shown by scope."""
import hashlib
import io

import sqlalchemy as sa
from PIL import Image

from server.extensions import db
from server.models import Account, Building, Household, Party

H = "/api/v1/households"


def find(client, clerk, **query):
    r = client.get(H, query_string=query, headers=clerk.headers)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def some_household():
    h, building, owner, phone = db.session.execute(
        sa.select(Household, Building.name, Party.name, Party.phone).join(Building).join(Party)
        .where(Party.phone.is_not(None)).order_by(Household.id)).first()
    return h, building, owner, phone


def test_a_flat_is_found_by_name_initials_room_number_and_phone_tail(client, clerk):
    h, building, owner, phone = some_household()
    number = db.session.scalar(sa.select(Account.number).where(Account.household_id == h.id))
    for q in (owner, h.owner_initials, f"{building}-{h.unit}-{h.room}", number, phone[-4:]):
        if not q:
            continue
        found = find(client, clerk, q=q)
        assert h.id in [i["id"] for i in found["items"]], q
        assert found["total"] >= 1
    row = next(i for i in find(client, clerk, q=f"{building}-{h.unit}-{h.room}")["items"] if i["id"] == h.id)
    assert row["owner_name"] == owner and row["phone_masked"].count("*") == 4 and phone not in str(row)
    assert set(row) == {"id", "number", "label", "project", "building", "unit", "room", "owner_name",
                        "phone_masked", "area_m2", "status", "balance_fen", "dunning_stage", "collector",
                        "collector_name"}  # OFFICE.md's fields, and the collector's name for a clerk (issue 12)


def test_filters_narrow_the_list_and_pages_add_up(client, clerk):
    owing = find(client, clerk, in_arrears=1, per_page=500)
    assert owing["total"] > 0 and all(i["balance_fen"] > 0 for i in owing["items"])
    suspended = find(client, clerk, status="suspended", per_page=500)
    assert all(i["status"] == "suspended" for i in suspended["items"])
    everyone = find(client, clerk, per_page=500)
    first, second = find(client, clerk, per_page=7, page=1), find(client, clerk, per_page=7, page=2)
    assert len(first["items"]) == 7 and not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}
    assert first["total"] == everyone["total"] == db.session.scalar(sa.select(sa.func.count()).select_from(Household))
    assert find(client, clerk, q="不存在的人名zz")["total"] == 0


def test_the_household_page_holds_bills_payments_field_records_and_debts(phone, client, clerk):
    phone.pull_all()
    h = next(h for h in phone.households.values() if any(b["balance_fen"] for b in h["bills"]))
    pay = phone.payment(h["id"], 1234, note="门口收")
    visit = phone.op("visit", h["id"], {"kind": "complaint", "text": "卧室不热 <b>17度</b>"})
    status, _ = phone.push([pay, visit])
    assert status == 200
    r = client.get(f"{H}/{h['id']}", headers=clerk.headers)
    assert r.status_code == 200
    page = r.get_json()
    assert page["id"] == h["id"] and page["owners"] and page["payers"]
    assert [b["season"] for b in page["bills"]] == [b["season"] for b in h["bills"]]
    mine = next(p for p in page["payments"] if p["op_id"] == pay["op_id"])
    assert mine["amount_fen"] == 1234 and mine["collector"] == "c01" and mine["note"] == "门口收"
    record = next(f for f in page["field_records"] if f["op_id"] == visit["op_id"])
    assert record["data"]["text"] == "卧室不热 <b>17度</b>" and record["collector"] == "c01"
    assert page["complaints"][0]["text"] == "卧室不热 <b>17度</b>" and page["complaints"][0]["state"] == "open"
    assert all({"season", "balance_fen", "due_on", "limitation_date", "last_demand", "stage"} <= set(d)
               for d in page["debts"])
    r = client.get(f"{H}/{h['id']}/debts", headers=clerk.headers)
    assert r.get_json()["items"] == page["debts"]
    assert client.get(f"{H}/nope", headers=clerk.headers).status_code == 404


def test_a_debt_is_time_barred_three_years_after_its_due_date_unless_a_delivered_demand_restarts_it(
        phone, client, clerk):
    from datetime import date
    phone.pull_all()
    h = next(h for h in phone.households.values() if h["bills"][0]["balance_fen"] > 0)
    debts = client.get(f"{H}/{h['id']}/debts", headers=clerk.headers).get_json()["items"]
    first = debts[0]
    due = date.fromisoformat(first["due_on"])
    assert first["limitation_date"] == due.replace(year=due.year + 3).isoformat() or first["last_demand"]
    status, _ = phone.push([phone.op("visit", h["id"], {"kind": "notice_delivered", "text": "本人签收"})])
    after = client.get(f"{H}/{h['id']}/debts", headers=clerk.headers).get_json()["items"][0]
    assert after["last_demand"] is not None and after["limitation_date"] > first["limitation_date"]


def test_households_are_for_the_office(client, phone):
    assert client.get(H, headers=phone.headers).status_code == 403


def test_projects_list_their_buildings_and_one_is_collected_by_a_property_company(client, clerk):
    items = client.get("/api/v1/projects", headers=clerk.headers).get_json()["items"]
    assert len(items) == 3
    agent = [p for p in items if p["collection_mode"] == "property_agent"]
    assert len(agent) == 1 and agent[0]["property_company"]
    assert sum(b["households"] for p in items for b in p["buildings"]) == \
        db.session.scalar(sa.select(sa.func.count()).select_from(Household))


def test_a_building_grid_colours_each_flat_by_its_bill(phone, client, clerk):
    phone.pull_all()
    h = next(iter(phone.households.values()))
    building_id = db.session.scalar(sa.select(Household.building_id).where(Household.id == h["id"]))
    r = client.get(f"/api/v1/buildings/{building_id}/grid", headers=clerk.headers)
    assert r.status_code == 200, r.get_json()
    grid = r.get_json()
    flats = [f for floor in grid["floors"] for f in floor["flats"]]
    assert len(flats) == db.session.scalar(sa.select(sa.func.count()).select_from(Household)
                                           .where(Household.building_id == building_id))
    assert {f["state"] for f in flats} <= {"paid", "partial", "unpaid", "suspended", "not_opened", "credit"}
    owing = next(f for f in flats if f["state"] in ("unpaid", "partial"))
    status, _ = phone.push([phone.payment(owing["household_id"], 99_999_999, season="2026-2027")])
    grid = client.get(f"/api/v1/buildings/{building_id}/grid", headers=clerk.headers).get_json()
    after = next(f for floor in grid["floors"] for f in floor["flats"] if f["household_id"] == owing["household_id"])
    assert after["state"] == "credit" and after["credit_fen"] > 0
    # the phone's cache carries the same 预存, so its own 楼盘表 (pwa/src/grid.js) shows the same state offline
    phone.pull_all()
    assert phone.households[owing["household_id"]]["credit_fen"] == after["credit_fen"]
    assert all("credit_fen" not in h for hid, h in phone.households.items() if hid != owing["household_id"])
    assert client.get("/api/v1/buildings/999999/grid", headers=clerk.headers).status_code == 404
    assert client.get(f"/api/v1/buildings/{building_id}/grid?season=1999-2000",
                      headers=clerk.headers).status_code == 400


def test_a_photo_is_shown_to_the_office_and_to_the_collector_whose_household_names_it(phone, make_phone, client,
                                                                                     clerk):
    phone.pull_all()
    hid = next(iter(phone.households))
    out = io.BytesIO()
    Image.new("RGB", (5, 5), (1, 2, 3)).save(out, format="JPEG")
    body = out.getvalue()
    sha = hashlib.sha256(body).hexdigest()
    assert client.put(f"/api/v1/attachments/{sha}", data=body, headers=phone.headers).status_code == 201
    other = make_phone("c02")
    assert client.get(f"/api/v1/attachments/{sha}", headers=phone.headers).status_code == 404  # named by nothing yet
    phone.push([phone.op("vacancy_check", hid, {"season": "2026-2027", "finding": "vacant", "valve_sealed": True,
                                                "photo_ids": [sha]})])
    for who in (clerk, phone):
        r = client.get(f"/api/v1/attachments/{sha}", headers=who.headers)
        assert r.status_code == 200 and r.mimetype == "image/jpeg" and r.data == body
    assert client.get(f"/api/v1/attachments/{sha}", headers=other.headers).status_code == 404
    assert client.get(f"/api/v1/attachments/{'0' * 64}", headers=clerk.headers).status_code == 404
