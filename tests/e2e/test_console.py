"""The clerks' console in real Chromium at a desk's 1366×768: a clerk decides review items with a reason, reads
the ledgers, finds a day that cannot close for want of hand-overs, makes notices; an admin creates a user; the URL keeps the screen through a reload;
a hostile owner name stays text."""
import sqlite3
import tempfile
import uuid
from urllib.parse import quote
from datetime import datetime, timedelta, timezone

import pytest

from e2e_support import ARGS, CHROMIUM, api, server_login

pytestmark = pytest.mark.e2e
DESKTOP = {"width": 1366, "height": 768}
BEIJING = timezone(timedelta(hours=8))
HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture
def desktop(chromium, tmp_path):
    """A fresh Chromium profile at a desk's screen size: clerks work at the office (SEED.md)."""
    ctx = chromium.chromium.launch_persistent_context(
        tempfile.mkdtemp(prefix="hl-console-", dir=tmp_path), executable_path=CHROMIUM, headless=True, args=ARGS,
        viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai", accept_downloads=True)
    ctx.set_default_timeout(15000)
    yield ctx
    ctx.close()


def console_sign_in(server, desktop, username="clerk", path="/console/", password=None):
    """A new page of the console at `path`, signed in as `username` (password demo-<username>, the demo contract)."""
    page = desktop.new_page()
    page.goto(server.url + path)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password or f"demo-{username}")
    page.click("form[data-testid=login-form] button[type=submit]")
    return page


def loaded(page, testid):
    page.locator(f"[data-testid={testid}-list][data-loaded=yes]").wait_for()


def _overpay(server, username="c05"):
    phone = server_login(server, username)
    status, body = api(server, "GET", "/sync/pull?limit=50", phone["token"])
    h = next(x for x in body["households"] if x["bills"][-1]["balance_fen"] > 0)
    now = datetime.now(BEIJING).isoformat(timespec="seconds")
    op = {"op_id": str(uuid.uuid4()), "seq": 1, "type": "payment", "household_id": h["id"], "at": now,
          "data": {"amount_fen": sum(b["balance_fen"] for b in h["bills"]) + 12345, "method": "cash",
                   "receipt_no": phone["device_code"] + "-000001"}}
    status, body = api(server, "POST", "/sync/push", phone["token"], {"device_id": phone["device_id"], "ops": [op]},
                       {"X-Client-Time": now})
    assert status == 200 and "overpaid" in body["results"][0]["flags"], body
    return h, op


def test_a_clerk_accepts_an_overpayment_with_a_reason_and_reads_the_ledgers(server, desktop, shots):
    household, op = _overpay(server)
    page = console_sign_in(server, desktop, "clerk", "/console/review?kind=overpaid")
    row = page.locator("table[data-testid=review] tbody tr", has_text=household["label"]).filter(
        has_text=household["project"])
    row.wait_for()
    assert "多缴（转预存）" in row.inner_text() and "overpaid" not in row.inner_text()
    assert "确认 accept" not in page.inner_text("main")
    page.screenshot(path=str(shots / "console-review.png"))
    row.locator("button[data-decision=accept]").click()
    row.locator(".error", has_text="请填写理由").wait_for()  # nothing is sent without a reason
    row.locator("input[name=reason]").fill("业主确认多缴部分转预存")
    row.locator("button[data-decision=accept]").click()
    row.wait_for(state="detached")
    clerk = server_login(server, "clerk")
    status, body = api(server, "GET", "/review?state=resolved&kind=overpaid", clerk["token"])
    item = next(i for i in body["items"] if i["op_id"] == op["op_id"])
    assert item["decision"] == "accept" and item["reason"] == "业主确认多缴部分转预存"

    page.click("[data-testid=nav-daily]")
    loaded(page, "daily")
    # other tests' payments may fill the day's first page: filter by the collector, as a clerk would
    page.goto(server.url + "/console/ledgers/daily?collector=c05")
    assert page.input_value("select[name=collector]") == "c05"
    page.locator("table[data-testid=daily] tbody tr", has_text=op["data"]["receipt_no"]).wait_for()
    assert "现金" in page.inner_text("table[data-testid=daily]")
    page.screenshot(path=str(shots / "console-daily.png"))
    page.click("[data-testid=nav-total]")
    page.locator("table[data-testid=total-projects] tbody tr").first.wait_for()
    text = page.inner_text("main")
    assert "华远·静园" in text and "%" in text and "户数收费率" in text and "面积收费率" in text
    page.screenshot(path=str(shots / "console-total.png"))
    with page.expect_download() as got:
        page.click("[data-screen=total] button[data-testid=pdf]")
    assert got.value.suggested_filename.endswith(".pdf")
    assert open(got.value.path(), "rb").read(5) == b"%PDF-"
    page.click("[data-testid=nav-weekly]")
    page.locator("table[data-testid=by-day] tbody tr").first.wait_for()
    with page.expect_download() as got:
        page.click("[data-screen=weekly] button[data-testid=xlsx]")
    assert got.value.suggested_filename.endswith(".xlsx") and open(got.value.path(), "rb").read(2) == b"PK"
    page.screenshot(path=str(shots / "console-weekly.png"))


