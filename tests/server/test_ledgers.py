"""收费台账 (PROTOCOL.md, Clerk and admin API; DESIGN.md inv. 5 and 6): ledgers are the journal by posting date."""
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO

import sqlalchemy as sa

from server.extensions import db
from server.models import Allocation, Bill, Payment
from sync.merge import posting_date
from tests.conftest import shanghai_now
from tests.invariants import check_invariants

LEDGERS = "/api/v1/ledgers"


def today() -> date:
    return posting_date(datetime.now(timezone.utc).replace(tzinfo=None))


def get(client, who, path, **query):
    r = client.get(f"{LEDGERS}/{path}", query_string=query, headers=who.headers)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def hand_over_all(day: date, first_off_by: int = 0):
    """Every collector with cash on `day` hands over what their receipts carry, recorded on that day (the
    service is given that day's clock); the first of them `first_off_by` fen more (长款) or less (短款)."""
    from datetime import time
    from server.ledgers import handovers
    from server.models import User
    then = datetime.combine(day, time(18, 0), timezone(timedelta(hours=8))).astimezone(timezone.utc)
    clerk_id = db.session.scalar(sa.select(User.id).where(User.username == "clerk"))
    names = dict(db.session.execute(sa.select(User.id, User.username)).all())
    for n, (collector_id, cash) in enumerate(sorted(handovers.expected_cash(day).items())):
        handovers.hand_over(day, names[collector_id], cash + (first_off_by if n == 0 else 0), None, clerk_id,
                            now=then.replace(tzinfo=None))


def busiest_past_day() -> date:
    """The demo date with the most entries: a day that is over, with history to close."""
    return db.session.execute(sa.select(Payment.posted_on).where(Payment.posted_on < today())
                              .group_by(Payment.posted_on).order_by(sa.func.count().desc(), Payment.posted_on)
                              .limit(1)).scalar_one()


def test_the_daily_ledger_holds_exactly_the_journal_entries_posted_that_date(client, clerk):
    day = busiest_past_day()
    ledger = get(client, clerk, "daily", date=day.isoformat())
    journal = db.session.execute(sa.select(Payment.receipt_no, Payment.amount_fen).where(
        Payment.posted_on == day, Payment.state != "held")).all()
    assert Counter((e["receipt_no"], e["amount_fen"]) for e in ledger["entries"]) == Counter(journal)
    assert ledger["totals"]["count"] == len(journal) == len(ledger["entries"])
    assert ledger["totals"]["amount_fen"] == sum(a for _, a in journal)
    assert sum(ledger["totals"]["by_method"].values()) == ledger["totals"]["amount_fen"]
    assert all(e["posted_on"] == day.isoformat() for e in ledger["entries"])
    assert ledger["closed"] is None


def test_a_payment_synced_days_after_it_was_taken_is_a_late_entry_on_the_day_it_is_posted(client, clerk, phone):
    phone.pull_all()
    hid = next(h["id"] for h in phone.households.values() if h["bills"][-1]["balance_fen"] > 5000)
    on_time = phone.payment(hid, 1200)
    late = phone.payment(hid, 3400)
    late["at"] = shanghai_now(timedelta(days=-2))  # taken offline two days ago, synced now (补录)
    status, body = phone.push([on_time, late])
    assert status == 200 and [r["status"] for r in body["results"]] == ["applied", "applied"]
    ledger = get(client, clerk, "daily", date=today().isoformat())
    mine = {e["receipt_no"]: e for e in ledger["entries"]}
    assert mine[on_time["data"]["receipt_no"]]["late"] is False
    entry = mine[late["data"]["receipt_no"]]
    assert entry["late"] is True and entry["kind"] == "payment" and entry["amount_fen"] == 3400
    assert entry["collected_at"][:10] < entry["posted_on"] == today().isoformat()
    assert entry["collector"] == "c01" and entry["household_id"] == hid and "号楼" in entry["label"]
    # filters: by collector and by project
    assert get(client, clerk, "daily", date=today().isoformat(), collector="c02")["totals"]["count"] == 0
    assert get(client, clerk, "daily", date=today().isoformat(), project=entry["project"])["totals"]["count"] == 2


def test_a_held_payment_is_not_money_yet_and_stays_off_the_daily_ledger(client, clerk, admin, phone):
    phone.pull_all()
    hid = next(iter(phone.households))
    r = client.post(f"/api/v1/admin/devices/{phone.device_id}/revoke", headers=admin.headers)
    assert r.status_code == 200, r.get_json()
    op = phone.payment(hid, 777)
    status, body = phone.push([op])
    assert status == 200 and body["results"][0]["status"] == "held"
    ledger = get(client, clerk, "daily", date=today().isoformat())
    assert op["data"]["receipt_no"] not in {e["receipt_no"] for e in ledger["entries"]}


