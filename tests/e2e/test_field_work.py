"""Field work in the collector's app against the real server: sign-in, receipts and their public check, visits
and checks other than money, and what the phone sees of a payment after sync (issue 4)."""
import json

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


def op_data(page, op_type):
    """The `data` of this phone's ops of one type, as stored (and sent) by the app."""
    return page.evaluate("""(type) => new Promise((resolve, reject) => {
        const r = indexedDB.open('heatledger');
        r.onsuccess = () => { const g = r.result.transaction('outbox').objectStore('outbox').getAll();
          g.onsuccess = () => resolve(g.result.filter(x => x.op.type === type).map(x => x.op.data));
          g.onerror = reject; };
        r.onerror = reject; })""", op_type)


def day_cash(page, server):
    page.goto(f"{server.url}/app/#/day")
    page.wait_for_selector("[data-testid=day-payment]")
    return page.inner_text("[data-testid=cash]")


def test_a_payment_a_clerk_voids_shows_voided_on_its_receipt_and_leaves_the_days_cash(server, new_context, shots):
    ctx = new_context()
    page = ctx.new_page()
    sign_in(page, server, "c03")
    hid = households_in_arrears(page, 4)[-1]
    record_payment(page, hid, "100.00")
    twice = record_payment(page, hid, "55.50")  # the same money entered again: a second receipt
    receipt_url = page.url
    wait_synced(page)
    assert day_cash(page, server) == "¥155.50"

    page.goto(f"{server.url}/app/#/h/{hid}")
    page.wait_for_selector("[data-testid=household-card]")
    page.once("dialog", lambda d: d.accept("重复录入"))
    page.click(f"[data-testid=payment]:has-text('{twice}') >> text=申请作废")
    page.wait_for_selector("text=作废申请待同步")
    page.click("[data-testid=sync]")
    wait_synced(page)
    # the void request waits for a clerk: still cash in the collector's hands
    assert day_cash(page, server) == "¥155.50"
    page.goto(receipt_url)
    page.wait_for_selector("[data-testid=receipt][data-state=void_requested]")
    assert "作废审核中" in page.inner_text("[data-testid=receipt-state]")

    (void,) = [r for r in outbox_records(page) if r["type"] == "payment_void"]
    clerk = server_login(server, "clerk")
    status, items = api(server, "GET", "/review?state=open&kind=void_request&per_page=500", clerk["token"])
    assert status == 200, items
    (item,) = [i for i in items["items"] if i["op_id"] == void["op_id"]]
    status, body = api(server, "POST", f"/review/{item['id']}/resolve", clerk["token"],
                       {"decision": "accept", "reason": "重复录入，只收了一次现金"})
    assert status == 200, body

    page.click("[data-testid=sync]")
    wait_synced(page)
    page.goto(receipt_url)
    page.wait_for_selector("[data-testid=receipt][data-state=voided]")
    state = page.inner_text("[data-testid=receipt-state]")
    assert "已作废" in state and "已入账" not in state
    page.screenshot(path=str(shots / "16-receipt-voided.png"), full_page=True)
    # the day close hands over only the money that is really in
    assert day_cash(page, server) == "¥100.00"
    assert page.get_attribute(f"[data-testid=day-payment]:has-text('{twice}')", "data-state") == "voided"
    assert "不计入" in page.inner_text("[data-testid=left-out]")
    page.screenshot(path=str(shots / "17-day-after-void.png"), full_page=True)


