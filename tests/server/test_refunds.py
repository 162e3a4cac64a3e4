"""退费 through the office API (DOMAIN.md §1 refund formulas, §8(d) cases 6 and 9; OFFICE.md "A household's life").

The example flat of DOMAIN.md: 85.60 m² × 24 元 = 2,054.40 a season of 121 legal days; 10 days without heat
refund 2,054.40 ÷ 121 × 10 = 169.785 → 169.79 (16,979 fen), rounded half-up once at the end."""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import sqlalchemy as sa

from server.extensions import db
from server.models import AuditLog, BillAdjustment, Payment, Refund, utcnow
from server.models.ledger import DayClose
from sync.merge import posting_date
from sync.money import refund_low_temp_fen, refund_no_heat_fen
from tests.invariants import check_invariants
from tests.server.test_suspensions import FULL, OPEN, bill, example_flat, post

CASE_6 = 16979


def today() -> date:
    return posting_date(datetime.now(timezone.utc).replace(tzinfo=None))


def credit(client, who, household_id):
    r = client.get(f"/api/v1/households/{household_id}", headers=who.headers)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def paid_flat(client, clerk, phone, amount=FULL, taken=()):
    """The example flat without arrears of other seasons, paid by the phone: `amount` fen (beyond 205,440 is
    credit, as no older bill takes it)."""
    phone.pull_all()
    owing = {h["id"] for h in phone.households.values()
             if any(b["season"] != OPEN and b["paid_fen"] < b["due_fen"] for b in h["bills"])}
    hid = example_flat(client, clerk, phone, set(taken) | owing)
    status, body = phone.push([phone.payment(hid, amount)])
    assert status == 200 and body["results"][0]["status"] == "applied", body
    assert bill(hid, OPEN).paid_fen == min(amount, FULL)
    return hid


def credit_of(household_id):
    from server.billing.service import credit_of as of
    db.session.expire_all()
    return of(household_id)


def propose(client, who, household_id, **body):
    body = {"season": OPEN, "reason": "换热站故障停热，业主书面申请", **body}
    return post(client, who, f"/api/v1/households/{household_id}/refunds", body)


def decide(client, who, refund_id, action, **body):
    return post(client, who, f"/api/v1/refunds/{refund_id}/{action}", body)


def daily(client, who, day):
    r = client.get("/api/v1/ledgers/daily", query_string={"date": day.isoformat()}, headers=who.headers)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_case_6_ten_days_without_heat_refund_16979_fen_and_the_payout_is_a_line_of_that_days_ledger(
        client, clerk, phone):
    hid = paid_flat(client, clerk, phone)
    assert credit_of(hid) == 0
    status, body = propose(client, clerk, hid, kind="no_heat", days=10)
    assert status == 201, body
    assert (body["amount_fen"], body["state"], body["days"], body["proposed_by"]) == (CASE_6, "proposed", 10, "clerk")
    assert bill(hid, OPEN).due_fen == FULL  # proposed is not approved: the bill stands

    status, approved = decide(client, clerk, body["id"], "approve", reason="经理批准")
    assert status == 200, approved
    assert approved["state"] == "approved" and approved["adjustment_id"] is not None
    adjustment = db.session.get(BillAdjustment, approved["adjustment_id"])
    assert (adjustment.kind, adjustment.before_fen, adjustment.after_fen) == ("refund_no_heat", FULL, FULL - CASE_6)
    assert bill(hid, OPEN).due_fen == FULL - CASE_6
    assert credit_of(hid) == CASE_6  # the original payment is unchanged; what it paid beyond the new due is credit
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Payment).where(
        Payment.household_id == hid, Payment.kind == "payment", Payment.amount_fen == FULL)) == 1

    before = daily(client, clerk, today())
    status, paid = decide(client, clerk, body["id"], "pay", method="cash", paid_on=today().isoformat())
    assert status == 200, paid
    assert (paid["state"], paid["method"], paid["paid_on"], paid["paid_by"]) == ("paid", "cash", today().isoformat(),
                                                                                "clerk")
    assert paid["receipt_no"].startswith("TF") and len(paid["receipt_no"]) == 8
    after = daily(client, clerk, today())
    lines = [e for e in after["entries"] if e["kind"] == "refund" and e["household_id"] == hid]
    assert [(e["amount_fen"], e["receipt_no"], e["method"]) for e in lines] == [(-CASE_6, paid["receipt_no"], "cash")]
    assert after["totals"]["amount_fen"] == before["totals"]["amount_fen"] - CASE_6
    assert after["totals"]["count"] == before["totals"]["count"] + 1
    assert credit_of(hid) == 0
    page = credit(client, clerk, hid)
    assert [(r["kind"], r["state"], r["amount_fen"]) for r in page["refunds"]] == [("no_heat", "paid", CASE_6)]
    assert "refund_no_heat" in [a["kind"] for a in page["adjustments"]]
    actions = set(db.session.scalars(sa.select(AuditLog.action).where(AuditLog.entity == "refund",
                                                                       AuditLog.entity_id == str(body["id"]))))
    assert actions == {"refund.proposed", "refund.approved", "refund.paid"}

    status, again = decide(client, clerk, body["id"], "pay", method="cash", paid_on=today().isoformat())
    assert (status, again["error"]["code"]) == (409, "refund_state")  # paid once only
    assert daily(client, clerk, today())["totals"]["amount_fen"] == after["totals"]["amount_fen"]
    check_invariants()