def test_the_sum_of_a_months_daily_ledgers_is_the_monthly_ledger(client, clerk, phone):
    phone.pull_all()
    hid = next(h["id"] for h in phone.households.values() if h["bills"][-1]["balance_fen"] > 5000)
    phone.push([phone.payment(hid, 2500, method="wechat")])
    for month in {busiest_past_day().strftime("%Y-%m"), today().strftime("%Y-%m")}:
        monthly = get(client, clerk, "monthly", month=month)
        first = date.fromisoformat(month + "-01")
        days = [first + timedelta(days=i) for i in range(31) if (first + timedelta(days=i)).month == first.month]
        count, amount, by_method = 0, 0, defaultdict(int)
        for d, row in zip(days, monthly["by_day"], strict=True):
            daily = get(client, clerk, "daily", date=d.isoformat())["totals"]
            assert row == {"date": d.isoformat(), **daily}
            count, amount = count + daily["count"], amount + daily["amount_fen"]
            for m, fen in daily["by_method"].items():
                by_method[m] += fen
        assert monthly["totals"] == {"count": count, "amount_fen": amount, "by_method": dict(sorted(by_method.items()))}
        assert sum(p["amount_fen"] for p in monthly["by_project"]) == amount
        assert sum(p["count"] for p in monthly["by_project"]) == count
        assert monthly["month"] == month and monthly["start"] == days[0].isoformat()


def test_a_week_runs_monday_to_sunday_by_iso_week(client, clerk):
    day = busiest_past_day()
    year, week, _ = day.isocalendar()
    weekly = get(client, clerk, "weekly", week=f"{year}-W{week:02d}")
    assert len(weekly["by_day"]) == 7 and date.fromisoformat(weekly["start"]).isoweekday() == 1
    assert day.isoformat() in {d["date"] for d in weekly["by_day"]}
    assert weekly["totals"]["amount_fen"] == sum(get(client, clerk, "daily", date=d["date"])["totals"]["amount_fen"]
                                                 for d in weekly["by_day"])


def test_the_season_total_collected_is_the_sum_of_allocations_to_its_bills_and_the_rate_is_collected_over_due(
        client, clerk, phone):
    phone.pull_all()
    hid = next(h["id"] for h in phone.households.values() if h["bills"][-1]["balance_fen"] > 5000)
    phone.push([phone.payment(hid, 4321)])
    for season in ("2025-2026", "2026-2027"):
        total = get(client, clerk, "total", season=season)
        allocated = db.session.scalar(sa.select(sa.func.sum(Allocation.amount_fen)).join(
            Bill, Bill.id == Allocation.bill_id).where(Bill.season_id == season))
        due = db.session.scalar(sa.select(sa.func.sum(Bill.due_fen)).where(Bill.season_id == season))
        assert total["season"] == season
        assert total["collected_fen"] == allocated
        assert total["due_fen"] == due and total["outstanding_fen"] == due - allocated
        expected = (Decimal(allocated) / Decimal(due)).quantize(Decimal("0.0001"), ROUND_HALF_UP)
        assert total["collection_rate"] == str(expected)
        assert sum(p["collected_fen"] for p in total["by_project"]) == allocated
        assert sum(p["due_fen"] for p in total["by_project"]) == due
        for p in total["by_project"]:
            assert p["target_rate"] == "0.9500"
            assert p["target_gap_fen"] == max(p["target_fen"] - p["collected_fen"], 0)
            assert Decimal(p["rate_gap"]) == Decimal("0.9500") - Decimal(p["collection_rate"])
            assert 0 <= Decimal(p["household_rate"]) <= 1 and 0 <= Decimal(p["area_rate"]) <= 1
    assert get(client, clerk, "total")["season"] == "2026-2027"  # the open season by default


def void_through_review(client, clerk, phone, payment: Payment):
    """The collector asks to void a payment; the clerk decides `void`: a reversal posted today."""
    phone.pull_all()
    status, body = phone.push([phone.op("payment_void", payment.household_id,
                                        {"payment_op_id": payment.op_id, "reason": "收据填错，重开"})])
    assert status == 200 and body["results"][0]["status"] == "applied", body
    items = client.get("/api/v1/review", query_string={"kind": "void_request"}, headers=clerk.headers).get_json()
    item = next(i for i in items["items"] if i["op_id"] and i["household_id"] == payment.household_id)
    r = client.post(f"/api/v1/review/{item['id']}/resolve", json={"decision": "void", "reason": "核实作废"},
                    headers=clerk.headers)
    assert r.status_code == 200, r.get_json()


