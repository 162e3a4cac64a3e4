"""Screenshots of the main screens at 390×844, zh-CN, into test-artifacts/screenshots/ (looked at by a person)."""
import pytest

from e2e_support import household_owing_seasons, households_in_arrears, record_payment, sign_in, wait_synced, yuan

pytestmark = pytest.mark.e2e


def test_screens_at_phone_size_in_chinese(server, new_context, shots):
    ctx = new_context()
    page = ctx.new_page()
    sign_in(page, server, "c05")
    page.screenshot(path=str(shots / "01-worklist.png"))

    # drill into the tree: estate → building → unit
    page.click(".tree .row >> nth=0")
    page.click(".tree .row >> nth=0")
    page.click(".tree .row >> nth=0")
    page.wait_for_selector(".tree .row.hh")
    page.screenshot(path=str(shots / "02-worklist-unit.png"))

    # search by pinyin initials of a household in the cache
    first = page.evaluate("window.heatledger.index.rows[0]")
    page.fill("[data-testid=search]", first["ini"])
    page.wait_for_selector("[data-testid=results] .row")
    assert first["name"] in page.inner_text("[data-testid=results]")
    page.screenshot(path=str(shots / "03-search.png"))
    page.fill("[data-testid=search]", "")

    # the room keypad types a room path
    page.click("button[aria-label='房号键盘']")
    for key in first["key"]:
        page.click(f"[data-testid=keypad] button:text-is('{key}')")
    assert page.input_value("[data-testid=search]") == first["key"]
    assert first["name"] in page.inner_text("[data-testid=results]")
    page.screenshot(path=str(shots / "03b-keypad.png"))
    page.click("[data-testid=keypad] button:text-is('C')")
    page.click("[data-testid=keypad] button:text-is('OK')")

    a, b = households_in_arrears(page, 2)
    ctx.set_offline(True)
    page.goto(f"{server.url}/app/#/h/{a}/pay")
    page.wait_for_selector("[data-testid=payment-form]")
    page.screenshot(path=str(shots / "05-payment.png"))
    record_payment(page, a, "1680.32")
    assert page.inner_text("[data-testid=daxie]") == "人民币壹仟陆佰捌拾元零叁角贰分"
    page.screenshot(path=str(shots / "06-receipt.png"))

    page.goto(f"{server.url}/app/#/h/{a}")
    page.wait_for_selector("[data-testid=household-card]")
    page.screenshot(path=str(shots / "04-household-card.png"))

    # DOMAIN.md case 1: a household owing two seasons pays more than the oldest one's balance, naming no season.
    # The receipt lists both seasons with what each got, marked 预计 until the server's answer says so.
    two = household_owing_seasons(page, 2)
    assert two, "demo data has a household owing two seasons in c05's buildings"
    first, second = [b for b in two["bills"] if b["balance_fen"] > 0][:2]
    part = max(1, second["balance_fen"] // 2)
    record_payment(page, two["id"], yuan(first["balance_fen"] + part), paper="京A0012345")
    two_receipt = page.url
    expected = [(first, first["balance_fen"]), (second, part)]
    check_season_lines(page, two, expected, estimated=True)
    text = page.inner_text("[data-testid=receipt]")
    assert page.inner_text("[data-testid=receipt-company]") == "北京示范热力有限公司"
    assert page.inner_text("#app").count("供热采暖费收据") == 1  # one title, under the company's name
    assert "纸质收据号：京A0012345" in text and "可选" not in text
    # as the phone shows it: the top, then scrolled to the end (a full-page shot would paint the fixed tab bar
    # over the middle of the receipt)
    page.screenshot(path=str(shots / "06b-receipt-two-seasons.png"))
    page.locator(".actions").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "06b-receipt-two-seasons-end.png"))

    record_payment(page, b, "500.00", method="wechat")
    page.goto(f"{server.url}/app/#/outbox")
    page.wait_for_selector("[data-testid=op]")
    page.screenshot(path=str(shots / "07-outbox-offline.png"))

    page.goto(f"{server.url}/app/#/day")
    page.wait_for_selector("[data-testid=day-summary]")
    page.screenshot(path=str(shots / "08-day-summary.png"))

    page.goto(f"{server.url}/app/#/h/{b}/vacancy")
    page.wait_for_selector("[data-testid=vacancy-form]")
    page.screenshot(path=str(shots / "09-vacancy.png"))

    ctx.set_offline(False)
    page.goto(f"{server.url}/app/#/outbox")
    page.click("[data-testid=sync-now]")
    wait_synced(page)
    page.screenshot(path=str(shots / "10-outbox-synced.png"))

    # after sync the server's allocations stand on the receipt, no longer 预计
    page.goto(two_receipt)
    page.wait_for_selector("[data-testid=receipt-seasons][data-source=server]")
    check_season_lines(page, two, expected, estimated=False)
    assert "已入账" in page.inner_text("[data-testid=receipt-state]")
    page.screenshot(path=str(shots / "06c-receipt-two-seasons-synced.png"))

    page.goto(f"{server.url}/app/#/settings")
    page.wait_for_selector("[data-testid=logout]")
    page.screenshot(path=str(shots / "11-settings.png"))

    # English is one tap away and sticks across a reload
    page.click("text=English")
    assert page.inner_text("nav.bottom") .split() == ["Households", "Outbox", "Today", "Settings"]
    page.reload()
    page.wait_for_selector("nav.bottom")
    assert "Households" in page.inner_text("nav.bottom")
    page.goto(f"{server.url}/app/#/")
    page.wait_for_selector(".tree .row")
    page.screenshot(path=str(shots / "12-worklist-en.png"))
    page.goto(f"{server.url}/app/#/settings")
    page.click("text=中文")

    # nothing waits: sign-out is allowed and leaves no household on the phone
    page.click("[data-testid=logout]")
    page.wait_for_selector("[data-testid=login-form]")
    assert page.evaluate("""() => new Promise((resolve) => { const r = indexedDB.open('heatledger');
        r.onsuccess = () => { const g = r.result.transaction('households').objectStore('households').count();
        g.onsuccess = () => resolve(g.result); }; })""") == 0
    page.screenshot(path=str(shots / "00-login.png"))


def fen_text(fen):
    return f"¥{fen // 100:,}.{fen % 100:02d}"


def check_season_lines(page, household, expected, estimated):
    """The receipt's per-season lines: each season's bill (area, due) and the part of this payment it got."""
    rows = page.locator("[data-testid=receipt-season]")
    assert rows.count() == len(expected)
    for i, (bill, fen) in enumerate(expected):
        row = rows.nth(i)
        assert row.get_attribute("data-season") == bill["season"]
        assert row.locator("[data-testid=receipt-season-amount]").inner_text() == fen_text(fen)
        assert f"面积 {household['area_m2']} m²" in row.inner_text()
        assert f"应收 {fen_text(bill['due_fen'])}" in row.inner_text()
    assert page.locator("[data-testid=receipt-credit]").count() == 0  # less than owed: nothing left as credit
    assert page.locator("[data-testid=receipt-est]").count() == (1 if estimated else 0)
    assert page.locator("[data-testid=receipt-est-note]").count() == (1 if estimated else 0)
