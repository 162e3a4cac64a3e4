"""交款 (issue 14, item 1; OFFICE.md, Cash and ledgers): each collector hands over on the day, one count per
collector and date, a wrong count corrected by a new record, and the day closed once all have handed over."""
from datetime import datetime, time, timedelta, timezone

import sqlalchemy as sa

from server.extensions import db
from server.ledgers import handovers
from server.models import AuditLog, Payment, User
from server.models.ledger import CashHandover
from sync.merge import posting_date
from tests.conftest import shanghai_now

LEDGERS = "/api/v1/ledgers"
SHANGHAI = timezone(timedelta(hours=8))


def today():
    return posting_date(datetime.now(timezone.utc).replace(tzinfo=None))


def cash_of(username, day):
    """What the collector's cash receipts posted on `day` carry, read from the journal itself."""
    return int(db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Payment.amount_fen), 0))
                             .join(User, User.id == Payment.collector_id).where(
        User.username == username, Payment.posted_on == day, Payment.kind == "payment", Payment.method == "cash",
        Payment.state.in_(("recorded", "void_requested")))))


def collectors_with_cash(day):
    return sorted(db.session.scalars(sa.select(User.username).distinct().join(
        Payment, Payment.collector_id == User.id).where(
        Payment.posted_on == day, Payment.kind == "payment", Payment.method == "cash",
        Payment.state.in_(("recorded", "void_requested")))))


def pay(phone, amounts, method="cash", at=None):
    phone.pull_all()
    ids = [h["id"] for h in phone.households.values() if h["bills"] and h["bills"][-1]["balance_fen"] > 100_000]
    ops = [phone.payment(hid, amount, method=method) for hid, amount in zip(ids, amounts)]
    for op in ops:
        op["at"] = at or op["at"]
    status, body = phone.push(ops)
    assert status == 200 and {r["status"] for r in body["results"]} == {"applied"}, body
    return ops


def hand_over(client, clerk, collector, cash_fen, day=None, slip_no=None):
    body = {"date": (day or today()).isoformat(), "collector": collector, "cash_fen": cash_fen}
    if slip_no:
        body["slip_no"] = slip_no
    return client.post(f"{LEDGERS}/handovers", json=body, headers=clerk.headers)


def rows(client, clerk, day=None):
    r = client.get(f"{LEDGERS}/handovers", query_string={"date": (day or today()).isoformat()}, headers=clerk.headers)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_a_collector_hands_over_on_the_same_day_and_over_short_is_counted_minus_expected(client, clerk, phone):
    pay(phone, [12_300, 45_600])
    pay(phone, [9_900], method="wechat")  # not cash: nothing to hand over for it
    expected = cash_of("c01", today())
    assert expected >= 12_300 + 45_600
    r = hand_over(client, clerk, "c01", expected - 1_000, slip_no="缴款单 0007")
    assert r.status_code == 200, r.get_json()
    got = r.get_json()
    assert got["expected_cash_fen"] == expected and got["counted_fen"] == expected - 1_000
    assert got["over_short_fen"] == got["counted_fen"] - got["expected_cash_fen"] == -1_000  # 短款
    row = next(x for x in rows(client, clerk)["items"] if x["collector"] == "c01")
    assert row["state"] == "handed_over" and row["over_short_fen"] == -1_000 and row["slip_no"] == "缴款单 0007"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
        AuditLog.action == "handover.recorded", AuditLog.entity_id == str(got["id"]))) == 1


def test_a_second_hand_over_of_the_same_collector_and_date_is_refused_as_existing(client, clerk, phone):
    pay(phone, [5_000])
    assert hand_over(client, clerk, "c01", 5_000).status_code == 200
    again = hand_over(client, clerk, "c01", 6_000)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "handover_exists"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CashHandover)) == 1


def test_a_hand_over_is_for_today_or_an_open_day_before_it_never_a_day_to_come(client, clerk):
    r = hand_over(client, clerk, "c01", 0, day=today() + timedelta(days=1))
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "handover_future"
    # counted the next morning: the day before is still open, so its cash is handed over now
    r = hand_over(client, clerk, "c01", 0, day=today() - timedelta(days=1))
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["over_short_fen"] == -r.get_json()["expected_cash_fen"]
    r = hand_over(client, clerk, "clerk", 0)  # only a collector hands over
    assert r.status_code == 400 and "collector" in r.get_json()["error"]["details"]["fields"]


