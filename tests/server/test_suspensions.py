"""报停 through the office API (DOMAIN.md §2, §8(d) cases 3 and 8; OFFICE.md "A household's life").

The example flat of DOMAIN.md: 85.60 m² × 24 元 = 2,054.40 a season, 616.32 at the 30 % suspension ratio."""
import sqlalchemy as sa

from server.extensions import db
from server.models import AuditLog, Bill, BillAdjustment, Household, SuspensionApplication
from tests.invariants import check_invariants

OPEN, NEXT = "2026-2027", "2027-2028"
FULL, SUSPENDED = 205440, 61632


def post(client, who, path, body):
    r = client.post(path, json=body, headers=who.headers)
    return r.status_code, r.get_json()


def example_flat(client, clerk, phone, taken=()):
    """An active residential flat of c01's at 24 元 whose open bill is unpaid, set to 85.60 m² by certificate."""
    phone.pull_all()
    h = next(h for h in phone.households.values() if h["status"] == "active" and h["category"] == "residential"
             and h["id"] not in taken and any(b["season"] == OPEN and b["paid_fen"] == 0 for b in h["bills"])
             and not db.session.scalar(sa.select(SuspensionApplication.id).where(
                 SuspensionApplication.household_id == h["id"])))
    status, body = post(client, clerk, f"/api/v1/households/{h['id']}/area",
                        {"area_m2": "85.60", "source": "certificate", "reason": "房产证"})
    assert status == 200, body
    assert bill(h["id"], OPEN).due_fen == FULL
    return h["id"]


def bill(household_id, season):
    db.session.expire_all()
    return db.session.scalar(sa.select(Bill).where(Bill.household_id == household_id, Bill.season_id == season))


def status_of(household_id):
    db.session.expire_all()
    return db.session.get(Household, household_id).status


def apply(client, who, household_id, season, applied_on, reason="业主书面申请，附房产证及身份证"):
    return post(client, who, f"/api/v1/households/{household_id}/suspensions",
                {"season": season, "applied_on": applied_on, "reason": reason})


def next_season(client, admin, issue=True):
    for path, body, method in [("/api/v1/admin/seasons", {"id": NEXT, "starts_on": "2027-11-15",
                                                           "ends_on": "2028-03-15", "due_on": "2027-12-31"}, "post"),
                               (f"/api/v1/admin/seasons/{NEXT}/rates",
                                {"rates": [{"category": "residential", "price_yuan": "24.00"},
                                           {"category": "residential", "heat_source": "gas_boiler",
                                            "price_yuan": "30.00"}]}, "put")]:
        r = getattr(client, method)(path, json=body, headers=admin.headers)
        assert r.status_code in (200, 201), r.get_json()
    if issue:
        issue_next(client, admin)


def issue_next(client, admin):
    r = client.post(f"/api/v1/admin/seasons/{NEXT}/bills", headers=admin.headers)
    assert r.status_code == 200, r.get_json()