def test_a_closed_day_never_changes_and_a_later_reversal_posts_to_the_day_it_is_made(client, clerk, phone):
    phone.pull_all()
    day = db.session.execute(sa.select(Payment.posted_on).where(
        Payment.posted_on < today(), Payment.household_id.in_(list(phone.households)), Payment.kind == "payment",
        Payment.state == "recorded").group_by(Payment.posted_on).order_by(Payment.posted_on.desc())).scalars().first()
    before = get(client, clerk, "daily", date=day.isoformat())
    cash = before["totals"]["by_method"].get("cash", 0)
    hand_over_all(day, first_off_by=500)
    r = client.post(f"{LEDGERS}/daily/close", json={"date": day.isoformat(), "deposit_ref": "缴款单 0012"},
                    headers=clerk.headers)
    assert r.status_code == 200, r.get_json()
    close = r.get_json()
    assert close["amount_fen"] == before["totals"]["amount_fen"] and close["cash_fen"] == cash
    assert close["over_short_fen"] == 500 and close["over_short"] == "长款" and close["closed_by"] == "clerk"

    victim = db.session.scalars(sa.select(Payment).where(
        Payment.posted_on == day, Payment.household_id.in_(list(phone.households)), Payment.kind == "payment",
        Payment.state == "recorded")).first()
    void_through_review(client, clerk, phone, victim)

    after = get(client, clerk, "daily", date=day.isoformat())
    # the closed day is a document: exactly as it was closed, the voided payment included as it was then
    assert after["totals"] == before["totals"] and after["entries"] == before["entries"]
    assert {e["state"] for e in after["entries"] if e["receipt_no"] == victim.receipt_no} == {"recorded"}
    assert after["closed"]["unchanged"] is True and after["closed"]["amount_fen"] == before["totals"]["amount_fen"]
    todays = get(client, clerk, "daily", date=today().isoformat())
    reversal = next(e for e in todays["entries"] if e["kind"] == "reversal")
    assert reversal["receipt_no"] == victim.receipt_no and reversal["amount_fen"] == -victim.amount_fen
    assert reversal["posted_on"] == today().isoformat() and reversal["reverses_posted_on"] == day.isoformat()
    check_invariants()

    again = client.post(f"{LEDGERS}/daily/close", json={"date": day.isoformat()}, headers=clerk.headers)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "day_closed"


def test_a_closed_days_reprint_is_the_same_document_after_a_later_void(client, clerk, phone, tmp_path):
    """Issue 14, item 3: the reprint of a closed day (PDF and workbook) shows it exactly as closed, a payment
    voided afterwards included, as its total counts it; the void shows on the day it was made."""
    import openpyxl
    from tests.server.pdftools import pdf_text
    phone.pull_all()
    day = db.session.execute(sa.select(Payment.posted_on).where(
        Payment.posted_on < today(), Payment.household_id.in_(list(phone.households)), Payment.kind == "payment",
        Payment.state == "recorded").group_by(Payment.posted_on).order_by(Payment.posted_on.desc())).scalars().first()
    hand_over_all(day)
    assert client.post(f"{LEDGERS}/daily/close", json={"date": day.isoformat()}, headers=clerk.headers
                       ).status_code == 200

    def reprint(fmt):
        r = client.get(f"{LEDGERS}/daily", query_string={"date": day.isoformat(), "format": fmt},
                       headers=clerk.headers)
        assert r.status_code == 200
        return r.data

    def cells(data):
        return [[c for c in row] for ws in openpyxl.load_workbook(BytesIO(data)).worksheets
                for row in ws.iter_rows(values_only=True)]

    pdf_before, xlsx_before = pdf_text(reprint("pdf"), tmp_path), cells(reprint("xlsx"))
    victim = db.session.scalars(sa.select(Payment).where(
        Payment.posted_on == day, Payment.household_id.in_(list(phone.households)), Payment.kind == "payment",
        Payment.state == "recorded")).first()
    void_through_review(client, clerk, phone, victim)
    assert db.session.get(Payment, victim.id).state == "voided"
    pdf_after = pdf_text(reprint("pdf"), tmp_path)
    assert pdf_after == pdf_before  # no 作废 beside a total that still counts the payment
    assert cells(reprint("xlsx")) == xlsx_before
    todays = pdf_text(client.get(f"{LEDGERS}/daily", query_string={"date": today().isoformat(), "format": "pdf"},
                                 headers=clerk.headers).data, tmp_path)
    assert f"冲正（原 {day.isoformat()}）" in todays  # what changed later shows on the day it changed