def test_the_vacancy_form_asks_for_each_finding_and_sends_only_what_was_checked(server, new_context, shots):
    ctx = new_context()
    page = ctx.new_page()
    sign_in(page, server, "c01")
    hid = households_in_arrears(page, 5)[-1]
    page.goto(f"{server.url}/app/#/h/{hid}/vacancy")
    page.wait_for_selector("[data-testid=vacancy-form]")
    # nothing is chosen for the inspector, and the save button says why it is off
    assert page.locator("[data-testid=vacancy-form] [role=radio][aria-checked=true]").count() == 0
    assert page.is_disabled("[data-testid=save]")
    assert page.inner_text("[data-testid=form-problem]") == "请选择检查结果"
    page.click("[data-testid=finding] button:has-text('空置')")
    assert page.is_disabled("[data-testid=save]")
    assert page.inner_text("[data-testid=form-problem]") == "请选择阀门是否铅封"
    page.screenshot(path=str(shots / "15-vacancy-unchosen.png"), full_page=True)
    page.click("[data-testid=valve-sealed] button:has-text('已铅封')")
    # the seal's condition is optional: it starts as 未检查
    assert page.get_attribute("[data-testid=seal-intact] button:has-text('未检查')", "aria-checked") == "true"
    page.fill("[data-testid=seal-no]", "FH-2026-0099")
    page.fill("[data-testid=vc-note]", "门窗紧闭" * 150)  # 600 characters: the server takes 500
    assert len(page.input_value("[data-testid=vc-note]")) == 500
    assert not page.is_disabled("[data-testid=save]")
    assert page.locator("[data-testid=form-problem]").count() == 0
    page.screenshot(path=str(shots / "15b-vacancy-chosen.png"), full_page=True)
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=household-card]")
    (data,) = op_data(page, "vacancy_check")
    assert data["finding"] == "vacant" and data["valve_sealed"] is True and data["seal_no"] == "FH-2026-0099"
    assert "seal_intact" not in data and len(data["note"]) == 500
    wait_synced(page)
    (rec,) = [r for r in outbox_records(page) if r["type"] == "vacancy_check"]
    assert rec["state"] in ("applied", "received"), rec
    page.goto(f"{server.url}/app/#/outbox")
    row = page.wait_for_selector("[data-testid=op]:has-text('空置检查')")
    assert "已入账" not in row.inner_text() and "已记录" in row.inner_text()


def test_field_forms_keep_to_the_servers_limits_and_a_refusal_names_its_field(server, new_context):
    ctx = new_context()
    page = ctx.new_page()
    sign_in(page, server, "c05")
    hid = households_in_arrears(page, 4)[-1]
    page.goto(f"{server.url}/app/#/h/{hid}/area")
    page.wait_for_selector("[data-testid=area-form]")
    for bad in ("0", "0.00", "1.234"):
        page.fill("[data-testid=area]", bad)
        assert page.is_disabled("[data-testid=save]"), bad
        assert "大于 0" in page.inner_text("[data-testid=area-form] .error")
    page.fill("[data-testid=area]", "89.5")
    assert not page.is_disabled("[data-testid=save]")

    page.goto(f"{server.url}/app/#/h/{hid}/visit")
    page.wait_for_selector("[data-testid=visit-form]")
    assert page.is_disabled("[data-testid=save]")
    assert page.inner_text("[data-testid=form-problem]") == "请填写走访内容"
    page.fill("[data-testid=visit-text]", "暖" * 2100)
    assert len(page.input_value("[data-testid=visit-text]")) == 2000
    assert not page.is_disabled("[data-testid=save]")

    # an op the server refuses (here made past the form): the outbox and the card name the field and its limit
    page.evaluate("""(hid) => window.heatledger.record({type: 'visit', household_id: hid,
        data: {kind: 'follow_up', text: 'x'.repeat(2001)}}, {label: 'too long'})""", hid)
    wait_synced(page)
    page.goto(f"{server.url}/app/#/outbox")
    row = page.wait_for_selector("[data-testid=op][data-state=rejected]")
    assert "走访内容（最多 2000 字）" in row.inner_text() and "invalid_field" in row.inner_text()
    page.goto(f"{server.url}/app/#/h/{hid}")
    assert "走访内容" in page.wait_for_selector("[data-testid=rejected]").inner_text()

    # sync failures in words: no network, then a server that answers 503
    page.goto(f"{server.url}/app/#/outbox")
    ctx.set_offline(True)
    page.click("[data-testid=sync]")
    assert "网络不可用" in page.wait_for_selector("[data-testid=sync-error]").inner_text()
    ctx.set_offline(False)
    ctx.route("**/api/v1/sync/**", lambda route: route.fulfill(
        status=503, content_type="application/json",
        body=json.dumps({"error": {"code": "service_unavailable", "message": "服务暂不可用", "details": {}}})))
    page.click("[data-testid=sync]")
    page.wait_for_function("() => document.querySelector('[data-testid=sync-error]')?.textContent.includes('服务器暂时不可用')")
    ctx.unroute("**/api/v1/sync/**")
