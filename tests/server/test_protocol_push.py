"""Push as PROTOCOL.md tells it: every status, every flag opening its review item, held money, seq gaps,
field operations and what clerks decide about them."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.models import AuditLog, Bill, BillAdjustment, Household, Payment, ReviewItem
from sync.money import bill_due_fen
from sync.receipts import check_code
from tests.conftest import shanghai_now
from tests.invariants import check_invariants

OPEN = "2026-2027"


@pytest.fixture(autouse=True)
def _english(english):
    yield
    check_invariants()


def owing(phone, n=1, status="active"):
    """Households of the phone's scope with an open balance in the open season."""
    phone.pull_all()
    found = [h for h in phone.households.values()
             if h["status"] == status and h["bills"][-1]["balance_fen"] > 10_000]
    assert len(found) >= n
    return found[:n] if n > 1 else found[0]


def total_balance(h):
    return sum(b["balance_fen"] for b in h["bills"])


def one(phone, op, **kw):
    status, body = phone.push([op], **kw)
    assert status == 200, body
    return body["results"][0]


def items_for(desk, kind, op_id):
    return [i for i in desk.review(kind) if i["op_id"] == op_id]


# --- Statuses

def test_a_payment_is_applied_once_and_its_result_lists_allocations(phone, desk):
    h = owing(phone)
    op = phone.payment(h["id"], 5000)
    r = one(phone, op)
    assert r == {"op_id": op["op_id"], "seq": op["seq"], "status": "applied", "flags": [],
                 "receipt_no": op["data"]["receipt_no"], "allocations": [{"season": OPEN, "amount_fen": 5000}],
                 "credit_fen": 0, "error": None}
    assert desk.bills(h["id"])[OPEN][1] == h["bills"][-1]["paid_fen"] + 5000


def test_a_resent_batch_in_another_order_is_all_duplicates_and_changes_nothing(phone, desk):
    a, b = owing(phone, 2)
    ops = [phone.payment(a["id"], 1000), phone.payment(b["id"], 2000), phone.payment(a["id"], 3000)]
    _, first = phone.push(ops)
    before = (desk.bills(a["id"]), desk.bills(b["id"]))
    _, again = phone.push(list(reversed(ops)))
    assert [r["status"] for r in again["results"]] == ["duplicate"] * 3
    assert [r["op_id"] for r in again["results"]] == [o["op_id"] for o in reversed(ops)]
    assert [r["allocations"] for r in again["results"]] == [r["allocations"] for r in reversed(first["results"])]
    assert (desk.bills(a["id"]), desk.bills(b["id"])) == before


def test_the_same_operation_twice_in_one_batch_is_applied_then_duplicate(phone):
    h = owing(phone)
    op = phone.payment(h["id"], 1000)
    _, body = phone.push([op, op])
    assert [r["status"] for r in body["results"]] == ["applied", "duplicate"]


def test_a_revoked_devices_payment_is_held_and_touches_no_balance_until_a_clerk_accepts_it(phone, desk):
    h = owing(phone)
    before = desk.bills(h["id"])
    desk.revoke(phone.device_id)
    op = phone.payment(h["id"], 5000)
    r = one(phone, op)
    assert r["status"] == "held" and r["flags"] == ["device_revoked"] and r["allocations"] == []
    assert desk.bills(h["id"]) == before
    payment = db.session.scalar(sa.select(Payment).where(Payment.op_id == op["op_id"]))
    assert payment.state == "held" and payment.amount_fen == 5000
    check_invariants()
    [item] = items_for(desk, "device_revoked", op["op_id"])
    assert desk.resolve(item["id"], "accept").status_code == 200
    after = desk.bills(h["id"])
    assert after[OPEN][1] == before[OPEN][1] + 5000
    db.session.expire_all()
    assert db.session.scalar(sa.select(Payment.state).where(Payment.op_id == op["op_id"])) == "recorded"