def test_a_clerk_sees_a_rejected_operation_as_sent(server, desktop, shots):
    phone = server_login(server, "c04")
    status, body = api(server, "GET", "/sync/pull?limit=50", phone["token"])
    h = body["households"][0]
    now = datetime.now(BEIJING).isoformat(timespec="seconds")
    odd = {"op_id": str(uuid.uuid4()), "seq": 1, "type": "teleport", "household_id": h["id"], "at": now,
           "data": {"to": "月球"}}
    status, body = api(server, "POST", "/sync/push", phone["token"], {"device_id": phone["device_id"], "ops": [odd]},
                       {"X-Client-Time": now})
    assert body["results"][0]["status"] == "rejected", body
    page = console_sign_in(server, desktop, "clerk", "/console/rejected")
    row = page.locator("table[data-testid=rejected] tbody tr", has_text="teleport").filter(has_text=h["label"])
    row.wait_for()
    assert "unknown_type" in row.inner_text()
    row.locator("summary").click()
    assert "月球" in row.locator("pre").inner_text()
    page.screenshot(path=str(shots / "console-rejected.png"))


def test_a_past_day_whose_cash_nobody_handed_over_stays_open_and_its_close_names_the_collectors(server, desktop,
                                                                                              shots):
    """The count is per collector on the day (tests/e2e/test_handover.py closes a day on its own server): a past
    day of the demo, counted by nobody, cannot be counted afterwards and its close names who is missing."""
    clerk = server_login(server, "clerk")
    day = (datetime.now(BEIJING) - timedelta(days=1)).date().isoformat()
    status, listing = api(server, "GET", f"/ledgers/handovers?date={day}", clerk["token"])
    assert listing["missing"], listing
    page = console_sign_in(server, desktop, "clerk", f"/console/ledgers/daily?date={day}")
    page.click("[data-testid=close-link] a")
    page.locator("[data-testid=handovers-list][data-loaded=yes]").wait_for()
    assert f"/console/ledgers/handovers?date={day}" in page.url
    rows = page.locator("table[data-testid=handovers] tbody tr")
    assert rows.count() == len(listing["items"]) and "只能当天交款" in rows.first.inner_text()
    page.click("[data-testid=close-day] button[type=submit]")
    page.locator("[data-testid=close-day] .error", has_text=listing["missing"][0]).wait_for()
    assert "未交款" in page.inner_text("table[data-testid=handovers]")
    page.screenshot(path=str(shots / "console-handover-missing.png"))


def test_a_clerk_chooses_a_building_and_downloads_its_arrears_notices(server, desktop, shots):
    page = console_sign_in(server, desktop, "clerk", "/console/documents")
    page.locator("select[name=project] option", has_text="华远·静园").wait_for(state="attached")
    page.select_option("select[name=project]", "华远·静园")
    page.select_option("select[name=building]", "1")
    with page.expect_download(timeout=120_000) as got:
        page.click("button[data-kind=notices]")
    assert got.value.suggested_filename.endswith(".pdf")
    assert open(got.value.path(), "rb").read(5) == b"%PDF-"
    page.locator("[data-testid=doc-status]", has_text="已完成").wait_for()
    page.screenshot(path=str(shots / "console-documents.png"))


def test_a_collector_is_sent_to_the_phone_app_instead_of_the_console(server, desktop):
    page = console_sign_in(server, desktop, "c01")
    page.locator("[data-testid=login-error] a[href='/app/']").wait_for()
    assert page.locator("nav.side").count() == 0


def test_a_clerk_finds_a_household_by_pinyin_initials_and_opens_its_page(server, desktop, shots):
    from server.demo import initials
    clerk = server_login(server, "clerk")
    status, body = api(server, "GET", "/households?in_arrears=1&per_page=5", clerk["token"])
    h = body["items"][0]
    page = console_sign_in(server, desktop, "clerk", "/console/households")
    page.fill("input[name=q]", initials(h["owner_name"]))
    page.press("input[name=q]", "Enter")
    link = page.locator("table[data-testid=households] tbody tr", has_text=h["owner_name"]).filter(
        has_text=h["project"]).locator("a[data-testid=household-link]")
    link.wait_for()
    page.screenshot(path=str(shots / "console-households.png"))
    link.click()
    page.locator("[data-screen=household] [data-testid=bills] tbody tr").first.wait_for()
    assert page.url.endswith(f"/console/households/{h['id']}")
    assert h["owner_name"] in page.inner_text("h1") and "诉讼时效截止" in page.inner_text("main")
    page.screenshot(path=str(shots / "console-household.png"), full_page=True)
    page.reload()  # a household page is a bookmark
    page.locator("[data-screen=household] [data-testid=bills] tbody tr").first.wait_for()


