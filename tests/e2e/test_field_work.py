"""Field work in the collector's app against the real server: sign-in, receipts and their public check, visits
and checks other than money, and what the phone sees of a payment after sync (issue 4)."""
import pytest

from e2e_support import (api, full_pull, households_in_arrears, open_app, outbox_records, record_payment,
                      server_login, sign_in, wait_synced)

pytestmark = pytest.mark.e2e


def test_sign_in_with_a_wrong_password_says_so(server, new_context):
    page = new_context().new_page()
    open_app(page, server)
    page.fill("input[name=username]", "c01")
    page.fill("input[name=password]", "wrong")
    page.click("form[data-testid=login-form] button[type=submit]")
    assert "用户名或密码错误" in page.inner_text("[data-testid=login-error]")


def test_the_receipt_qr_url_opens_the_verification_page_showing_recorded(server, new_context):
    ctx = new_context()
    page = ctx.new_page()
    sign_in(page, server, "c04")
    (hid,) = households_in_arrears(page, 1)
    ctx.set_offline(True)
    record_payment(page, hid, "123.45", method="alipay")
    assert page.inner_text("[data-testid=daxie]") == "人民币壹佰贰拾叁元肆角伍分"
    url = page.get_attribute("[data-testid=verify-link]", "href")
    assert url.startswith(f"{server.url}/r/") and "?c=" in url
    ctx.set_offline(False)
    page.click("[data-testid=sync]")
    wait_synced(page)
    check = ctx.new_page()
    check.goto(url)
    assert check.get_attribute("[data-state]", "data-state") == "recorded"
    assert "已入账" in check.inner_text("body")
    # a tampered check code is caught
    check.goto(url[:-1] + ("a" if url[-1] != "a" else "b"))
    assert check.get_attribute("[data-state]", "data-state") == "mismatch"

    # a payment that names its season: the season is part of the signed text
    page.goto(f"{server.url}/app/#/h/{hid}/pay")
    page.select_option("[data-testid=season]", "2026-2027")
    page.fill("[data-testid=amount]", "10.00")
    page.click("[data-testid=confirm-payment]")
    page.wait_for_selector("[data-testid=receipt-no]")
    url2 = page.get_attribute("[data-testid=verify-link]", "href")
    check.goto(url2)
    assert check.get_attribute("[data-state]", "data-state") == "not_received"  # not synced yet
    page.click("[data-testid=sync]")
    wait_synced(page)
    check.goto(url2)
    assert check.get_attribute("[data-state]", "data-state") == "recorded"


def test_a_payment_taken_today_for_an_old_bill_is_listed_on_the_household(server):
    phone = server_login(server, "c04")
    households, _ = full_pull(server, phone["token"])
    old_debt = [h for h in households.values() if h["bills"] and h["bills"][0]["balance_fen"] > 0
                and len(h["bills"]) >= 3]
    assert old_debt, "demo data has households owing older seasons"
    h = old_debt[0]
    op = {"op_id": "7d3f0c1e-0000-4000-8000-000000000001", "seq": 1, "type": "payment", "household_id": h["id"],
          "at": "2026-11-27T10:00:00+08:00",
          "data": {"amount_fen": 1000, "method": "cash", "receipt_no": phone["device_code"] + "-000001"}}
    status, answer = api(server, "POST", "/sync/push", phone["token"], {"device_id": phone["device_id"], "ops": [op]},
                         {"X-Client-Time": "2026-11-27T02:00:00Z"})
    assert status == 200 and answer["results"][0]["status"] == "applied", answer
    after, _ = full_pull(server, server_login(server, "c04")["token"])
    assert op["op_id"] in [p["op_id"] for p in after[h["id"]]["payments"]]


def test_an_area_check_a_phone_update_and_a_survey_reach_the_server(server, new_context):
    ctx = new_context()
    page = ctx.new_page()
    sign_in(page, server, "c01")
    (hid,) = households_in_arrears(page, 1)
    ctx.set_offline(True)
    page.goto(f"{server.url}/app/#/h/{hid}/area")
    page.fill("input[inputmode=decimal]", "90.25")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=household-card]")
    page.goto(f"{server.url}/app/#/h/{hid}/phone")
    page.fill("input[type=tel]", "13900001234")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=household-card]")
    assert "13900001234" in page.inner_text("[data-testid=household-card]")  # 新号码待同步
    page.goto(f"{server.url}/app/#/h/{hid}/visit")
    page.click("[data-testid=visit-form] .segmented button:has-text('调查')")
    page.click("[data-testid=visit-form] .segmented button:has-text('★★★★') >> nth=0")
    page.fill("[data-testid=visit-text]", "室温 20℃，满意")
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=household-card]")
    ctx.set_offline(False)
    page.click("[data-testid=sync]")
    wait_synced(page)
    mine = [r for r in outbox_records(page) if r["household_id"] == hid and r["type"] != "payment"]
    assert sorted(r["type"] for r in mine) == ["area_check", "contact_update", "visit"]
    assert all(r["state"] in ("applied", "duplicate", "received") for r in mine), mine


def test_a_void_request_for_a_payment_reaches_the_clerks_review(server, new_context):
    ctx = new_context()
    page = ctx.new_page()
    sign_in(page, server, "c02")
    (hid,) = households_in_arrears(page, 1)
    record_payment(page, hid, "12.00")
    wait_synced(page)
    page.goto(f"{server.url}/app/#/h/{hid}")
    page.wait_for_selector("[data-testid=household-card]")
    page.once("dialog", lambda d: d.accept("记错了户号"))
    page.click("[data-testid=payment] >> nth=0 >> text=申请作废")
    page.wait_for_selector("text=作废申请待同步")
    page.click("[data-testid=sync]")
    wait_synced(page)
    (void,) = [r for r in outbox_records(page) if r["type"] == "payment_void"]
    assert void["state"] in ("applied", "duplicate", "received"), void
    status, items = api(server, "GET", "/review?state=open", server_login(server, "clerk")["token"])
    assert status == 200, items
    assert any(i["household_id"] == hid and i["op_id"] == void["op_id"] for i in items["items"]), items