def test_every_operation_of_a_revoked_device_is_held(phone, desk):
    a, b = owing(phone, 2)
    desk.revoke(phone.device_id)
    ops = [phone.payment(a["id"], 1000), phone.op("visit", b["id"], {"kind": "survey", "text": "ok"}),
           phone.op("area_check", a["id"], {"measured_area_m2": "10.00"})]
    _, body = phone.push(ops)
    assert [r["status"] for r in body["results"]] == ["held"] * 3
    assert all("device_revoked" in r["flags"] for r in body["results"])


def test_payments_pushed_before_the_revocation_stay_as_they_were(phone, desk):
    h = owing(phone)
    op = phone.payment(h["id"], 1000)
    one(phone, op)
    desk.revoke(phone.device_id)
    assert one(phone, op)["status"] == "duplicate"
    assert db.session.scalar(sa.select(Payment.state).where(Payment.op_id == op["op_id"])) == "recorded"


def test_a_held_payment_that_a_clerk_voids_never_counts(phone, desk):
    h = owing(phone)
    before = desk.bills(h["id"])
    desk.revoke(phone.device_id)
    op = phone.payment(h["id"], 5000)
    one(phone, op)
    [item] = items_for(desk, "device_revoked", op["op_id"])
    assert desk.resolve(item["id"], "void").status_code == 200
    assert desk.bills(h["id"]) == before
    assert db.session.scalar(sa.select(Payment.state).where(Payment.op_id == op["op_id"])) == "voided"


# --- Flags, each opening a review item of its kind

def test_paying_beyond_all_open_bills_is_overpaid_and_the_rest_is_credit(phone, desk):
    h = owing(phone)
    op = phone.payment(h["id"], total_balance(h) + 12_345, season=None)
    r = one(phone, op)
    assert r["status"] == "applied" and r["flags"] == ["overpaid"] and r["credit_fen"] == 12_345
    assert sum(a["amount_fen"] for a in r["allocations"]) == total_balance(h)
    assert len(items_for(desk, "overpaid", op["op_id"])) == 1


def test_paying_a_household_of_another_collectors_building_is_out_of_scope_but_recorded(phone, desk):
    theirs = desk.households_of("c02")[0]
    assert theirs not in desk.households_of("c01")
    op = phone.payment(theirs, 1000)
    r = one(phone, op)
    assert r["status"] == "applied" and "out_of_scope" in r["flags"]
    assert len(items_for(desk, "out_of_scope", op["op_id"])) == 1
    assert db.session.scalar(sa.select(Payment.amount_fen).where(Payment.op_id == op["op_id"])) == 1000


def test_a_receipt_number_used_by_another_payment_is_receipt_duplicate(phone, desk):
    a, b = owing(phone, 2)
    first = phone.payment(a["id"], 1000)
    one(phone, first)
    second = phone.payment(b["id"], 2000)
    second["data"]["receipt_no"] = first["data"]["receipt_no"]
    r = one(phone, second)
    assert r["status"] == "applied" and r["flags"] == ["receipt_duplicate"]
    assert len(items_for(desk, "receipt_duplicate", second["op_id"])) == 1


def test_the_same_amount_on_the_same_household_within_a_day_is_duplicate_suspect(phone, desk):
    h = owing(phone)
    first = phone.payment(h["id"], 4321)
    one(phone, first)
    op = phone.payment(h["id"], 4321)
    r = one(phone, op)
    assert r["status"] == "applied" and r["flags"] == ["duplicate_suspect"]
    [item] = items_for(desk, "duplicate_suspect", op["op_id"])
    # the clerk is told which payment this one may repeat
    assert item["details"]["other_receipt_no"] == first["data"]["receipt_no"]
    assert item["details"]["other_op_id"] == first["op_id"]


def test_a_duplicate_suspect_within_one_batch_names_the_earlier_payment_too(phone, desk):
    h = owing(phone)
    first, second = phone.payment(h["id"], 4322), phone.payment(h["id"], 4322)
    status, body = phone.push([first, second])
    assert [r["flags"] for r in body["results"]] == [[], ["duplicate_suspect"]]
    [item] = items_for(desk, "duplicate_suspect", second["op_id"])
    assert item["details"]["other_receipt_no"] == first["data"]["receipt_no"]