def test_a_reload_keeps_the_screen_its_filters_and_its_page(server, desktop):
    page = console_sign_in(server, desktop, "clerk", "/console/households")
    loaded(page, "households")
    page.select_option("select[name=project]", "丰和园")
    page.check("input[name=in_arrears]")
    loaded(page, "households")
    page.locator("[data-testid=pager] button[data-page='2']").click()
    loaded(page, "households")
    assert "page=2" in page.url and "in_arrears=1" in page.url
    first = page.inner_text("table[data-testid=households] tbody tr >> nth=0")
    page.reload()
    loaded(page, "households")
    assert page.input_value("select[name=project]") == "丰和园" and page.is_checked("input[name=in_arrears]")
    assert page.inner_text("table[data-testid=households] tbody tr >> nth=0") == first
    assert page.locator("[data-testid=pager] button[aria-current=page]").inner_text() == "2"
    page.go_back()
    loaded(page, "households")
    assert "page=2" not in page.url


def test_an_admin_creates_a_user_who_then_signs_in(server, desktop, shots):
    page = console_sign_in(server, desktop, "admin", "/console/admin/users")
    loaded(page, "users")
    form = page.locator("[data-testid=user-form]")
    form.locator("input[name=username]").fill("clerk9")
    form.locator("input[name=name]").fill("赵文员")
    form.locator("select[name=role]").select_option("clerk")
    form.locator("input[name=password]").fill("s3cret-pass")
    form.locator("button[type=submit]").click()
    page.locator("[data-testid=user-msg]", has_text="clerk9").wait_for()
    page.locator("table[data-testid=users] tbody tr", has_text="赵文员").wait_for()
    page.screenshot(path=str(shots / "console-users.png"))
    other = console_sign_in(server, desktop, "clerk9", "/console/review", password="s3cret-pass")
    other.locator("[data-testid=who]", has_text="赵文员").wait_for()
    assert other.locator("[data-testid=nav-users]").count() == 0  # a clerk sees no admin screens


def test_a_hostile_owner_name_is_shown_as_text_everywhere(server, desktop, shots):
    clerk = server_login(server, "clerk")
    status, body = api(server, "GET", "/households?project=" + quote("康泰家园") + "&per_page=1", clerk["token"])
    h = body["items"][0]
    # the office API has no owner rename yet: write the name where an import would put it (the owner's party)
    with sqlite3.connect(server.database_url.removeprefix("sqlite:///")) as con:
        changed = con.execute("UPDATE party SET name = ? WHERE id = (SELECT owner_id FROM household WHERE id = ?)",
                              (HOSTILE, h["id"])).rowcount
    assert changed == 1
    dialogs = []
    desktop.on("page", lambda p: p.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss())))
    page = console_sign_in(server, desktop, "clerk", f"/console/households?q={h['number']}")
    row = page.locator("table[data-testid=households] tbody tr", has_text=HOSTILE)
    row.wait_for()
    row.locator("a[data-testid=household-link]").click()
    page.locator("[data-testid=owner-name]", has_text=HOSTILE).wait_for()
    page.goto(server.url + f"/console/households/{h['id']}/audit")
    loaded(page, "audit")
    page.wait_for_timeout(300)
    assert page.locator("img[src=x]").count() == 0 and dialogs == []


def test_every_screen_at_desk_size_in_chinese_and_english(server, desktop, shots):
    """Screenshots of every screen at 1366×768 (looked at by a person): Chinese renders, tables align."""
    page = console_sign_in(server, desktop, "admin", "/console/review?state=all")
    loaded(page, "review")
    clerk = server_login(server, "clerk")
    status, body = api(server, "GET", "/households?in_arrears=1&per_page=1", clerk["token"])
    hid = body["items"][0]["id"]
    screens = [("review-all", "/console/review?state=all", "review"), ("households-arrears", "/console/households?in_arrears=1", "households"),
               ("household-audit", f"/console/households/{hid}/audit", "audit"), ("monthly", "/console/ledgers/monthly", None),
               ("devices", "/console/admin/devices", "devices"), ("assignments", "/console/admin/assignments?user=c01", None),
               ("audit", "/console/admin/audit", "audit"), ("account", "/console/account", None)]
    for name, path, testid in screens:
        page.goto(server.url + path)
        page.locator("main.content section").wait_for()
        if testid:
            loaded(page, testid)
        page.wait_for_timeout(300)
        page.screenshot(path=str(shots / f"console-{name}.png"))
    page.click("[data-testid=lang]")
    page.goto(server.url + "/console/ledgers/total")  # the switch is kept in localStorage across loads
    page.locator("table[data-testid=total-projects] tbody tr").first.wait_for()
    assert "Rate by households" in page.inner_text("main") and "户数收费率" not in page.inner_text("main")
    page.screenshot(path=str(shots / "console-total-en.png"))
    page.click("[data-testid=lang]")
    page.click("[data-testid=logout]")
    page.locator("form[data-testid=login-form]").wait_for()
    page.screenshot(path=str(shots / "console-login.png"))