def test_an_unpaid_bill_lowered_by_a_refund_has_no_money_to_pay_back(client, clerk, phone):
    hid = example_flat(client, clerk, phone)
    status, body = propose(client, clerk, hid, kind="no_heat", days=10)
    assert status == 201 and body["amount_fen"] == CASE_6
    assert decide(client, clerk, body["id"], "approve", reason="批准")[0] == 200
    assert bill(hid, OPEN).due_fen == FULL - CASE_6  # the owner owes less; nothing was paid to give back
    status, refused = decide(client, clerk, body["id"], "pay", method="cash", paid_on=today().isoformat())
    assert (status, refused["error"]["code"]) == (409, "refund_exceeds_credit")
    assert refused["error"]["details"] == {"amount_fen": CASE_6, "credit_fen": 0}


def temperature_check(phone, household_id, rooms, **extra):
    return phone.op("temperature_check", household_id, {"rooms": rooms, "signed": True, **extra})


def readings(days, value):
    return [{"at": f"2026-11-{d:02d}T10:00:00+08:00", "value_c": value} for d in days]


def test_case_9_signed_readings_refund_only_the_failing_room_days(client, clerk, phone):
    hid = paid_flat(client, clerk, phone)
    ops = [temperature_check(phone, hid, [{"room": "主卧", "area_m2": "30.5", "readings": readings(range(20, 26), "16.5")},
                                          {"room": "客厅", "area_m2": "25.0", "readings": readings(range(20, 26), "19")}]),
           # a day at standard and a record from a cold spell do not count (DOMAIN.md §1: normal weather only)
           temperature_check(phone, hid, [{"room": "主卧", "area_m2": "30.5", "readings": readings([27], "18.5")}]),
           temperature_check(phone, hid, [{"room": "主卧", "area_m2": "30.5", "readings": readings([28], "15")}],
                             outdoor_mean_c="-12")]
    status, pushed = phone.push(ops)
    assert status == 200 and [r["status"] for r in pushed["results"]] == ["applied"] * 3, pushed
    page = credit(client, clerk, hid)
    assert sum(f["kind"] == "temperature_check" for f in page["field_records"]) == 3  # on the household page

    status, body = propose(client, clerk, hid, kind="low_temperature", ratio="0.8", reason="业主投诉室温不达标")
    assert status == 201, body
    expected = refund_low_temp_fen("24.00", "30.5", 121, 6, "0.8")  # 24 ÷ 121 × 30.5 × 6 × 0.8 = 29.038… → 29.04
    assert body["amount_fen"] == expected == 2904
    assert (body["days"], body["area_m2"], body["ratio"]) == (6, "30.50", "0.8000")
    status, approved = decide(client, clerk, body["id"], "approve", reason="批准")
    assert status == 200
    assert db.session.get(BillAdjustment, approved["adjustment_id"]).kind == "refund_temp"
    assert bill(hid, OPEN).due_fen == FULL - 2904  # the rest stays due
    assert credit_of(hid) == 2904


def test_an_unsigned_temperature_record_is_rejected_at_the_push(client, clerk, phone):
    hid = example_flat(client, clerk, phone)
    op = phone.op("temperature_check", hid, {"rooms": [{"room": "主卧", "area_m2": "30.5",
                                                        "readings": readings([20], "16.5")}], "signed": False})
    status, pushed = phone.push([op])
    assert status == 200
    result = pushed["results"][0]
    assert (result["status"], result["error"]["code"], result["error"]["details"]["field"]) == (
        "rejected", "invalid_field", "signed")


def test_a_low_temperature_refund_without_signed_records_is_refused_as_a_high_litigation_risk(client, clerk, phone,
                                                                                             english):
    hid = paid_flat(client, clerk, phone)
    status, body = propose(client, clerk, hid, kind="low_temperature", ratio="1", reason="业主称室温低")
    assert (status, body["error"]["code"]) == (409, "temperature_records_missing")
    assert body["error"]["details"]["high_litigation_risk"] is True
    r = client.post(f"/api/v1/households/{hid}/refunds?lang=en", json={"season": OPEN, "kind": "low_temperature",
                    "ratio": "1", "reason": "cold"}, headers=clerk.headers)
    assert "litigation risk" in r.get_json()["error"]["message"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Refund)) == 0