def test_a_phone_clock_an_hour_ahead_flags_clock_skew_and_the_collection_time_is_corrected(phone, desk):
    h = owing(phone)
    skewed = datetime.now(timezone(timedelta(hours=8))) + timedelta(hours=1)
    op = phone.payment(h["id"], 1000)
    op["at"] = skewed.isoformat(timespec="seconds")
    r = one(phone, op, client_time=skewed.isoformat(timespec="seconds"))
    assert r["status"] == "applied" and r["flags"] == ["clock_skew"]
    payment = db.session.scalar(sa.select(Payment).where(Payment.op_id == op["op_id"]))
    true_time = (skewed - timedelta(hours=1)).astimezone(timezone.utc).replace(tzinfo=None)
    assert abs(payment.collected_at - true_time) < timedelta(seconds=30)
    assert payment.at_raw == op["at"]  # the raw time is kept too
    [item] = items_for(desk, "clock_skew", op["op_id"])
    assert abs(item["details"]["skew_seconds"] - 3600) < 30 and item["details"]["at_sent"] == op["at"]


def test_a_field_operation_from_a_skewed_clock_tells_the_clerk_the_offset_too(phone, desk):
    h = owing(phone)
    skewed = datetime.now(timezone(timedelta(hours=8))) - timedelta(hours=2)
    op = phone.op("visit", h["id"], {"kind": "survey", "text": "问卷"}, at=skewed.isoformat(timespec="seconds"))
    assert one(phone, op, client_time=skewed.isoformat(timespec="seconds"))["flags"] == ["clock_skew"]
    [item] = items_for(desk, "clock_skew", op["op_id"])
    assert abs(item["details"]["skew_seconds"] + 7200) < 30 and item["details"]["at_sent"] == op["at"]


def test_a_clock_five_minutes_off_is_not_skew(phone):
    h = owing(phone)
    r = one(phone, phone.payment(h["id"], 1000), client_time=shanghai_now(timedelta(minutes=5)))
    assert r["flags"] == []


def test_a_collection_time_in_the_future_was_recorded_by_a_wrong_clock_and_is_flagged(phone, desk):
    """The phone's clock is right now, but was two days ahead when the payment was recorded."""
    h = owing(phone)
    op = phone.payment(h["id"], 1000)
    op["at"] = shanghai_now(timedelta(days=2))
    r = one(phone, op)
    assert r["status"] == "applied" and r["flags"] == ["clock_skew"]
    assert len(items_for(desk, "clock_skew", op["op_id"])) == 1


@pytest.mark.parametrize("client_time", ["9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+00:00"])
def test_a_clock_thousands_of_years_off_is_skew_and_the_money_is_recorded(phone, desk, client_time):
    h = owing(phone)
    op = phone.payment(h["id"], 1000)
    r = one(phone, op, client_time=client_time)
    assert r["status"] == "applied" and r["flags"] == ["clock_skew"]
    assert len(items_for(desk, "clock_skew", op["op_id"])) == 1
    payment = db.session.scalar(sa.select(Payment).where(Payment.op_id == op["op_id"]))
    sent = datetime.fromisoformat(op["at"]).astimezone(timezone.utc).replace(tzinfo=None)
    if client_time.startswith("9999"):
        # corrected, it would fall before the year 1: the time as sent
        assert payment.collected_at == sent
    else:
        # corrected by the offset, as PROTOCOL.md says, however far: a clerk sees the flag
        assert payment.collected_at.year > 4000


@pytest.mark.parametrize("at", ["9999-12-31T00:00:00+00:00", "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00"])
def test_a_time_no_clock_reads_is_a_malformed_at_kept_in_quarantine_and_the_rest_of_the_batch_applies(phone,
                                                                                                      at):
    h = owing(phone)
    odd, good = phone.payment(h["id"], 1000), phone.payment(h["id"], 2000)
    odd["at"] = at
    status, body = phone.push([odd, good])
    assert status == 200, body
    assert body["results"][0]["status"] == "rejected"
    assert body["results"][0]["error"]["code"] == "invalid_field"
    assert body["results"][0]["error"]["details"]["field"] == "at"
    assert body["results"][1]["status"] == "applied"
    from server.models import Quarantine
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Quarantine)
                             .where(Quarantine.op_id == odd["op_id"])) == 1
    assert one(phone, odd)["status"] == "rejected"  # the same answer when it is sent again


