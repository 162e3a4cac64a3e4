"""Screenshots of the main screens at 390×844, zh-CN, into test-artifacts/screenshots/ (looked at by a person)."""
import pytest

from e2e_support import households_in_arrears, record_payment, sign_in, wait_synced

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