def test_an_application_by_the_deadline_approved_bills_the_season_at_30_percent(client, clerk, phone):
    hid = example_flat(client, clerk, phone)
    status, body = apply(client, clerk, hid, NEXT, "2026-09-30")
    assert status == 404  # the season must exist
    status, body = apply(client, clerk, hid, OPEN, "2026-09-30")
    assert status == 201, body
    assert (body["state"], body["on_time"]) == ("applied", True)
    assert bill(hid, OPEN).due_fen == FULL  # applied is not approved: the owner still uses heat
    status, again = apply(client, clerk, hid, OPEN, "2026-09-29")
    assert (status, again["error"]["code"]) == (409, "suspension_exists")
    status, approved = post(client, clerk, f"/api/v1/suspensions/{body['id']}/approve", {"reason": "已签暂停供热协议"})
    assert status == 200, approved
    assert (approved["state"], approved["decided_by"], approved["ratio"]) == ("approved", "clerk", "0.3000")
    assert (bill(hid, OPEN).due_fen, str(bill(hid, OPEN).ratio)) == (SUSPENDED, "0.3000")
    assert status_of(hid) == "suspended"
    [adj] = db.session.scalars(sa.select(BillAdjustment).join(Bill).where(
        Bill.household_id == hid, BillAdjustment.kind == "vacancy_grant")).all()
    assert (adj.before_fen, adj.after_fen, adj.reason) == (FULL, SUSPENDED, "已签暂停供热协议")
    actions = set(db.session.scalars(sa.select(AuditLog.action).where(AuditLog.entity_id.in_(
        [str(body["id"]), str(adj.bill_id), hid]))))
    assert {"suspension.applied", "suspension.approved", "bill.vacancy_grant", "household.status"} <= actions
    page = client.get(f"/api/v1/households/{hid}", headers=clerk.headers).get_json()
    assert [(s["id"], s["state"], s["on_time"]) for s in page["suspensions"]] == [(body["id"], "approved", True)]
    status, twice = post(client, clerk, f"/api/v1/suspensions/{body['id']}/approve", {"reason": "again"})
    assert (status, twice["error"]["code"]) == (409, "suspension_state")
    check_invariants()


def test_case_3_a_claim_after_the_season_started_is_kept_late_and_the_full_fee_stays_due(client, clerk, admin,
                                                                                         phone, english):
    hid = example_flat(client, clerk, phone)
    status, late = apply(client, clerk, hid, OPEN, "2026-12-01")
    assert status == 201 and (late["state"], late["on_time"]) == ("applied", False)
    status, body = post(client, clerk, f"/api/v1/suspensions/{late['id']}/approve", {"reason": "业主坚持"})
    assert (status, body["error"]["code"]) == (409, "suspension_late")
    status, body = post(client, clerk, f"/api/v1/suspensions/{late['id']}/approve",
                        {"reason": "业主坚持", "override": True})
    assert (status, body["error"]["code"]) == (403, "admin_approval_required")
    assert "admin" in body["error"]["message"]
    status, body = post(client, clerk, f"/api/v1/suspensions/{late['id']}/reject",
                        {"reason": "晚于9月30日，本季不予报停，按全额收费"})
    assert status == 200 and body["state"] == "rejected"
    assert bill(hid, OPEN).due_fen == FULL and status_of(hid) == "active"
    # Kept for the next season, for which the same day meets the deadline (Sept 30, 2027).
    status, kept = apply(client, clerk, hid, NEXT, "2026-12-01")
    assert status == 404
    next_season(client, admin, issue=False)
    status, kept = apply(client, clerk, hid, NEXT, "2026-12-01")
    assert status == 201 and kept["on_time"] is True
    assert post(client, clerk, f"/api/v1/suspensions/{kept['id']}/approve", {"reason": "下季报停"})[0] == 200
    assert status_of(hid) == "active"  # the season it speaks of is the one billed now, 2026-2027
    issue_next(client, admin)
    assert (bill(hid, OPEN).due_fen, bill(hid, NEXT).due_fen) == (FULL, SUSPENDED)
    assert status_of(hid) == "suspended"
    check_invariants()


def test_an_admin_override_with_a_reason_lets_a_late_application_count_this_season(client, clerk, admin, phone):
    hid = example_flat(client, clerk, phone)
    _, late = apply(client, clerk, hid, OPEN, "2026-12-01")
    status, body = post(client, admin, f"/api/v1/suspensions/{late['id']}/approve",
                        {"reason": "业主住院，家属9月递交材料被退回", "override": True})
    assert status == 200, body
    assert (body["state"], body["overridden"], body["decided_by"]) == ("approved", True, "admin")
    assert bill(hid, OPEN).due_fen == SUSPENDED