def test_a_payment_naming_a_closed_season_is_recorded_with_season_closed(phone, desk):
    h = owing(phone)
    op = phone.payment(h["id"], 1000, season="2025-2026")
    r = one(phone, op)
    assert r["status"] == "applied" and "season_closed" in r["flags"]
    assert len(items_for(desk, "season_closed", op["op_id"])) == 1


def test_a_payment_naming_an_unknown_season_is_recorded_not_rejected(phone):
    """Money is never refused (PROTOCOL.md principle 3); tests/server/test_edge_text.py follows it further."""
    h = owing(phone)
    r = one(phone, phone.payment(h["id"], 1000, season="1999-2000"))
    assert r["status"] == "applied" and r["flags"] == ["season_unknown"] and r["error"] is None


def test_a_held_payment_opens_a_device_revoked_review_item(phone, desk):
    h = owing(phone)
    desk.revoke(phone.device_id)
    op = phone.payment(h["id"], 1000)
    one(phone, op)
    [item] = items_for(desk, "device_revoked", op["op_id"])
    assert item["collector"] == "c01" and item["household_id"] == h["id"] and item["state"] == "open"


def test_a_clerks_decision_on_a_flag_reaches_the_phone_in_its_next_pull(phone, desk):
    h = owing(phone)
    op = phone.payment(h["id"], total_balance(h) + 100)
    one(phone, op)
    phone.pull_all()
    [item] = items_for(desk, "overpaid", op["op_id"])
    desk.resolve(item["id"], "accept")
    body = phone.pull_all()
    assert h["id"] in [x["id"] for x in body["households"]]
    [p] = [p for p in phone.households[h["id"]]["payments"] if p["op_id"] == op["op_id"]]
    assert p["flags"] == ["overpaid"] and p["review"][0]["decision"] == "accept"


# --- seq and device_last_seq

def test_a_seq_gap_holds_device_last_seq_until_the_missing_operation_arrives(phone, desk):
    h = owing(phone)
    ops = [phone.payment(h["id"], 100 + i) for i in range(4)]  # seq 1..4
    _, body = phone.push([ops[0], ops[1], ops[3]])
    assert [r["status"] for r in body["results"]] == ["applied"] * 3  # a gap is not an error
    assert phone.pull()[1]["device_last_seq"] == 2
    device = desk.devices()[phone.device_id]
    assert device["gap"] is True and device["device_last_seq"] == 2 and device["seq_max"] == 4
    phone.push([ops[2]])
    assert phone.pull()[1]["device_last_seq"] == 4
    assert desk.devices()[phone.device_id]["gap"] is False


def test_device_last_seq_tells_a_phone_whose_answer_was_lost_that_its_operations_arrived(phone):
    h = owing(phone)
    assert phone.pull()[1]["device_last_seq"] == 0
    phone.push([phone.payment(h["id"], 100), phone.payment(h["id"], 200)])  # the answer is "lost"
    assert phone.pull()[1]["device_last_seq"] == 2


def test_app_version_and_outbox_depth_are_recorded_with_the_sync_session(phone, desk):
    from server.models import SyncSession
    h = owing(phone)
    phone.push([phone.payment(h["id"], 100)], app_version="0.9.1-old", outbox_depth=12)
    s = db.session.scalars(sa.select(SyncSession).where(SyncSession.device_id == phone.device_id)).all()[-1]
    assert (s.app_version, s.outbox_depth, s.counts) == ("0.9.1-old", 12, {"applied": 1})
    assert desk.devices()[phone.device_id]["app_version"] == "0.9.1-old"


# --- Field operations

def _holder_of(desk, household_id):
    for username in ("c01", "c02", "c03", "c04", "c05"):
        if household_id in desk.households_of(username):
            return username


