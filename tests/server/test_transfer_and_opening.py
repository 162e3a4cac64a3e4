"""过户 and 开通 through the office API (DOMAIN.md §8(d) case 2 and "Start of service"; OFFICE.md "A household's
life"). The example flat: 85.60 m² × 24 元 = 2,054.40 a season."""
import io
from datetime import date, timedelta

import sqlalchemy as sa

from server import spreadsheet
from server.extensions import db
from server.models import Account, AuditLog, Bill, BillAdjustment, Household, utcnow
from sync.merge import posting_date
from sync.money import refund_no_heat_fen
from sync.onboarding import COLUMNS
from tests.invariants import check_invariants
from tests.server.test_suspensions import FULL, OPEN, bill, example_flat, post

TODAY = posting_date(utcnow())


def page(client, who, hid):
    r = client.get(f"/api/v1/households/{hid}", headers=who.headers)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def transfer(client, who, hid, when, name="新业主", phone="13800001111", **extra):
    return post(client, who, f"/api/v1/households/{hid}/transfer",
                {"new_owner": {"name": name, "phone": phone}, "from": when, "reason": "房屋买卖，已过户登记", **extra})


def test_a_transfer_leaves_the_old_arrears_with_the_seller_and_the_new_account_starts_that_day(client, clerk, phone):
    hid = example_flat(client, clerk, phone)
    seller = page(client, clerk, hid)
    when = (TODAY - timedelta(days=1)).isoformat()
    status, account = transfer(client, clerk, hid, when)
    assert status == 201, account
    assert (account["valid_from"], account["valid_to"], account["party"]["name"]) == (when, None, "新业主")
    assert account["number"] != seller["number"] and account["number"].startswith("HY")
    assert account["previous"] == {"id": account["previous"]["id"], "number": seller["number"], "valid_to": when}
    assert account["seasons_moved"] == []  # every bill was issued before the transfer: none moves
    after = page(client, clerk, hid)
    # The season bill is not prorated or moved (case 2): the seller still owes all of it.
    assert bill(hid, OPEN).due_fen == FULL
    assert {b["season"]: b["payer"] for b in after["bills"]} == {b["season"]: seller["owner_name"]
                                                                 for b in seller["bills"]}
    assert {b["account_no"] for b in after["bills"]} == {seller["number"]}
    assert after["owner_name"] == "新业主" and after["number"] == account["number"]
    payers = {p["number"]: p for p in after["payers"]}
    assert payers[seller["number"]]["valid_to"] == when and not payers[seller["number"]]["current"]
    assert payers[account["number"]]["current"] and payers[account["number"]]["phone_masked"] == "138****1111"
    audit = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "household.transfer",
                                                        AuditLog.entity_id == hid))
    assert audit.before["owner"] == seller["owner_name"] and audit.after["account"] == account["number"]
    # The phone's next pull shows the buyer's name: the household changed.
    phone.pull_all()
    assert phone.households[hid]["owner_name"] == "新业主"
    check_invariants()


def test_a_written_agreement_moves_the_season_it_names_to_the_buyer(client, clerk, phone):
    hid = example_flat(client, clerk, phone)
    status, account = transfer(client, clerk, hid, TODAY.isoformat(), name="买方王五", agreement_seasons=[OPEN])
    assert status == 201, account
    assert account["seasons_moved"] == [OPEN]
    bills = {b["season"]: b for b in page(client, clerk, hid)["bills"]}
    assert (bills[OPEN]["payer"], bills[OPEN]["account_no"]) == ("买方王五", account["number"])
    others = [b for s, b in bills.items() if s != OPEN]
    assert others and all(b["payer"] != "买方王五" for b in others)
    moved = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "bill.payer"))
    assert moved.reason == "房屋买卖，已过户登记"


def test_a_notice_names_who_owes_each_season_after_a_transfer(client, clerk, phone, app):
    from server.documents.service import snapshot
    from server.company import company
    hid = example_flat(client, clerk, phone)
    seller_name = page(client, clerk, hid)["owner_name"]
    assert transfer(client, clerk, hid, TODAY.isoformat(), name="买方赵六", agreement_seasons=[OPEN])[0] == 201
    snap = snapshot("notice", hid, OPEN, utcnow(), company())
    payers = {r["season"]: r["payer"] for r in snap["rows"]}
    assert payers[OPEN] == "买方赵六"
    if len(payers) > 1:  # older arrears of the seller's on the same notice: each row says whose
        assert snap["several_payers"] and set(payers.values()) == {"买方赵六", seller_name}
    else:
        assert not snap["several_payers"]


def test_a_transfer_on_a_day_to_come_or_before_the_current_account_is_refused(client, clerk, phone, english):
    hid = example_flat(client, clerk, phone)
    for when in ((TODAY + timedelta(days=1)).isoformat(), "2015-01-01", "2001-01-01"):
        status, body = transfer(client, clerk, hid, when)
        assert (status, body["error"]["code"]) == (400, "validation_failed"), (when, body)
        assert "from" in body["error"]["details"]["fields"]
    for bad in ({"new_owner": {"name": " "}}, {"new_owner": {"name": "x", "phone": "abc"}}, {"reason": ""},
                {"agreement_seasons": ["2019-2020"]}, {"from": "2026-13-01"}):
        body = {"new_owner": {"name": "新业主"}, "from": TODAY.isoformat(), "reason": "过户", **bad}
        status, answer = post(client, clerk, f"/api/v1/households/{hid}/transfer", body)
        assert (status, answer["error"]["code"]) == (400, "validation_failed"), (bad, answer)
    status, body = transfer(client, clerk, "no-such-household", TODAY.isoformat())
    assert status == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Account).where(Account.household_id == hid)) == 1