def test_resumption_in_the_season_bills_it_in_full_and_the_flat_is_active(client, clerk, phone):
    hid = example_flat(client, clerk, phone)
    _, s = apply(client, clerk, hid, OPEN, "2026-09-01")
    post(client, clerk, f"/api/v1/suspensions/{s['id']}/approve", {"reason": "协议"})
    assert bill(hid, OPEN).due_fen == SUSPENDED
    status, body = post(client, clerk, f"/api/v1/suspensions/{s['id']}/end", {"from": "2026-08-01", "reason": "x"})
    assert status == 400  # heat back before the application was made
    status, body = post(client, clerk, f"/api/v1/suspensions/{s['id']}/end",
                        {"from": "2027-01-10", "reason": "恢复供热确认单"})
    assert status == 200, body
    assert (body["state"], body["ended_on"]) == ("resumed", "2027-01-10")
    assert (bill(hid, OPEN).due_fen, str(bill(hid, OPEN).ratio)) == (FULL, "1.0000")
    assert status_of(hid) == "active"
    kinds = [a.kind for a in db.session.scalars(sa.select(BillAdjustment).join(Bill).where(
        Bill.household_id == hid, Bill.season_id == OPEN).order_by(BillAdjustment.id))]
    assert kinds[-2:] == ["vacancy_grant", "vacancy_revoke"]
    check_invariants()


def test_the_ratio_is_the_fee_settings_one(client, clerk, admin, phone):
    r = client.put("/api/v1/admin/settings/suspension", json={"value": {"ratio": "0.60"}}, headers=admin.headers)
    assert r.status_code == 200
    hid = example_flat(client, clerk, phone)
    _, s = apply(client, clerk, hid, OPEN, "2026-09-01")
    post(client, clerk, f"/api/v1/suspensions/{s['id']}/approve", {"reason": "2010 合同"})
    assert bill(hid, OPEN).due_fen == 123264


def test_the_approval_reaches_the_phone_in_its_next_pull(client, clerk, phone):
    hid = example_flat(client, clerk, phone)
    phone.pull_all()
    before = phone.households[hid]["version"]
    _, s = apply(client, clerk, hid, OPEN, "2026-09-01")
    post(client, clerk, f"/api/v1/suspensions/{s['id']}/approve", {"reason": "协议"})
    status, page = phone.pull()
    assert status == 200
    [h] = [h for h in page["households"] if h["id"] == hid]
    assert h["version"] > before and h["status"] == "suspended"
    assert next(b for b in h["bills"] if b["season"] == OPEN)["due_fen"] == SUSPENDED
    assert [x["id"] for x in page["households"]] == [hid]  # nobody else changed


def test_a_collector_cannot_file_or_decide_a_suspension(client, phone, clerk):
    hid = example_flat(client, clerk, phone)
    assert apply(client, phone, hid, OPEN, "2026-09-01")[0] == 403
    _, s = apply(client, clerk, hid, OPEN, "2026-09-01")
    for action in ("approve", "reject", "end"):
        assert post(client, phone, f"/api/v1/suspensions/{s['id']}/{action}", {"reason": "x"})[0] == 403