def test_a_suspended_flat_found_occupied_is_a_vacancy_violation_and_a_rebill_bills_it_in_full(make_phone, desk):
    hid = db.session.scalar(sa.select(Household.id).where(Household.status == "suspended").order_by(Household.id))
    phone = make_phone(_holder_of(desk, hid))
    due_before, _ = desk.bills(hid)[OPEN]
    op = phone.op("vacancy_check", hid, {"season": OPEN, "finding": "occupied", "valve_sealed": False,
                                         "seal_intact": False, "witness": "楼长", "note": "暖气热"})
    r = one(phone, op)
    assert r["status"] == "applied"
    [item] = items_for(desk, "vacancy_violation", op["op_id"])
    assert desk.resolve(item["id"], "rebill", "occupied during the season").status_code == 200
    due_after, _ = desk.bills(hid)[OPEN]
    bill = db.session.scalar(sa.select(Bill).where(Bill.household_id == hid, Bill.season_id == OPEN))
    assert due_after > due_before and due_after == bill_due_fen(bill.area_m2, bill.price_yuan, Decimal("1"))
    adj = db.session.scalars(sa.select(BillAdjustment).where(BillAdjustment.review_item_id == item["id"])).all()
    assert [(a.before_fen, a.after_fen, a.reason) for a in adj] == [(due_before, due_after,
                                                                     "occupied during the season")]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
        AuditLog.action == "bill.vacancy_revoke", AuditLog.entity_id == str(adj[0].bill_id))) == 1
    phone.pull_all()
    assert phone.households[hid]["status"] == "active"
    assert phone.households[hid]["bills"][-1]["due_fen"] == due_after


def test_a_normally_billed_flat_found_vacant_is_a_claim_that_changes_no_bill(phone, desk):
    h = owing(phone)
    before = desk.bills(h["id"])
    op = phone.op("vacancy_check", h["id"], {"season": OPEN, "finding": "vacant", "valve_sealed": True})
    one(phone, op)
    assert len(items_for(desk, "vacancy_claim", op["op_id"])) == 1
    assert desk.bills(h["id"]) == before


def test_an_area_more_than_half_a_square_metre_off_is_an_area_mismatch(phone, desk):
    h = owing(phone)
    area = Decimal(h["area_m2"])
    close = phone.op("area_check", h["id"], {"measured_area_m2": str(area + Decimal("0.40"))})
    far = phone.op("area_check", h["id"], {"measured_area_m2": str(area + Decimal("0.60"))})
    _, body = phone.push([close, far])
    assert [r["status"] for r in body["results"]] == ["applied", "applied"]
    assert items_for(desk, "area_mismatch", close["op_id"]) == []
    [item] = items_for(desk, "area_mismatch", far["op_id"])
    due_before = desk.bills(h["id"])[OPEN][0]
    assert desk.resolve(item["id"], "rebill", "measured with the owner").status_code == 200
    assert desk.bills(h["id"])[OPEN][0] > due_before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BillAdjustment)
                             .where(BillAdjustment.review_item_id == item["id"])) == 1


def test_a_delivered_notice_moves_the_dunning_stage_to_notice_delivered(phone):
    phone.pull_all()
    h = next(h for h in phone.households.values() if h["dunning_stage"] in ("none", "reminder"))
    r = one(phone, phone.op("visit", h["id"], {"kind": "notice_delivered", "text": "交本人签收"}))
    assert r["status"] == "applied"
    phone.pull_all()
    assert phone.households[h["id"]]["dunning_stage"] == "notice_delivered"
    assert phone.households[h["id"]]["version"] > h["version"]
    # the delivery is recorded as a demand with its proof (DOMAIN.md §3), which a lawyer letter will cite
    from server.models import CollectionAction
    [demand] = db.session.scalars(sa.select(CollectionAction).where(CollectionAction.household_id == h["id"])).all()
    assert (demand.kind, demand.delivered, demand.proof_op_id) == ("notice_delivered", True, r["op_id"])


def test_a_second_delivery_is_a_second_demand_though_the_stage_stays(phone):
    from server.models import CollectionAction
    phone.pull_all()
    h = next(h for h in phone.households.values() if h["dunning_stage"] == "notice_delivered")
    before = db.session.scalar(sa.select(sa.func.count()).select_from(CollectionAction)
                               .where(CollectionAction.household_id == h["id"]))
    assert one(phone, phone.op("visit", h["id"], {"kind": "notice_delivered", "text": "再次送达"}))["status"] == "applied"
    after = db.session.scalar(sa.select(sa.func.count()).select_from(CollectionAction)
                              .where(CollectionAction.household_id == h["id"]))
    assert after == before + 1


