"""交款 in real Chromium at a desk's 1366×768 (issue 14, item 1): the cashier counts two collectors on the day
their cash came in, one short; the close names who is missing; the shortfall is corrected with a reason and the
first count stays; then the day closes. Its own server: closing today moves every later payment of the day to
tomorrow, which the session's shared server must not see."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from e2e_support import api, server_login
from live_server import LiveServer
from test_console import console_sign_in, desktop  # noqa: F401  (the desk's Chromium profile)

pytestmark = pytest.mark.e2e
BEIJING = timezone(timedelta(hours=8))


@pytest.fixture(scope="module")
def own_server(pwa_build, console_build):
    with LiveServer() as srv:
        yield srv


def push_cash(server, username, amounts):
    """The collector's phone syncs cash payments taken now."""
    phone = server_login(server, username)
    status, body = api(server, "GET", "/sync/pull?limit=100", phone["token"])
    households = [h for h in body["households"] if h["bills"] and h["bills"][-1]["balance_fen"] > 200_000]
    now = datetime.now(BEIJING).isoformat(timespec="seconds")
    ops = [{"op_id": str(uuid.uuid4()), "seq": i + 1, "type": "payment", "household_id": h["id"], "at": now,
            "data": {"amount_fen": amount, "method": "cash", "receipt_no": f"{phone['device_code']}-{i + 1:06d}"}}
           for i, (h, amount) in enumerate(zip(households, amounts))]
    status, body = api(server, "POST", "/sync/push", phone["token"], {"device_id": phone["device_id"], "ops": ops},
                       {"X-Client-Time": now})
    assert status == 200 and all(r["status"] == "applied" for r in body["results"]), body


def yuan(fen):
    return f"{fen // 100}.{fen % 100:02d}"


def row_of(page, username):
    return page.locator("table[data-testid=handovers] tbody tr").filter(
        has=page.locator(f"[data-testid=handover-form-{username}], [data-testid=correction-form-{username}]"))


def test_two_collectors_hand_over_on_the_day_a_shortfall_is_corrected_and_the_day_closes(own_server, desktop,
                                                                                         shots):
    server = own_server
    push_cash(server, "c01", [123_400, 56_700])
    push_cash(server, "c02", [88_800])
    clerk = server_login(server, "clerk")
    today = datetime.now(BEIJING).date().isoformat()
    status, day = api(server, "GET", f"/ledgers/handovers?date={today}", clerk["token"])
    expected = {r["collector"]: r["expected_cash_fen"] for r in day["items"]}
    assert expected["c01"] >= 180_100 and expected["c02"] >= 88_800
    for other in set(expected) - {"c01", "c02"}:  # demo cash of today, if any, is counted beforehand
        assert api(server, "POST", "/ledgers/handovers", clerk["token"], {
            "date": today, "collector": other, "cash_fen": expected[other]})[0] == 200

    page = console_sign_in(server, desktop, "clerk", f"/console/ledgers/handovers?date={today}")
    page.locator("[data-testid=handovers-list][data-loaded=yes]").wait_for()
    form = page.locator("[data-testid=handover-form-c01]")
    form.locator("input[name=cash]").fill(yuan(expected["c01"]))
    form.locator("input[name=slip_no]").fill("JK-0001")
    form.locator("button[type=submit]").click()
    row_of(page, "c01").locator(".badge", has_text="已交款").wait_for()
    assert "相符" in row_of(page, "c01").inner_text() and "JK-0001" in row_of(page, "c01").inner_text()

    page.click("[data-testid=close-day] button[type=submit]")  # c02 has not handed over: the close names c02
    page.locator("[data-testid=close-day] .error", has_text="c02").wait_for()
    assert "c02" in page.inner_text("[data-testid=close-missing]")

    form = page.locator("[data-testid=handover-form-c02]")
    form.locator("input[name=cash]").fill(yuan(expected["c02"] - 5_000))  # fifty yuan short
    form.locator("button[type=submit]").click()
    row = row_of(page, "c02")
    row.locator("[data-testid=over-short]", has_text="短款 ¥50.00").wait_for()
    assert "已交款" in row.inner_text()
    page.screenshot(path=str(shots / "console-handover-short.png"))

    row.locator("details.correct summary").click()
    correction = row.locator("[data-testid=correction-form-c02]")
    correction.locator("input[name=cash]").fill(yuan(expected["c02"]))
    correction.locator("button[type=submit]").click()
    correction.locator(".error", has_text="原因").wait_for()  # nothing is sent without a reason
    correction.locator("input[name=reason]").fill("点钞时漏了一扎五十元")
    correction.locator("button[type=submit]").click()
    row = row_of(page, "c02")
    row.locator(".badge", has_text="已更正").wait_for()
    assert "相符" in row.locator("[data-testid=over-short]").inner_text()
    history = row.locator("[data-testid=handover-history] li")
    assert history.count() == 2 and "短款 ¥50.00" in history.nth(0).inner_text()  # the first count stays
    assert "点钞时漏了一扎五十元" in history.nth(1).inner_text()
    assert "c02" not in page.inner_text("[data-testid=close-missing]")

    page.fill("[data-testid=close-day] input[name=deposit_ref]", "JK-DAY-1")
    page.click("[data-testid=close-day] button[type=submit]")
    page.locator("[data-testid=handovers-closed]").wait_for()
    page.screenshot(path=str(shots / "console-handover-closed.png"))
    status, ledger = api(server, "GET", f"/ledgers/daily?date={today}", clerk["token"])
    closed = {h["collector"]: h for h in ledger["closed"]["handovers"]}
    assert closed["c02"]["counted_fen"] == expected["c02"] and closed["c02"]["state"] == "corrected"
    assert closed["c01"]["slip_no"] == "JK-0001" and ledger["closed"]["deposit_ref"] == "JK-DAY-1"
    assert ledger["closed"]["over_short_fen"] == 0

    page.reload()  # the daily ledger of the closed day shows the sums of the hand-overs
    page.goto(server.url + f"/console/ledgers/daily?date={today}")
    page.locator("[data-testid=close-record]", has_text="相符").wait_for()
    assert page.locator("[data-testid=close-link]").count() == 0