def test_a_day_that_has_not_come_cannot_be_closed(client, clerk):
    r = client.post(f"{LEDGERS}/daily/close", json={"date": (today() + timedelta(days=1)).isoformat()},
                    headers=clerk.headers)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "day_not_over"


def test_a_short_hand_over_is_recorded_as_short(client, clerk):
    day = busiest_past_day()
    cash = get(client, clerk, "daily", date=day.isoformat())["totals"]["by_method"].get("cash", 0)
    assert cash > 100
    hand_over_all(day, first_off_by=-100)
    r = client.post(f"{LEDGERS}/daily/close", json={"date": day.isoformat()}, headers=clerk.headers)
    assert r.get_json()["over_short"] == "短款" and r.get_json()["over_short_fen"] == -100


def test_the_scheduled_close_locks_only_days_whose_collectors_have_all_handed_over(app, client, clerk):
    from server.ledgers import handovers
    from server.ledgers.service import close_past_days
    day = busiest_past_day()
    hand_over_all(day)
    result = close_past_days()
    assert day.isoformat() in result["closed"] or day < today() - timedelta(days=31)
    for closed in result["closed"]:
        assert handovers.missing(date.fromisoformat(closed)) == []
    for left, waiting in result["left_open"].items():  # the demo's other days: nobody counted their cash
        assert waiting == handovers.missing(date.fromisoformat(left)) != []
        assert get(client, clerk, "daily", date=left)["closed"] is None
    assert result["left_open"], "the demo has days with cash nobody handed over"
    again = close_past_days()
    assert again["closed"] == [] and again["left_open"] == result["left_open"]  # idempotent, and still reported


def test_a_bad_date_week_or_month_is_a_bad_request_explained_in_the_clerks_language(client, clerk):
    for path, query in [("daily", {"date": "2026-13-01"}), ("daily", {"date": "26-11-1"}), ("daily", {}),
                        ("weekly", {"week": "2026-W54"}), ("weekly", {"week": "2026-48"}),
                        ("monthly", {"month": "2026-13"}), ("total", {"season": "2099-2100"}),
                        ("daily", {"date": "2026-11-26", "format": "doc"}),
                        ("daily", {"date": "2026-11-26", "collector": "nobody"})]:
        r = client.get(f"{LEDGERS}/{path}", query_string=query, headers=clerk.headers)
        assert r.status_code == 400 and r.get_json()["error"]["code"] == "bad_request", (path, query, r.get_json())
    zh = client.get(f"{LEDGERS}/daily?date=2026-02-30", headers=clerk.headers).get_json()["error"]
    assert zh["details"]["fields"]["date"] == ["不存在的日期：2026-02-30"]
    en = client.get(f"{LEDGERS}/daily?date=2026/11/26", headers={**clerk.headers, "Accept-Language": "en"}).get_json()
    assert en["error"]["message"].isascii() and "YYYY-MM-DD" in en["error"]["details"]["fields"]["date"][0]


def test_the_calendars_last_week_and_month_answer_without_error(client, clerk):
    """9999-W52 would end in the year 10000: a bad request. December 9999 is a month like any other."""
    r = client.get(f"{LEDGERS}/weekly", query_string={"week": "9999-W52"}, headers=clerk.headers)
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "bad_request"
    for path, query in [("monthly", {"month": "9999-12"}), ("weekly", {"week": "9999-W51"}),
                        ("daily", {"date": "9999-12-31"}), ("monthly", {"month": "0001-01"})]:
        r = client.get(f"{LEDGERS}/{path}", query_string=query, headers=clerk.headers)
        assert r.status_code == 200 and r.get_json()["totals"]["count"] == 0, (path, query, r.get_json())


def test_a_collector_cannot_read_the_ledgers(client, phone):
    r = client.get(f"{LEDGERS}/daily?date=2026-11-26", headers=phone.headers)
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"


