"""A flat found vacant after the deadline (DOMAIN.md case 3): the clerk's acceptance files the suspension
for the first season whose Sept 30 deadline it meets, at the configured ratio; the current bill stays."""
import sqlalchemy as sa

from server.extensions import db
from server.models import Bill, SuspensionApplication


def _claim(phone, clerk, client):
    phone.pull_all()
    h = next(x for x in phone.households.values() if x["status"] == "active" and x["category"] == "residential")
    status, body = phone.push([phone.op("vacancy_check", h["id"], {"season": "2026-2027", "finding": "vacant",
                                                                   "valve_sealed": False})])
    assert body["results"][0]["status"] == "applied"
    items = client.get("/api/v1/review", query_string={"kind": "vacancy_claim"}, headers=clerk.headers).get_json()
    item = next(i for i in items["items"] if i["household_id"] == h["id"])
    r = client.post(f"/api/v1/review/{item['id']}/resolve", json={"decision": "accept", "reason": "业主书面申请"},
                    headers=clerk.headers)
    assert r.status_code == 200, r.get_json()
    return h, r.get_json()


def test_a_late_vacancy_claim_is_filed_for_next_season_and_the_current_bill_stays(client, phone, clerk, admin):
    client.put("/api/v1/admin/settings/suspension", json={"value": {"ratio": "0.60"}}, headers=admin.headers)
    client.post("/api/v1/admin/seasons", json={"id": "2027-2028", "starts_on": "2027-11-15",
                                               "ends_on": "2028-03-15"}, headers=admin.headers)
    h, item = _claim(phone, clerk, client)
    assert item["details"]["filed_for"] == "2027-2028"
    application = db.session.scalar(sa.select(SuspensionApplication).where(
        SuspensionApplication.household_id == h["id"]))
    assert application.season_id == "2027-2028" and str(application.ratio) == "0.6000"
    bill = db.session.scalar(sa.select(Bill).where(Bill.household_id == h["id"], Bill.season_id == "2026-2027"))
    assert bill.due_fen == next(b["due_fen"] for b in h["bills"] if b["season"] == "2026-2027")


def test_when_the_next_season_is_not_set_up_the_decision_waits_on_the_review_item(client, phone, clerk):
    h, item = _claim(phone, clerk, client)
    assert item["details"]["filed_for"] == "2027-2028"
    assert db.session.scalar(sa.select(SuspensionApplication).where(
        SuspensionApplication.household_id == h["id"])) is None
