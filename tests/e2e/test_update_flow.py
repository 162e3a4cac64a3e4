"""A new app version never takes over while ops wait in a format it cannot read (issue 4, item 1).

Playwright cannot rewrite a service worker script, so the test turns it around: the waiting op is marked with
a format (99) that the worker does not list in READABLE_OP_FORMATS, and a "new version" is installed by
registering the same worker under another URL. The real gate in sw.js decides.
"""
import pytest

from e2e_support import households_in_arrears, record_payment, sign_in, wait_sw_ready, wait_synced

pytestmark = pytest.mark.e2e

MARK_UNREADABLE = """() => new Promise((resolve, reject) => { const r = indexedDB.open('heatledger');
  r.onsuccess = () => { const tx = r.result.transaction('outbox', 'readwrite'); const st = tx.objectStore('outbox');
    const g = st.getAll(); g.onsuccess = () => { for (const rec of g.result) { rec.fmt = 99; st.put(rec); } };
    tx.oncomplete = () => { r.result.close(); resolve(); }; tx.onerror = reject; }; })"""


def registration(page):
    return page.evaluate("""navigator.serviceWorker.getRegistration().then(r => ({
        waiting: !!r.waiting, installing: !!r.installing, active: r.active && r.active.scriptURL}))""")


def test_a_new_version_waits_until_the_ops_it_cannot_read_are_sent(server, new_context):
    ctx = new_context()
    page = ctx.new_page()
    sign_in(page, server, "c01")
    wait_sw_ready(page)
    (hid,) = households_in_arrears(page, 1)
    ctx.set_offline(True)
    record_payment(page, hid, "5.00")
    page.evaluate(MARK_UNREADABLE)
    ctx.route("**/api/v1/sync/**", lambda route: route.abort())  # keep the op waiting for now
    ctx.set_offline(False)

    page.evaluate("navigator.serviceWorker.register('/app/sw.js?v=next', {scope: '/app/'})")
    for _ in range(100):
        if registration(page)["waiting"]:
            break
        page.wait_for_timeout(100)
    reg = registration(page)
    assert reg["waiting"] and not reg["active"].endswith("v=next"), reg
    page.wait_for_selector("[data-testid=update-waiting]")
    page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.waiting.postMessage({type: 'SKIP_WAITING_IF_SAFE'}))")
    page.wait_for_timeout(500)
    assert registration(page)["waiting"], "asked again, it still refuses while the op waits"

    # once the outbox is sent, the waiting version takes over
    ctx.unroute("**/api/v1/sync/**")
    page.click("[data-testid=sync]")
    wait_synced(page)
    page.wait_for_selector("[data-testid=update-ready]", timeout=15000)
    reg = registration(page)
    assert not reg["waiting"] and reg["active"].endswith("v=next"), reg
    # and the new version still opens offline
    ctx.set_offline(True)
    page.goto(server.url + "/app/#/")
    page.wait_for_selector(".tree .row")