def test_a_contact_update_changes_the_owners_phone(phone):
    h = owing(phone)
    one(phone, phone.op("contact_update", h["id"], {"phone": "13812345678"}))
    phone.pull_all()
    assert phone.households[h["id"]]["phone_masked"] == "138****5678"


def test_a_void_request_then_a_clerks_void_reverses_the_payment_and_restores_the_balance(phone, desk):
    h = owing(phone)
    pay = phone.payment(h["id"], 7000)
    one(phone, pay)
    paid = desk.bills(h["id"])[OPEN][1]
    void = phone.op("payment_void", h["id"], {"payment_op_id": pay["op_id"], "reason": "收错户"})
    assert one(phone, void)["status"] == "applied"
    phone.pull_all()
    [p] = [p for p in phone.households[h["id"]]["payments"] if p["op_id"] == pay["op_id"]]
    assert p["state"] == "void_requested"
    assert desk.bills(h["id"])[OPEN][1] == paid  # nothing moves before a clerk decides
    [item] = items_for(desk, "void_request", void["op_id"])
    assert desk.resolve(item["id"], "void", "confirmed wrong household").status_code == 200
    assert desk.bills(h["id"])[OPEN][1] == paid - 7000
    reversal = db.session.scalar(sa.select(Payment).where(Payment.kind == "reversal",
                                                          Payment.receipt_no == pay["data"]["receipt_no"]))
    assert reversal.amount_fen == -7000
    phone.pull_all()
    [p] = [p for p in phone.households[h["id"]]["payments"] if p["op_id"] == pay["op_id"]]
    assert p["state"] == "voided"


def test_a_void_of_an_unknown_payment_is_rejected(phone):
    import uuid
    h = owing(phone)
    r = one(phone, phone.op("payment_void", h["id"], {"payment_op_id": str(uuid.uuid4()), "reason": "x"}))
    assert r["status"] == "rejected" and r["error"]["code"] == "unknown_payment"


def test_case_1_money_without_a_season_goes_to_the_oldest_owing_season_first(phone, desk):
    phone.pull_all()
    h = next(h for h in phone.households.values() if sum(b["balance_fen"] > 0 for b in h["bills"]) >= 2)
    owing_bills = [b for b in h["bills"] if b["balance_fen"] > 0]
    amount = 300_000
    expected, left = [], amount
    for b in owing_bills:
        take = min(left, b["balance_fen"])
        if take:
            expected.append({"season": b["season"], "amount_fen": take})
        left -= take
    assert len(expected) >= 1
    r = one(phone, phone.payment(h["id"], amount, season=None))
    assert r["allocations"] == expected and r["credit_fen"] == left
    bills = desk.bills(h["id"])
    for a in expected:
        before = next(b for b in h["bills"] if b["season"] == a["season"])
        assert bills[a["season"]][1] == before["paid_fen"] + a["amount_fen"]


def test_case_1_a_named_season_is_honoured_even_when_an_older_one_is_owing(phone, desk):
    phone.pull_all()
    h = next(h for h in phone.households.values() if sum(b["balance_fen"] > 0 for b in h["bills"]) >= 2)
    r = one(phone, phone.payment(h["id"], 1000, season=OPEN))
    assert r["allocations"] == [{"season": OPEN, "amount_fen": 1000}]


# --- The public receipt page

def _receipt_page(client, receipt_no, check):
    r = client.get(f"/r/{receipt_no}", query_string={"c": check})
    assert r.status_code == 200 and r.mimetype == "text/html"
    return r.get_data(as_text=True)


