"""Helpers for the end-to-end tests of the collector app: calls to the server's API from outside the browser,
reads of the app's IndexedDB, and the steps a collector takes (sign in, take a payment).

A module of its own (not conftest.py) so that `from e2e_support import …` never meets tests/conftest.py.
"""
import json
import os
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PWA = REPO / "pwa"
CONSOLE = REPO / "console"
SHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("HEATLEDGER_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
VIEWPORT = {"width": 390, "height": 844}

def api(server, method, path, token=None, body=None, headers=None):
    """Call the server's API from outside the browser; returns (status, parsed JSON)."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(server.url + "/api/v1" + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def server_login(server, username):
    status, body = api(server, "POST", "/auth/login",
                       body={"username": username, "password": f"demo-{username}", "device_name": "e2e check"})
    assert status == 200, body
    return body


def full_pull(server, token):
    """A snapshot of the collector's scope (all pages)."""
    households, cursor, last = {}, None, None
    while True:
        status, page = api(server, "GET", "/sync/pull?limit=1000" + (f"&cursor={cursor}" if cursor else ""), token)
        assert status == 200, page
        for h in page["households"]:
            households[h["id"]] = h
        last = page
        cursor = page["cursor"]
        if not page["has_more"]:
            return households, last


def open_app(page, server):
    page.goto(server.url + "/app/")
    page.wait_for_selector("#app > *")


def sign_in(page, server, username):
    """Sign in through the login form and wait for the first sync to fill the worklist."""
    open_app(page, server)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"demo-{username}")
    page.click("form[data-testid=login-form] button[type=submit]")
    page.wait_for_selector("header.top")
    page.wait_for_function("() => window.__hlReady && document.querySelectorAll('.tree .row').length > 0")
    wait_synced(page)


def wait_synced(page, timeout=20000):
    """Until the outbox is empty and no sync is running."""
    page.wait_for_function(
        "() => document.querySelector('[data-testid=waiting]')?.dataset.count === '0'"
        " && !document.querySelector('[data-testid=sync]')?.disabled", timeout=timeout)


def wait_sw_ready(page):
    """Until a service worker controls the page, so that a reload works offline."""
    page.evaluate("navigator.serviceWorker.ready")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15000)


def session_of(page):
    """The session the app stored in IndexedDB (token, device_id, device_code …)."""
    return page.evaluate("""() => new Promise((resolve, reject) => {
        const r = indexedDB.open('heatledger');
        r.onsuccess = () => { const g = r.result.transaction('meta').objectStore('meta').get('session');
          g.onsuccess = () => resolve(g.result); g.onerror = reject; };
        r.onerror = reject; })""")


def outbox_records(page):
    return page.evaluate("""() => new Promise((resolve, reject) => {
        const r = indexedDB.open('heatledger');
        r.onsuccess = () => { const g = r.result.transaction('outbox').objectStore('outbox').getAll();
          g.onsuccess = () => resolve(g.result.map(x => ({op_id: x.op_id, seq: x.op.seq, type: x.op.type,
            receipt_no: x.op.data.receipt_no || null, state: x.state, household_id: x.op.household_id,
            pending: x.pending_seq !== undefined, flags: (x.result || {}).flags || [], error: (x.result || {}).error || null})));
          g.onerror = reject; };
        r.onerror = reject; })""")


def households_in_arrears(page, n, open_season_only=True):
    """Ids of n households with a balance, from the app's own cache; by default owing only in the last season
    (so that a payment lands on the open season's bill and shows in the household's `payments`)."""
    return page.evaluate("""([n, openOnly]) => new Promise((resolve, reject) => {
        const r = indexedDB.open('heatledger');
        r.onsuccess = () => { const g = r.result.transaction('households').objectStore('households').getAll();
          g.onsuccess = () => resolve(g.result.filter(h => {
                const owing = h.bills.filter(b => b.balance_fen > 0);
                return owing.length > 0 && (!openOnly || (owing.length === 1 && owing[0] === h.bills[h.bills.length - 1]));
              }).sort((a, b) => a.id < b.id ? -1 : 1).slice(0, n).map(h => h.id));
          g.onerror = reject; };
        r.onerror = reject; })""", [n, open_season_only])


def household_owing_seasons(page, n=2):
    """A household (the app's cached record) owing n or more seasons, the first by id; None if there is none."""
    return page.evaluate("""(n) => new Promise((resolve, reject) => {
        const r = indexedDB.open('heatledger');
        r.onsuccess = () => { const g = r.result.transaction('households').objectStore('households').getAll();
          g.onsuccess = () => resolve(g.result.filter(h => h.bills.filter(b => b.balance_fen > 0).length >= n)
            .sort((a, b) => a.id < b.id ? -1 : 1)[0] || null);
          g.onerror = reject; };
        r.onerror = reject; })""", n)


def yuan(fen):
    """12345 → "123.45", as typed into the amount field."""
    return f"{fen // 100}.{fen % 100:02d}"


def record_payment(page, household_id, amount=None, method="cash", paper=None):
    """Take a payment through the form; returns the receipt number shown."""
    page.goto(page.url.split("#")[0] + f"#/h/{household_id}/pay")
    page.wait_for_selector("[data-testid=payment-form]")
    if amount is not None:
        page.fill("[data-testid=amount]", amount)
    if paper is not None:
        page.fill("[data-testid=paper]", paper)
    page.click(f"[data-testid=payment-form] .segmented button:has-text('{METHOD_ZH[method]}')")
    page.click("[data-testid=confirm-payment]")
    page.wait_for_selector("[data-testid=receipt-no]")
    return page.inner_text("[data-testid=receipt-no]")


METHOD_ZH = {"cash": "现金", "wechat": "微信", "alipay": "支付宝", "bank_card": "银行卡", "transfer": "转账"}