def test_each_ledger_downloads_as_a_workbook_with_its_totals(client, clerk):
    """Figures in yuan beside the JSON's fen (tests/server/test_ledger_xlsx.py reads the cells closely)."""
    import openpyxl
    day = busiest_past_day()
    cases = [("daily", {"date": day.isoformat()}), ("monthly", {"month": day.strftime("%Y-%m")}),
             ("weekly", {"week": "{}-W{:02d}".format(*day.isocalendar()[:2])}), ("total", {"season": "2026-2027"})]
    for path, query in cases:
        ledger = get(client, clerk, path, **query)
        r = client.get(f"{LEDGERS}/{path}", query_string={**query, "format": "xlsx"}, headers=clerk.headers)
        assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
        book = openpyxl.load_workbook(BytesIO(r.data))
        first = book.worksheets[0]
        col = 3 if path == "total" else 3 if path != "daily" else 6
        cells = [first.cell(row=i, column=col).value for i in range(2, first.max_row)]
        figure = ledger["collected_fen"] if path == "total" else ledger["totals"]["amount_fen"]
        assert round(sum(c or 0 for c in cells) * 100) == figure, path
    daily_book = openpyxl.load_workbook(BytesIO(client.get(
        f"{LEDGERS}/daily", query_string={"date": day.isoformat(), "format": "xlsx"}, headers=clerk.headers).data))
    assert daily_book["日帐"].max_row == 2 + get(client, clerk, "daily", date=day.isoformat())["totals"]["count"]


def test_each_ledger_prints_as_a_chinese_pdf(client, clerk, tmp_path):
    from tests.server.pdftools import pdf_text
    day = busiest_past_day()
    r = client.get(f"{LEDGERS}/daily", query_string={"date": day.isoformat(), "format": "pdf"}, headers=clerk.headers)
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = pdf_text(r.data, tmp_path)
    ledger = get(client, clerk, "daily", date=day.isoformat())
    from sync.money import format_yuan
    assert f"日帐 {day.isoformat()}" in text and format_yuan(ledger["totals"]["amount_fen"]) in text
    r = client.get(f"{LEDGERS}/total", query_string={"season": "2026-2027", "format": "pdf"}, headers=clerk.headers)
    assert "总帐 2026-2027" in pdf_text(r.data, tmp_path) and "收费率" in pdf_text(r.data, tmp_path)
    total = client.get(f"{LEDGERS}/total", query_string={"season": "2026-2027"}, headers=clerk.headers).get_json()
    rate = f"{float(total['collection_rate']) * 100:.2f}%"  # as a percentage, not 0.7151
    text = pdf_text(r.data, tmp_path)
    assert rate in text and "95.00%" in text  # and the 95 % target
    assert "户数" in text and total["area_m2"] in text  # the workbook's columns, on paper too


def test_a_device_silent_for_two_days_becomes_one_review_item(app, phone):
    from server.ledgers.service import flag_stale_devices
    from server.models import Device, ReviewItem
    phone.pull_all()
    device = db.session.get(Device, phone.device_id)
    device.last_seen_at = datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(hours=50)
    db.session.commit()
    assert flag_stale_devices() == 1 and flag_stale_devices() == 0
    item = db.session.scalars(sa.select(ReviewItem).where(ReviewItem.kind == "device_stale")).one()
    assert item.details["device_id"] == phone.device_id and item.state == "open"


def test_a_held_payment_accepted_after_its_day_was_closed_posts_to_the_day_of_acceptance(client, clerk, admin, phone):
    phone.pull_all()
    hid = next(h["id"] for h in phone.households.values() if h["bills"][-1]["balance_fen"] > 5000)
    client.post(f"/api/v1/admin/devices/{phone.device_id}/revoke", headers=admin.headers)
    op = phone.payment(hid, 888)
    assert phone.push([op])[1]["results"][0]["status"] == "held"
    payment = db.session.scalars(sa.select(Payment).where(Payment.op_id == op["op_id"])).one()
    payment.posted_on = today() - timedelta(days=1)  # it was pushed yesterday; yesterday is then closed
    db.session.commit()
    yesterday = (today() - timedelta(days=1)).isoformat()
    hand_over_all(today() - timedelta(days=1))
    assert client.post(f"{LEDGERS}/daily/close", json={"date": yesterday}, headers=clerk.headers).status_code == 200
    items = client.get("/api/v1/review", query_string={"kind": "device_revoked"}, headers=clerk.headers).get_json()
    item = next(i for i in items["items"] if i["op_id"] == op["op_id"])
    assert client.post(f"/api/v1/review/{item['id']}/resolve", json={"decision": "accept", "reason": "核实收款"},
                       headers=clerk.headers).status_code == 200
    assert get(client, clerk, "daily", date=yesterday)["closed"]["unchanged"] is True