def _import_not_opened(client, admin, owner="华远地产开发有限公司", room="101"):
    row = ["丰和园", "K1", "1", room, "", owner, "13912345678", "85.60", "房产证", "住宅", "未开通"]
    data = spreadsheet.workbook_bytes([spreadsheet.Table("住户", list(COLUMNS), [row])])
    r = client.post("/api/v1/imports/households", data={"file": (io.BytesIO(data), "r.xlsx"), "mode": "good_rows"},
                    headers=admin.headers, content_type="multipart/form-data")
    assert r.status_code == 200, r.get_json()
    db.session.expire_all()
    return db.session.scalar(sa.select(Household.id).join(Household.building).where(
        Household.room == room, Household.status == "not_opened"))


def test_a_developers_flat_is_not_billed_until_opened_then_billed_to_the_developer_from_that_day(
        client, admin, clerk, monkeypatch):
    hid = _import_not_opened(client, admin)
    assert hid is not None
    assert bill(hid, OPEN) is None  # not opened: no bill, not in the billable base
    starts = date(2026, 11, 15)
    opened = min(starts + timedelta(days=10), TODAY)
    status, body = post(client, clerk, f"/api/v1/households/{hid}/open",
                        {"season": OPEN, "from": opened.isoformat(), "reason": "开发商交房，开通供热"})
    assert status == 201, body
    days_without = max(0, (opened - starts).days)
    # the no-heat formula for the days before its heat (sync.billing.opening_due_fen): 10 days → 16,979 less
    expected = FULL - refund_no_heat_fen(FULL, 121, days_without)
    assert days_without != 10 or expected == 205440 - 16979
    assert (body["season"], body["due_fen"], body["paid_fen"]) == (OPEN, expected, 0)
    detail = page(client, clerk, hid)
    assert (detail["status"], detail["opened_on"]) == ("active", opened.isoformat())
    assert detail["bills"][0]["payer"] == "华远地产开发有限公司"
    assert {p["kind"] for p in detail["payers"]} == {"developer"}
    if days_without:
        adj = db.session.scalar(sa.select(BillAdjustment).where(BillAdjustment.bill_id == body["id"]))
        assert (adj.kind, adj.before_fen, adj.after_fen) == ("opening", FULL, expected)
    # Opened twice: refused, nothing changed.
    status, again = post(client, clerk, f"/api/v1/households/{hid}/open",
                         {"season": OPEN, "from": opened.isoformat(), "reason": "重复"})
    assert (status, again["error"]["code"]) == (409, "household_opened")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Bill).where(Bill.household_id == hid)) == 1
    # A buyer takes it over later: the developer keeps the bill issued to it. (History moved back a week, as if
    # the import and the opening had been then: a transfer starts after the account it ends.)
    db.session.execute(sa.update(Account).where(Account.household_id == hid).values(valid_from=TODAY - timedelta(7)))
    db.session.execute(sa.update(Bill).where(Bill.household_id == hid).values(issued_on=TODAY - timedelta(7)))
    db.session.commit()
    status, account = transfer(client, clerk, hid, TODAY.isoformat(), name="业主钱七")
    assert status == 201, account
    assert page(client, clerk, hid)["bills"][0]["payer"] == "华远地产开发有限公司"
    check_invariants()


def test_opening_refuses_a_day_to_come_an_unknown_or_closed_season_and_an_open_flat(client, admin, clerk, phone):
    hid = _import_not_opened(client, admin, owner="孙八", room="102")
    cases = [({"season": OPEN, "from": (TODAY + timedelta(days=1)).isoformat(), "reason": "x"}, 400),
             ({"season": "2024-2025", "from": "2025-01-01", "reason": "x"}, 400),  # closed season
             ({"season": "2031-2032", "from": TODAY.isoformat(), "reason": "x"}, 404),
             ({"season": OPEN, "from": TODAY.isoformat(), "reason": " "}, 400),
             ({"season": "next", "from": TODAY.isoformat(), "reason": "x"}, 400)]
    for body, code in cases:
        status, answer = post(client, clerk, f"/api/v1/households/{hid}/open", body)
        assert status == code, (body, answer)
    db.session.expire_all()
    assert db.session.get(Household, hid).status == "not_opened" and bill(hid, OPEN) is None
    active = example_flat(client, clerk, phone)
    status, answer = post(client, clerk, f"/api/v1/households/{active}/open",
                          {"season": OPEN, "from": TODAY.isoformat(), "reason": "x"})
    assert (status, answer["error"]["code"]) == (409, "household_opened")


def test_bills_issued_for_a_new_season_name_the_payer_of_record(client, clerk, admin, phone):
    from tests.server.test_suspensions import NEXT, next_season
    hid = example_flat(client, clerk, phone)
    status, account = transfer(client, clerk, hid, TODAY.isoformat(), name="买方周九")
    assert status == 201
    next_season(client, admin)
    assert bill(hid, NEXT).account_id == account["id"]
    bills = {b["season"]: b["payer"] for b in page(client, clerk, hid)["bills"]}
    assert bills[NEXT] == "买方周九" and bills[OPEN] != "买方周九"