def test_a_count_of_zero_by_mistake_is_corrected_by_a_new_record_and_the_first_stays(client, clerk, phone):
    pay(phone, [1_924_230])
    expected = cash_of("c01", today())
    first = hand_over(client, clerk, "c01", 0).get_json()  # 0 typed by accident: 短款 of everything
    assert first["over_short_fen"] == -expected
    r = client.post(f"{LEDGERS}/handovers/{first['id']}/corrections",
                    json={"cash_fen": expected, "reason": "误录为 0，实点无误"}, headers=clerk.headers)
    assert r.status_code == 200, r.get_json()
    fixed = r.get_json()
    assert fixed["id"] != first["id"] and fixed["seq"] == 1 and fixed["corrects_id"] == first["id"]
    assert fixed["over_short_fen"] == 0 and fixed["recorded_on"] == today().isoformat()
    kept = db.session.get(CashHandover, first["id"])
    assert kept.counted_fen == 0 and kept.over_short_fen == -expected  # the first record is never edited
    row = next(x for x in rows(client, clerk)["items"] if x["collector"] == "c01")
    assert row["state"] == "corrected" and row["counted_fen"] == expected and row["over_short_fen"] == 0
    assert [x["counted_fen"] for x in row["records"]] == [0, expected]
    audit = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "handover.corrected")).one()
    assert audit.reason == "误录为 0，实点无误" and audit.before["counted_fen"] == 0
    assert audit.after["counted_fen"] == expected
    missing = client.post(f"{LEDGERS}/handovers/999999/corrections", json={"cash_fen": 1, "reason": "x"},
                          headers=clerk.headers)
    assert missing.status_code == 404
    no_reason = client.post(f"{LEDGERS}/handovers/{first['id']}/corrections", json={"cash_fen": 1},
                            headers=clerk.headers)
    assert no_reason.status_code == 400


def test_the_close_names_the_collectors_who_have_not_handed_over_and_closes_once_all_have(
        client, clerk, phone, make_phone):
    pay(phone, [20_000])
    pay(make_phone("c02"), [30_000])
    day = today()
    assert hand_over(client, clerk, "c01", cash_of("c01", day)).status_code == 200
    r = client.post(f"{LEDGERS}/daily/close", json={"date": day.isoformat()}, headers=clerk.headers)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "handover_missing"
    waiting = [u for u in collectors_with_cash(day) if u != "c01"]
    assert "c02" in waiting and r.get_json()["error"]["details"]["collectors"] == waiting
    assert rows(client, clerk)["missing"] == waiting
    for username in waiting:
        assert hand_over(client, clerk, username, cash_of(username, day) - (100 if username == "c02" else 0)
                         ).status_code == 200
    r = client.post(f"{LEDGERS}/daily/close", json={"date": day.isoformat(), "deposit_ref": "JK-1"},
                    headers=clerk.headers)
    assert r.status_code == 200, r.get_json()
    close = r.get_json()
    by = {h["collector"]: h for h in close["handovers"]}
    assert set(by) == set(collectors_with_cash(day)) and by["c02"]["over_short_fen"] == -100
    assert close["over_short_fen"] == -100 and close["over_short"] == "短款"
    assert close["cash_counted_fen"] == sum(h["counted_fen"] for h in close["handovers"])
    again = client.post(f"{LEDGERS}/daily/close", json={"date": day.isoformat()}, headers=clerk.headers)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "day_closed"
    late = hand_over(client, clerk, "c03", 0)
    assert late.status_code == 409 and late.get_json()["error"]["code"] in ("day_closed", "handover_exists")


def test_a_payment_synced_after_the_day_closed_is_a_late_entry_of_the_next_open_day(client, clerk, phone):
    pay(phone, [11_100])
    day = today()
    for username in collectors_with_cash(day):
        assert hand_over(client, clerk, username, cash_of(username, day)).status_code == 200
    assert client.post(f"{LEDGERS}/daily/close", json={"date": day.isoformat()}, headers=clerk.headers
                       ).status_code == 200
    before = client.get(f"{LEDGERS}/daily", query_string={"date": day.isoformat()}, headers=clerk.headers).get_json()
    taken = datetime.combine(day, time(0, 30), SHANGHAI).isoformat(timespec="seconds")  # today, before the close
    op = pay(phone, [22_200], at=taken)[0]
    entry = db.session.scalars(sa.select(Payment).where(Payment.op_id == op["op_id"])).one()
    assert entry.posted_on == day + timedelta(days=1)  # 补录 of the open day, never a change of the closed one
    after = client.get(f"{LEDGERS}/daily", query_string={"date": day.isoformat()}, headers=clerk.headers).get_json()
    assert after["totals"] == before["totals"] and after["closed"]["unchanged"] is True
    nxt = client.get(f"{LEDGERS}/daily", query_string={"date": entry.posted_on.isoformat()},
                     headers=clerk.headers).get_json()
    late = next(e for e in nxt["entries"] if e["receipt_no"] == op["data"]["receipt_no"])
    assert late["late"] is True and late["amount_fen"] == 22_200


