"""Fixtures for the collector app in real headless Chromium against the real server with demo data.

Chromium is Debian's (/usr/bin/chromium, TOOLCHAIN.md); Playwright never downloads a browser here. A missing
Chromium or an unbuilt app fails the tests loudly instead of skipping them.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PWA = REPO / "pwa"
SHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("HEATLEDGER_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
VIEWPORT = {"width": 390, "height": 844}

sys.path.insert(0, str(REPO / "tests"))
from live_server import LiveServer  # noqa: E402


def _stale(dist_index: Path) -> bool:
    if not dist_index.exists():
        return True
    built = dist_index.stat().st_mtime
    sources = [*(PWA / "src").rglob("*"), *(PWA / "public").rglob("*"), PWA / "index.html", PWA / "vite.config.js",
               PWA / "package-lock.json"]
    return any(p.is_file() and p.stat().st_mtime > built for p in sources)


@pytest.fixture(scope="session")
def pwa_build():
    """pwa/dist, built (npm ci when needed, then vite build) if missing or older than its sources."""
    if _stale(PWA / "dist" / "index.html"):
        npm = shutil.which("npm")
        if not npm:
            pytest.fail("npm is not on PATH: cannot build pwa/ for the end-to-end tests")
        if not (PWA / "node_modules" / ".package-lock.json").exists():
            subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=PWA, check=True)
        subprocess.run([npm, "run", "build"], cwd=PWA, check=True)
    return PWA / "dist"


@pytest.fixture(scope="session")
def chromium():
    if not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"Chromium is missing at {CHROMIUM}: apt-get install chromium (TOOLCHAIN.md)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("python playwright is not installed in the project's venv")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def server(pwa_build):
    """One real server (fresh SQLite database, migrations, demo data) for the session; tests use different collectors."""
    with LiveServer() as srv:
        yield srv


@pytest.fixture
def new_context(chromium, tmp_path):
    """Factory: a fresh persistent Chromium profile at phone size, zh-CN, Asia/Shanghai."""
    contexts = []

    def make(**kw):
        profile = tempfile.mkdtemp(prefix="hl-chromium-", dir=tmp_path)
        ctx = chromium.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=ARGS, viewport=VIEWPORT, locale="zh-CN",
            timezone_id="Asia/Shanghai", service_workers="allow", accept_downloads=True, **kw)
        ctx.set_default_timeout(15000)
        contexts.append(ctx)
        return ctx

    yield make
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def shots():
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


# ---------- helpers used by the tests ----------

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
    page.wait_for_function("window.__hlReady && document.querySelectorAll('.tree .row').length > 0")
    wait_synced(page)


def wait_synced(page, timeout=20000):
    """Until the outbox is empty and no sync is running."""
    page.wait_for_function(
        "document.querySelector('[data-testid=waiting]')?.dataset.count === '0'"
        " && !document.querySelector('[data-testid=sync]')?.disabled", timeout=timeout)


def wait_sw_ready(page):
    """Until a service worker controls the page, so that a reload works offline."""
    page.evaluate("navigator.serviceWorker.ready")
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)


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


def record_payment(page, household_id, amount=None, method="cash"):
    """Take a payment through the form; returns the receipt number shown."""
    page.goto(page.url.split("#")[0] + f"#/h/{household_id}/pay")
    page.wait_for_selector("[data-testid=payment-form]")
    if amount is not None:
        page.fill("[data-testid=amount]", amount)
    page.click(f"[data-testid=payment-form] .segmented button:has-text('{METHOD_ZH[method]}')")
    page.click("[data-testid=confirm-payment]")
    page.wait_for_selector("[data-testid=receipt-no]")
    return page.inner_text("[data-testid=receipt-no]")


METHOD_ZH = {"cash": "现金", "wechat": "微信", "alipay": "支付宝", "bank_card": "银行卡", "transfer": "转账"}