def test_an_overpayment_refunds_the_credit_and_nothing_more(client, clerk, phone):
    hid = paid_flat(client, clerk, phone, amount=FULL + 5000)
    assert credit_of(hid) == 5000
    status, body = propose(client, clerk, hid, kind="overpayment", reason="多缴退回")
    assert status == 201 and body["amount_fen"] == 5000 and body["adjustment_id"] is None
    status, twice = propose(client, clerk, hid, kind="overpayment", reason="又申请")
    assert (status, twice["error"]["code"]) == (409, "nothing_to_refund")  # the credit is promised already
    assert decide(client, clerk, body["id"], "approve", reason="批准")[0] == 200
    assert bill(hid, OPEN).due_fen == FULL  # an overpayment refund leaves the bills as they are
    status, paid = decide(client, clerk, body["id"], "pay", method="wechat", paid_on=today().isoformat())
    assert status == 200, paid
    assert credit_of(hid) == 0
    status, none = propose(client, clerk, hid, kind="overpayment", reason="再退")
    assert (status, none["error"]["code"]) == (409, "nothing_to_refund")
    # the Excel 日帐 names the line from the one label table, as a negative number of yuan
    from tests.server.test_ledger_xlsx import book, column
    ws = book(client, clerk, "daily", date=today().isoformat())["日帐"]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, column(ws, "收据号")).value == paid["receipt_no"])
    amount = ws.cell(row, column(ws, "金额(元)"))
    assert (ws.cell(row, column(ws, "类型")).value, amount.value, amount.number_format) == ("退费", -50, "#,##0.00")


def test_a_closed_seasons_bill_is_lowered_by_a_refund_only_with_an_admins_approval(client, clerk, admin, phone):
    hid = paid_flat(client, clerk, phone)
    closed = "2025-2026"
    due = bill(hid, closed).due_fen
    status, body = propose(client, clerk, hid, kind="no_heat", days=5, season=closed)
    assert status == 201, body
    assert body["amount_fen"] == refund_no_heat_fen(due, 121, 5) > 0  # 2025-11-15 … 2026-03-15: 121 days
    status, refused = decide(client, clerk, body["id"], "approve", reason="批准")
    assert (status, refused["error"]["code"]) == (409, "season_closed_needs_approval")
    assert bill(hid, closed).due_fen == due
    status, approved = decide(client, admin, body["id"], "approve", reason="经理批准，已关账季退费")
    assert status == 200 and approved["decided_by"] == "admin"
    assert bill(hid, closed).due_fen == due - body["amount_fen"]


def test_receipt_numbers_of_payouts_follow_one_sequence(client, clerk, phone):
    first = paid_flat(client, clerk, phone, amount=FULL + 100)
    second = paid_flat(client, clerk, phone, amount=FULL + 200, taken=(first,))
    numbers = []
    for hid in (first, second):
        _, body = propose(client, clerk, hid, kind="overpayment", reason="多缴退回")
        decide(client, clerk, body["id"], "approve", reason="批准")
        numbers.append(decide(client, clerk, body["id"], "pay", method="cash", paid_on=today().isoformat())[1]
                       ["receipt_no"])
    assert int(numbers[1][2:]) == int(numbers[0][2:]) + 1


def test_bad_proposals_are_400s(client, clerk, phone):
    hid = paid_flat(client, clerk, phone)
    for body, field in [({"kind": "goodwill"}, "kind"), ({"kind": "no_heat", "days": 0}, "days"),
                        ({"kind": "no_heat"}, "days"), ({"kind": "no_heat", "days": 10, "reason": "  "}, "reason"),
                        ({"kind": "low_temperature"}, "ratio"), ({"kind": "low_temperature", "ratio": "1.5"}, "ratio")]:
        status, answer = propose(client, clerk, hid, **body)
        assert (status, answer["error"]["code"]) == (400, "validation_failed"), body
        assert field in answer["error"]["details"]["fields"], answer
    status, answer = propose(client, clerk, hid, kind="no_heat", days=122)  # the season has 121 legal days
    assert (status, answer["error"]["code"]) == (400, "validation_failed")
    assert "121" in answer["error"]["details"]["fields"]["days"][0]
    assert propose(client, clerk, hid, kind="no_heat", days=121)[1]["amount_fen"] == FULL  # the whole season
    assert propose(client, clerk, "no-such-household", kind="no_heat", days=1)[0] == 404
    assert propose(client, clerk, hid, kind="no_heat", days=1, season="2099-2100")[0] == 404