def test_cash_synced_after_a_hand_over_shows_against_the_count_until_it_is_corrected(client, clerk, phone):
    pay(phone, [10_000])
    expected = cash_of("c01", today())
    first = hand_over(client, clerk, "c01", expected).get_json()
    assert first["over_short_fen"] == 0
    pay(phone, [7_700])  # synced after the hand-over, the same day: still this day's cash
    row = next(x for x in rows(client, clerk)["items"] if x["collector"] == "c01")
    assert row["expected_cash_fen"] == expected + 7_700 and row["over_short_fen"] == -7_700
    fixed = client.post(f"{LEDGERS}/handovers/{first['id']}/corrections",
                        json={"cash_fen": expected + 7_700, "reason": "补交晚到的现金"}, headers=clerk.headers)
    assert fixed.get_json()["over_short_fen"] == 0


def test_the_scheduled_close_leaves_a_day_open_while_a_collector_has_not_handed_over(app, client, clerk):
    from server.ledgers.service import close_past_days
    day = today() - timedelta(days=2)
    waiting = collectors_with_cash(day)
    assert waiting, "the demo has cash two days ago"
    result = close_past_days()
    assert result["left_open"][day.isoformat()] == waiting and day.isoformat() not in result["closed"]
    # the cashier counted everyone on that day (recorded then, as the service is given that day's clock)
    then = datetime.combine(day, time(18, 0), SHANGHAI).astimezone(timezone.utc).replace(tzinfo=None)
    clerk_id = db.session.scalar(sa.select(User.id).where(User.username == "clerk"))
    for username in waiting:
        handovers.hand_over(day, username, cash_of(username, day), None, clerk_id, now=then)
    result = close_past_days()
    assert day.isoformat() in result["closed"] and day.isoformat() not in result["left_open"]
    ledger = client.get(f"{LEDGERS}/daily", query_string={"date": day.isoformat()}, headers=clerk.headers).get_json()
    assert ledger["closed"]["over_short"] == "相符" and ledger["closed"]["closed_by"] is None
    assert {h["collector"] for h in ledger["closed"]["handovers"]} == set(waiting)
    assert day.isoformat() not in close_past_days()["closed"]  # idempotent


def test_a_correction_made_a_day_later_shows_on_its_own_day_and_the_closed_day_keeps_its_count(app, client, clerk):
    day = today() - timedelta(days=1)
    then = datetime.combine(day, time(18, 0), SHANGHAI).astimezone(timezone.utc).replace(tzinfo=None)
    clerk_id = db.session.scalar(sa.select(User.id).where(User.username == "clerk"))
    wrong = collectors_with_cash(day)[0]  # whose cash was counted as 0 by mistake
    first = {u: handovers.hand_over(day, u, 0 if u == wrong else cash_of(u, day), None, clerk_id, now=then)
             for u in collectors_with_cash(day)}
    assert client.post(f"{LEDGERS}/daily/close", json={"date": day.isoformat()}, headers=clerk.headers
                       ).status_code == 200
    r = client.post(f"{LEDGERS}/handovers/{first[wrong]['id']}/corrections",
                    json={"cash_fen": cash_of(wrong, day), "reason": "昨日误录为 0"}, headers=clerk.headers)
    assert r.status_code == 200 and r.get_json()["recorded_on"] == today().isoformat()
    closed = client.get(f"{LEDGERS}/daily", query_string={"date": day.isoformat()}, headers=clerk.headers
                        ).get_json()["closed"]
    kept = next(h for h in closed["handovers"] if h["collector"] == wrong)
    assert kept["counted_fen"] == 0 and kept["over_short_fen"] == -cash_of(wrong, day)  # as it was closed
    made_today = rows(client, clerk)["corrections_made"]
    assert [(x["date"], x["collector"], x["reason"]) for x in made_today] == [(day.isoformat(), wrong, "昨日误录为 0")]


def test_an_old_client_may_still_send_one_count_with_the_close(client, clerk):
    r = client.post(f"{LEDGERS}/daily/close", json={"date": (today() + timedelta(days=1)).isoformat(),
                                                      "cash_counted_fen": 0}, headers=clerk.headers)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "day_not_over"
    r = client.post(f"{LEDGERS}/daily/close", json={"date": today().isoformat(), "cash_counted_fen": -1},
                    headers=clerk.headers)
    assert r.status_code == 400


def test_a_closed_days_pdf_lists_each_collectors_hand_over(client, clerk, phone, tmp_path):
    from sync.money import format_yuan
    from tests.server.pdftools import pdf_text
    pay(phone, [31_400])
    day = today()
    for n, username in enumerate(collectors_with_cash(day)):
        assert hand_over(client, clerk, username, cash_of(username, day) + (250 if n == 0 else 0),
                         slip_no=f"JK-{n:03d}").status_code == 200
    assert client.post(f"{LEDGERS}/daily/close", json={"date": day.isoformat()}, headers=clerk.headers
                       ).status_code == 200
    r = client.get(f"{LEDGERS}/daily", query_string={"date": day.isoformat(), "format": "pdf"}, headers=clerk.headers)
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = pdf_text(r.data, tmp_path)
    assert "应交现金" in text and "长短款" in text and "JK-000" in text and "已交款" in text
    assert format_yuan(cash_of("c01", day)) in text and "长款" in text