def test_season_rollover_bills_each_flat_at_the_ratio_its_suspension_says(client, clerk, admin, phone, desk):
    """A late claim a clerk accepted, a suspension that ended, one violated, one of last season only."""
    phone.pull_all()
    taken = []
    claim = example_flat(client, clerk, phone, taken)
    taken.append(claim)
    for _ in range(3):
        taken.append(example_flat(client, clerk, phone, taken))
    ended, violated, ended_before = taken[1:4]
    last_season = db.session.scalar(sa.select(Household.id).where(Household.status == "suspended")
                                    .order_by(Household.id))
    assert bill(last_season, OPEN).ratio < 1
    # The phone finds `claim` vacant in December: a late claim, accepted for the season whose deadline it meets,
    # which is not set up yet (the decision waits on the review item).
    status, body = phone.push([phone.op("vacancy_check", claim, {"season": OPEN, "finding": "vacant",
                                                                 "valve_sealed": True, "seal_no": "FH-2026-0101"})])
    [item] = [i for i in desk.review("vacancy_claim") if i["household_id"] == claim]
    assert desk.resolve(item["id"], "accept", "业主书面申请").status_code == 200
    next_season(client, admin, issue=False)
    for hid in (ended, violated, ended_before):
        _, s = apply(client, clerk, hid, NEXT, "2027-06-01")
        post(client, clerk, f"/api/v1/suspensions/{s['id']}/approve", {"reason": "协议"})
    s_ended_before = next(s for s in detail(client, clerk, ended_before)["suspensions"] if s["season"] == NEXT)
    assert post(client, clerk, f"/api/v1/suspensions/{s_ended_before['id']}/end",
                {"from": "2027-10-01", "reason": "业主入住"})[0] == 200
    issue_next(client, admin)
    assert bill(claim, NEXT).due_fen == SUSPENDED and bill(claim, OPEN).due_fen == FULL
    assert bill(ended_before, NEXT).due_fen == FULL
    assert bill(last_season, NEXT).ratio == 1 and status_of(last_season) == "active"
    assert [status_of(h) for h in (claim, ended, violated, ended_before)] == ["suspended", "suspended",
                                                                              "suspended", "active"]
    # In the season: one resumes, one is found heating by the phone.
    s_ended = next(s for s in detail(client, clerk, ended)["suspensions"] if s["season"] == NEXT)
    assert post(client, clerk, f"/api/v1/suspensions/{s_ended['id']}/end",
                {"from": "2027-12-20", "reason": "恢复供热确认单"})[0] == 200
    r = client.patch(f"/api/v1/admin/seasons/{NEXT}", json={"open": True}, headers=admin.headers)
    assert r.status_code == 200
    phone.pull_all()
    status, body = phone.push([phone.op("vacancy_check", violated, {
        "season": NEXT, "finding": "occupied", "valve_sealed": False, "seal_intact": False,
        "seal_no": "FH-2027-0007", "witness": "物业 赵敏", "note": "暖气热"})])
    assert body["results"][0]["status"] == "applied", body
    [item] = [i for i in desk.review("vacancy_violation") if i["household_id"] == violated]
    assert desk.resolve(item["id"], "rebill", "封签破坏，暖气热").status_code == 200
    bills = {h: bill(h, NEXT).due_fen for h in (claim, ended, violated, ended_before)}
    assert bills == {claim: SUSPENDED, ended: FULL, violated: FULL, ended_before: FULL}
    states = {h: [s["state"] for s in detail(client, clerk, h)["suspensions"] if s["season"] == NEXT]
              for h in (claim, ended, violated, ended_before)}
    assert states == {claim: ["approved"], ended: ["resumed"], violated: ["violated"], ended_before: ["resumed"]}
    assert [status_of(h) for h in (claim, ended, violated, ended_before)] == ["suspended", "active", "active",
                                                                              "active"]
    phone.pull_all()
    assert phone.households[violated]["status"] == "active"
    assert next(b for b in phone.households[violated]["bills"] if b["season"] == NEXT)["due_fen"] == FULL
    check_invariants()


def detail(client, clerk, hid):
    r = client.get(f"/api/v1/households/{hid}", headers=clerk.headers)
    assert r.status_code == 200
    return r.get_json()


def test_a_blank_reason_or_a_day_beyond_the_calendar_of_rules_is_refused_not_a_500(client, clerk, admin, phone):
    hid = example_flat(client, clerk, phone)
    for day in ("9999-12-31", "1900-01-01"):
        assert apply(client, clerk, hid, OPEN, day)[0] == 400
    assert apply(client, clerk, hid, OPEN, "2026-12-01", reason="   ")[0] == 400
    _, late = apply(client, clerk, hid, OPEN, "2026-12-01")
    status, body = post(client, admin, f"/api/v1/suspensions/{late['id']}/approve", {"reason": "  ", "override": True})
    assert (status, body["error"]["code"]) == (400, "validation_failed")
    assert post(client, clerk, "/api/v1/suspensions/2147483647/approve", {"reason": "x"})[0] == 404