def test_the_state_machine_refuses_what_does_not_follow(client, clerk, phone):
    hid = paid_flat(client, clerk, phone)
    _, body = propose(client, clerk, hid, kind="no_heat", days=3)
    status, early = decide(client, clerk, body["id"], "pay", method="cash", paid_on=today().isoformat())
    assert (status, early["error"]["code"]) == (409, "refund_state")  # not approved yet
    assert decide(client, clerk, body["id"], "approve", reason="")[0] == 400  # a decision says why
    status, rejected = decide(client, clerk, body["id"], "reject", reason="停热时间不足，不予退费")
    assert status == 200 and rejected["state"] == "rejected" and rejected["decision_reason"] == "停热时间不足，不予退费"
    for action in ("approve", "reject"):
        status, answer = decide(client, clerk, body["id"], action, reason="again")
        assert (status, answer["error"]["code"]) == (409, "refund_state")
    assert bill(hid, OPEN).due_fen == FULL  # a rejected refund changes nothing
    assert decide(client, clerk, 999999, "approve", reason="x")[0] == 404


def test_a_payout_on_a_day_to_come_or_a_closed_day_is_refused(client, clerk, phone):
    hid = paid_flat(client, clerk, phone, amount=FULL + 3000)
    _, body = propose(client, clerk, hid, kind="overpayment", reason="多缴退回")
    decide(client, clerk, body["id"], "approve", reason="批准")
    tomorrow = (today() + timedelta(days=1)).isoformat()
    status, future = decide(client, clerk, body["id"], "pay", method="cash", paid_on=tomorrow)
    assert (status, future["error"]["code"]) == (400, "validation_failed")
    assert "paid_on" in future["error"]["details"]["fields"]
    status, bad = decide(client, clerk, body["id"], "pay", method="cheque", paid_on=today().isoformat())
    assert (status, bad["error"]["code"]) == (400, "validation_failed")
    db.session.add(DayClose(posted_on=today(), count=0, amount_fen=0, cash_fen=0, by_method={}, digest="0" * 64,
                            closed_at=utcnow()))
    db.session.commit()
    status, closed = decide(client, clerk, body["id"], "pay", method="cash", paid_on=today().isoformat())
    assert (status, closed["error"]["code"]) == (409, "day_closed")
    assert credit_of(hid) == 3000  # nothing went out


def test_a_suspension_refunds_what_was_paid_beyond_the_suspended_bill(client, clerk, phone):
    hid = paid_flat(client, clerk, phone)
    status, none = propose(client, clerk, hid, kind="suspension", reason="报停退费")
    assert (status, none["error"]["code"]) == (409, "nothing_to_refund")  # not suspended: nothing beyond its due
    _, applied = post(client, clerk, f"/api/v1/households/{hid}/suspensions",
                      {"season": OPEN, "applied_on": "2026-09-30", "reason": "业主书面申请"})
    r = client.post(f"/api/v1/suspensions/{applied['id']}/approve", json={"reason": "已签协议"}, headers=clerk.headers)
    assert r.status_code == 200, r.get_json()
    beyond = FULL - bill(hid, OPEN).due_fen
    assert beyond == FULL - 61632
    status, body = propose(client, clerk, hid, kind="suspension", reason="报停退费")
    assert status == 201 and body["amount_fen"] == beyond


def test_the_refund_list_filters_by_state_and_household_and_pages(client, clerk, phone):
    hid = paid_flat(client, clerk, phone)
    ids = [propose(client, clerk, hid, kind="no_heat", days=d)[1]["id"] for d in (1, 2, 3)]
    decide(client, clerk, ids[0], "reject", reason="不予退费")
    r = client.get("/api/v1/refunds", query_string={"state": "proposed", "household_id": hid, "per_page": 1},
                   headers=clerk.headers)
    assert r.status_code == 200
    body = r.get_json()
    assert (body["total"], body["per_page"], [i["id"] for i in body["items"]]) == (2, 1, [ids[2]])
    assert client.get("/api/v1/refunds", query_string={"state": "lost"}, headers=clerk.headers).status_code == 400
    assert client.get("/api/v1/refunds", headers=phone.headers).status_code == 403  # collectors do not refund


def test_credit_refunded_does_not_also_pay_next_seasons_bill(client, clerk, admin, phone):
    from tests.server.test_suspensions import NEXT, next_season
    hid = paid_flat(client, clerk, phone, amount=FULL + 5000)
    status, body = propose(client, clerk, hid, kind="overpayment", reason="多缴退回")
    assert status == 201 and decide(client, clerk, body["id"], "approve", reason="批准")[0] == 200
    assert decide(client, clerk, body["id"], "pay", method="cash", paid_on=today().isoformat())[0] == 200
    next_season(client, admin)
    # the 50 元 went back to the owner: it is not there to roll onto the new season as well
    assert bill(hid, NEXT).paid_fen == 0 and credit_of(hid) == 0
    check_invariants()
