"""Area from the office (DOMAIN.md §7, §8(d) case 7; OFFICE.md "A household's life"): the source the clerk gave
is recorded, each bill changes by an adjustment, a closed season's only by an admin's approval, and more due
offers a fresh notice."""
import sqlalchemy as sa

from server.billing.service import credit_of
from server.extensions import db
from server.models import AuditLog, Bill, BillAdjustment
from tests.invariants import check_invariants

OPEN, CLOSED = "2026-2027", "2025-2026"


def correct(client, who, hid, area, source="certificate", reason="房产证", **extra):
    r = client.post(f"/api/v1/households/{hid}/area", json={"area_m2": area, "source": source, "reason": reason,
                                                            **extra}, headers=who.headers)
    return r.status_code, r.get_json()


def dues(hid):
    db.session.expire_all()
    return {b.season_id: b.due_fen for b in db.session.scalars(sa.select(Bill).where(Bill.household_id == hid))}


def flat(phone):
    phone.pull_all()
    return next(h["id"] for h in phone.households.values() if h["status"] == "active"
                and h["category"] == "residential" and all(b["ratio"] == "1" if "ratio" in b else True
                                                           for b in h["bills"])
                and any(b["season"] == OPEN and b["paid_fen"] == 0 for b in h["bills"]))


def test_case_7_the_certificate_area_after_payment_asks_42_yuan_more_and_offers_a_fresh_notice(client, clerk,
                                                                                                 phone):
    hid = flat(phone)
    status, body = correct(client, clerk, hid, "85.60", "drawing", "竣工图")
    assert status == 200, body
    assert dues(hid)[OPEN] == 205440
    status, pushed = phone.push([phone.payment(hid, 205440, season=OPEN)])
    assert pushed["results"][0]["status"] == "applied"
    status, body = correct(client, clerk, hid, "87.35", "certificate", "不动产证 京(2026)朝阳区不动产权第0012345号")
    assert status == 200, body
    [adj] = body["adjustments"]
    assert (adj["season"], adj["kind"], adj["before_fen"], adj["after_fen"], adj["delta_fen"],
            adj["balance_fen"]) == (OPEN, "area_fix", 205440, 209640, 4200, 4200)
    assert body["notice_offered"] is True and body["notice"]["more_due_fen"] == 4200
    assert body["notice"]["seasons"] == [OPEN]
    page = client.get(f"/api/v1/households/{hid}", headers=clerk.headers).get_json()
    assert (page["area_m2"], page["area_source"]) == ("87.35", "certificate")
    assert page["area_checked_on"] == body["area_checked_on"]
    audit = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "household.area",
                                                         AuditLog.entity_id == hid).order_by(AuditLog.id)).all()
    assert [(a.before["area_source"], a.after["area_source"]) for a in audit][-1] == ("drawing", "certificate")
    check_invariants()


def test_case_7_a_smaller_area_leaves_84_yuan_overpaid_as_credit_and_offers_no_notice(client, clerk, phone):
    hid = flat(phone)
    correct(client, clerk, hid, "85.60")
    phone.push([phone.payment(hid, 205440, season=OPEN)])
    credit_before = credit_of(hid)
    status, body = correct(client, clerk, hid, "82.10", "survey", "测绘报告")
    assert status == 200, body
    [adj] = body["adjustments"]
    assert (adj["after_fen"], adj["delta_fen"], adj["overpaid_fen"], adj["balance_fen"]) == (197040, -8400, 8400, 0)
    assert body["notice_offered"] is False and body["notice"] is None
    db.session.expire_all()
    assert credit_of(hid) - credit_before == 8400
    check_invariants()


def test_a_closed_season_keeps_its_bill_unless_an_admin_approves(client, clerk, admin, phone, english):
    hid = flat(phone)
    before = dues(hid)
    status, body = correct(client, clerk, hid, "150.00", "survey", "测绘")
    assert status == 200, body
    assert [a["season"] for a in body["adjustments"]] == [OPEN]
    assert CLOSED in body["kept_closed"]
    assert dues(hid)[CLOSED] == before[CLOSED]
    status, body = correct(client, clerk, hid, "150.00", "survey", "测绘", approve_closed=True)
    assert (status, body["error"]["code"]) == (403, "admin_approval_required")
    assert dues(hid)[CLOSED] == before[CLOSED]
    status, body = correct(client, admin, hid, "150.00", "survey", "测绘报告，经理批准重开", approve_closed=True)
    assert status == 200, body
    closed = [a for a in body["adjustments"] if a["closed_season"]]
    assert CLOSED in [a["season"] for a in closed] and all(a["approved_by"] == "admin" for a in closed)
    assert dues(hid)[CLOSED] == 360000 and body["kept_closed"] == []
    adj = db.session.scalars(sa.select(BillAdjustment).join(Bill).where(
        Bill.household_id == hid, Bill.season_id == CLOSED)).all()
    assert [(a.kind, a.after_fen, a.reason) for a in adj] == [("area_fix", 360000, "测绘报告，经理批准重开")]
    check_invariants()


def test_an_area_without_a_known_source_or_outside_1_to_2000_is_refused(client, clerk, phone):
    hid = flat(phone)
    before = dues(hid)
    for area, source in [("85.60", "guess"), ("0.50", "survey"), ("2000.01", "survey"), ("NaN", "survey")]:
        status, body = correct(client, clerk, hid, area, source)
        assert (status, body["error"]["code"]) == (400, "validation_failed"), (area, source)
    assert correct(client, clerk, "no-such-household", "85.60")[0] == 404
    assert correct(client, phone, hid, "85.60")[0] == 403
    assert dues(hid) == before


def test_the_phones_measurement_accepted_is_recorded_as_a_survey_and_reaches_the_phone(client, clerk, phone, desk):
    hid = flat(phone)
    correct(client, clerk, hid, "85.60", "certificate")
    phone.pull_all()
    status, body = phone.push([phone.op("area_check", hid, {"measured_area_m2": "87.35"})])
    [item] = [i for i in desk.review("area_mismatch") if i["household_id"] == hid]
    assert desk.resolve(item["id"], "rebill", "与业主共同测量").status_code == 200
    page = client.get(f"/api/v1/households/{hid}", headers=clerk.headers).get_json()
    assert (page["area_m2"], page["area_source"]) == ("87.35", "survey")
    assert dues(hid)[OPEN] == 209640
    phone.pull_all()
    assert phone.households[hid]["area_m2"] == "87.35"
    assert next(b for b in phone.households[hid]["bills"] if b["season"] == OPEN)["due_fen"] == 209640