def test_the_receipt_page_says_recorded_voided_not_yet_received_or_mismatch(phone, desk, client):
    h = owing(phone)
    op = phone.payment(h["id"], 8800)
    no = op["data"]["receipt_no"]
    code = check_code(phone.secret, no, h["id"], 8800, OPEN)
    page = _receipt_page(client, no, code)
    assert 'data-state="not_received"' in page and "not yet received" in page
    one(phone, op)
    page = _receipt_page(client, no, code)
    assert 'data-state="recorded"' in page and "88.00" in page
    assert h["owner_name"] not in page and h["label"] not in page  # masked data only: not the room in full
    page = _receipt_page(client, no, code[:-1] + ("a" if code[-1] != "a" else "b"))
    assert 'data-state="mismatch"' in page and "check code does not match" in page
    assert "88.00" not in page
    void = phone.op("payment_void", h["id"], {"payment_op_id": op["op_id"], "reason": "写错金额"})
    one(phone, void)
    [item] = items_for(desk, "void_request", void["op_id"])
    desk.resolve(item["id"], "void")
    page = _receipt_page(client, no, code)
    assert 'data-state="voided"' in page and "voided" in page


def test_a_held_payment_awaits_confirmation_on_the_receipt_page_until_a_clerk_decides(phone, desk, client):
    """Issue 12, item 9: a revoked device's payment is not the company's money until a clerk accepts it."""
    h = owing(phone)
    desk.revoke(phone.device_id)
    op = phone.payment(h["id"], 7700)
    assert one(phone, op)["status"] == "held"
    no = op["data"]["receipt_no"]
    code = check_code(phone.secret, no, h["id"], 7700, OPEN)
    page = _receipt_page(client, no, code)
    assert 'data-state="awaiting"' in page and "awaiting confirmation" in page and "已入账" not in page
    assert "北京示范热力有限公司" in page and "010-6500 0000" in page  # the company and its service phone
    [item] = items_for(desk, "device_revoked", op["op_id"])
    desk.resolve(item["id"], "accept")
    assert 'data-state="recorded"' in _receipt_page(client, no, code)


def test_the_receipt_check_code_covers_an_empty_season(phone, client):
    h = owing(phone)
    op = phone.payment(h["id"], 500, season=None)
    one(phone, op)
    page = _receipt_page(client, op["data"]["receipt_no"],
                         check_code(phone.secret, op["data"]["receipt_no"], h["id"], 500, None))
    assert 'data-state="recorded"' in page


# --- Review items carry what PROTOCOL.md lists

def test_review_items_list_the_protocol_fields(phone, desk):
    h = owing(phone)
    one(phone, phone.payment(h["id"], total_balance(h) + 1))
    [item] = desk.review("overpaid")
    assert {"id", "kind", "flags", "household_id", "op_id", "collector", "created_at", "state",
            "decision"} <= set(item)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewItem)) == 1


def test_a_payment_and_its_void_in_the_same_batch_make_a_void_request(phone, desk):
    h = owing(phone)
    pay = phone.payment(h["id"], 7000)
    void = phone.op("payment_void", h["id"], {"payment_op_id": pay["op_id"], "reason": "收错户"})
    _, body = phone.push([pay, void])
    assert [r["status"] for r in body["results"]] == ["applied", "applied"]
    assert db.session.scalar(sa.select(Payment.state).where(Payment.op_id == pay["op_id"])) == "void_requested"
    [item] = items_for(desk, "void_request", void["op_id"])
    assert item["payment"]["receipt_no"] == pay["data"]["receipt_no"]
    paid = desk.bills(h["id"])[OPEN][1]
    assert desk.resolve(item["id"], "void").status_code == 200
    assert desk.bills(h["id"])[OPEN][1] == paid - 7000
    _, again = phone.push([pay, void])
    assert [r["status"] for r in again["results"]] == ["duplicate", "duplicate"]


def test_a_void_sent_before_its_payment_in_one_batch_is_rejected_and_the_payment_recorded(phone):
    h = owing(phone)
    pay = phone.payment(h["id"], 7000)
    void = phone.op("payment_void", h["id"], {"payment_op_id": pay["op_id"], "reason": "x"})
    _, body = phone.push([void, pay])
    assert [r["status"] for r in body["results"]] == ["rejected", "applied"]
    assert body["results"][0]["error"]["code"] == "unknown_payment"
