"""The clerks' console in real Chromium: a clerk decides a review item, sees today's ledger and the
season's collection rate against the targets."""
import uuid
from datetime import datetime, timedelta, timezone

import tempfile

import pytest

from e2e_support import ARGS, CHROMIUM, api, server_login

pytestmark = pytest.mark.e2e
DESKTOP = {"width": 1280, "height": 860}


@pytest.fixture
def desktop(chromium, tmp_path):
    """A fresh Chromium profile at a desk's screen size: clerks work at the office."""
    ctx = chromium.chromium.launch_persistent_context(
        tempfile.mkdtemp(prefix="hl-console-", dir=tmp_path), executable_path=CHROMIUM, headless=True, args=ARGS,
        viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai", accept_downloads=True)
    ctx.set_default_timeout(15000)
    yield ctx
    ctx.close()


def console_sign_in(server, desktop, username="clerk"):
    """A new page of the console, signed in as `username` (password demo-<username>, the demo contract);
    e2e_support.sign_in is the phone app's."""
    page = desktop.new_page()
    page.goto(server.url + "/console/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"demo-{username}")
    page.click("#login button[type=submit]")
    return page


def _overpay(server, username="c05"):
    phone = server_login(server, username)
    status, body = api(server, "GET", "/sync/pull?limit=50", phone["token"])
    h = next(x for x in body["households"] if x["bills"][-1]["balance_fen"] > 0)
    now = datetime.now(timezone(timedelta(hours=8))).isoformat(timespec="seconds")
    op = {"op_id": str(uuid.uuid4()), "seq": 1, "type": "payment", "household_id": h["id"], "at": now,
          # more than everything it owes, older seasons too (a payment naming no season pays the oldest first)
          "data": {"amount_fen": sum(b["balance_fen"] for b in h["bills"]) + 12345, "method": "cash",
                   "receipt_no": phone["device_code"] + "-000001"}}
    status, body = api(server, "POST", "/sync/push", phone["token"], {"device_id": phone["device_id"], "ops": [op]},
                       {"X-Client-Time": now})
    assert status == 200 and "overpaid" in body["results"][0]["flags"], body
    return h, op


def test_a_clerk_accepts_an_overpayment_and_reads_the_days_ledger_and_the_season_rate(server, desktop, shots):
    household, op = _overpay(server)
    page = console_sign_in(server, desktop, "clerk")
    row = page.locator("#review-rows tr", has_text=household["label"])
    row.wait_for()
    assert "多缴" in row.inner_text() and household["project"] in row.inner_text()  # "1号楼…" alone is ambiguous
    page.screenshot(path=str(shots / "console-review.png"), full_page=True)
    row.locator("button[data-decision=accept]").click()
    # a decision needs a reason: nothing is sent without one
    assert row.locator("input").get_attribute("placeholder").startswith("请填写理由")
    row.locator("input").fill("业主确认多缴部分转预存")
    row.locator("button[data-decision=accept]").click()
    page.locator("#review-rows tr", has_text=household["label"]).wait_for(state="detached")
    clerk = server_login(server, "clerk")
    status, body = api(server, "GET", "/review?state=resolved&kind=overpaid", clerk["token"])
    item = next(i for i in body["items"] if i["op_id"] == op["op_id"])
    assert item["decision"] == "accept" and item["reason"] == "业主确认多缴部分转预存"

    page.click("nav button[data-tab=daily]")
    page.locator("#daily-rows tr", has_text=op["data"]["receipt_no"]).wait_for()
    page.screenshot(path=str(shots / "console-daily.png"), full_page=True)
    page.click("nav button[data-tab=total]")
    page.locator("#total-body table").wait_for()
    text = page.inner_text("#total-body")
    assert "华远·静园" in text and "%" in text and "户数收费率" in text and "面积收费率" in text
    page.screenshot(path=str(shots / "console-total.png"), full_page=True)
    with page.expect_download() as got:
        page.click("#tab-total a[data-download=total][data-format=pdf]")
    assert got.value.suggested_filename.startswith("总帐-") and got.value.suggested_filename.endswith(".pdf")
    assert open(got.value.path(), "rb").read(5) == b"%PDF-"
    page.click("nav button[data-tab=weekly]")
    page.locator("#weekly-body table").first.wait_for()
    assert "日期 Day" in page.inner_text("#weekly-body")
    with page.expect_download() as got:
        page.click("#tab-weekly a[data-download=weekly]:not([data-format])")
    assert got.value.suggested_filename.endswith(".xlsx") and open(got.value.path(), "rb").read(2) == b"PK"
    page.screenshot(path=str(shots / "console-weekly.png"), full_page=True)


def test_a_clerk_sees_a_rejected_operation_as_sent_and_a_void_requests_reason(server, desktop, shots):
    phone = server_login(server, "c04")
    status, body = api(server, "GET", "/sync/pull?limit=50", phone["token"])
    h = next(x for x in body["households"] if x["bills"][-1]["balance_fen"] > 0)
    now = datetime.now(timezone(timedelta(hours=8))).isoformat(timespec="seconds")
    pay = {"op_id": str(uuid.uuid4()), "seq": 1, "type": "payment", "household_id": h["id"], "at": now,
           "data": {"amount_fen": 1000, "method": "cash", "receipt_no": phone["device_code"] + "-000001"}}
    void = {"op_id": str(uuid.uuid4()), "seq": 2, "type": "payment_void", "household_id": h["id"], "at": now,
            "data": {"payment_op_id": pay["op_id"], "reason": "录错户，应为1-1-302"}}
    odd = {"op_id": str(uuid.uuid4()), "seq": 3, "type": "teleport", "household_id": h["id"], "at": now,
           "data": {"to": "月球"}}
    twice = [{"op_id": str(uuid.uuid4()), "seq": 4 + k, "type": "payment", "household_id": h["id"], "at": now,
              "data": {"amount_fen": 777, "method": "cash", "receipt_no": f"{phone['device_code']}-00000{2 + k}"}}
             for k in range(2)]
    status, body = api(server, "POST", "/sync/push", phone["token"],
                       {"device_id": phone["device_id"], "ops": [pay, void, odd, *twice]}, {"X-Client-Time": now})
    assert status == 200 and [r["status"] for r in body["results"]] == ["applied", "applied", "rejected", "applied",
                                                                        "applied"], body
    page = console_sign_in(server, desktop, "clerk")
    row = page.locator("#review-rows tr", has_text="作废申请")
    row.filter(has_text=h["label"]).first.wait_for()
    assert "理由：录错户，应为1-1-302" in row.filter(has_text=h["label"]).first.inner_text()
    suspect = page.locator("#review-rows tr", has_text="疑似重复").filter(has_text=twice[1]["data"]["receipt_no"])
    assert f"可能重复的收据：{twice[0]['data']['receipt_no']}" in suspect.inner_text()
    page.click("nav button[data-tab=rejected]")
    rejected = page.locator("#rejected-rows tr", has_text=h["label"]).filter(has_text="teleport")
    rejected.wait_for()
    text = rejected.inner_text()
    assert "未知的操作类型" in text and "unknown_type" in text and "c04" in text
    rejected.locator("summary").click()
    assert "月球" in rejected.locator("pre").inner_text()
    page.screenshot(path=str(shots / "console-rejected.png"), full_page=True)


def test_a_day_closed_with_the_cash_counted_keeps_its_hand_over_on_screen(server, desktop, shots):
    clerk = server_login(server, "clerk")
    day = (datetime.now(timezone(timedelta(hours=8))) - timedelta(days=1)).date().isoformat()
    status, ledger = api(server, "GET", f"/ledgers/daily?date={day}", clerk["token"])
    cash = ledger["totals"]["by_method"].get("cash", 0)
    page = console_sign_in(server, desktop, "clerk")
    page.click("nav button[data-tab=daily]")
    page.fill("#daily-date", day)
    page.dispatch_event("#daily-date", "change")
    page.fill("#close-form input[name=cash]", f"{(cash + 100) / 100:.2f}")  # one yuan too many
    page.fill("#close-form input[name=deposit_ref]", "JK-0001")
    page.click("#close-form button[type=submit]")
    page.locator("#close-record", has_text="长款 over ¥1.00").wait_for()
    page.reload()  # the record is the server's, not the page's memory
    page.click("nav button[data-tab=daily]")
    page.fill("#daily-date", day)
    page.dispatch_event("#daily-date", "change")
    record = page.locator("#close-record", has_text="JK-0001")
    record.wait_for()
    assert "长款 over ¥1.00" in record.inner_text() and "clerk" in record.inner_text()
    assert page.locator("#close-form").is_hidden()
    page.screenshot(path=str(shots / "console-day-closed.png"), full_page=True)


def test_a_clerk_chooses_a_building_and_downloads_its_arrears_notices(server, desktop, shots):
    page = console_sign_in(server, desktop, "clerk")
    page.click("nav button[data-tab=documents]")
    page.select_option("#doc-project", "华远·静园")
    page.select_option("#doc-building", "1")
    with page.expect_download(timeout=120_000) as got:
        page.click("#doc-form button[data-kind=notices]")
    assert got.value.suggested_filename == "notices-华远·静园-1.pdf"
    assert open(got.value.path(), "rb").read(5) == b"%PDF-"
    page.locator("#doc-status", has_text="已完成").wait_for()
    page.screenshot(path=str(shots / "console-documents.png"), full_page=True)


def test_a_collector_is_sent_to_the_phone_app_instead_of_the_console(server, desktop):
    page = console_sign_in(server, desktop, "c01")
    page.locator("#login-error", has_text="/app/").wait_for()
    assert page.locator("#app").is_hidden()
