"""axe-core on every console screen and the PWA's main screens: no critical or serious violation (issue 12).

The console's screens are read from console/src/router.js's ROUTES, so a screen another change adds is checked
without touching this file; a route whose parameter this file cannot fill with a demo id fails, naming it.
axe-core is the PWA's devDependency (pwa/package.json, installed by `npm ci` in scripts/setup.sh). The apps'
Content-Security-Policy forbids inline scripts, so these contexts alone bypass it to inject axe.
"""
import json
import re
import subprocess
import shutil
import tempfile

import pytest

from e2e_support import (ARGS, CHROMIUM, PWA, REPO, VIEWPORT, api, households_in_arrears, server_login, sign_in,
                         wait_synced)

pytestmark = pytest.mark.e2e

AXE = PWA / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1366, "height": 768}
BAD = ("critical", "serious")


def console_routes() -> list[tuple[str, str]]:
    """(name, pattern) of every console route, from router.js itself."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is required to read console/src/router.js")
    run = subprocess.run([node, "--input-type=module", "-e",
                          f"import {{ ROUTES }} from {json.dumps(str(REPO / 'console/src/router.js'))};"
                          "process.stdout.write(JSON.stringify(ROUTES));"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return [tuple(r) for r in json.loads(run.stdout)]


def axe_violations(page, where: str) -> list[dict]:
    """Run axe on the page as it is; print every violation; return those of critical or serious impact."""
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE.relative_to(REPO)}: run `npm ci` in pwa/ (scripts/setup.sh does)")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, { resultTypes: ['violations'] });
        return r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.map(n => ({ target: n.target.join(' '), summary: n.failureSummary })) }));
      }""")
    for v in result:
        print(f"[{where}] {v['impact']}: {v['id']} — {v['help']}")
        for n in v["nodes"][:5]:
            print(f"    {n['target']}: {(n['summary'] or '').splitlines()[-1] if n['summary'] else ''}")
    return [dict(v, where=where) for v in result if v["impact"] in BAD]


def report(bad: list[dict]) -> str:
    return "\n".join(f"{v['where']}: {v['impact']} {v['id']} ({v['help']}) at "
                     + ", ".join(n["target"] for n in v["nodes"][:5]) for v in bad)


def settle(page):
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(250)


@pytest.fixture
def axe_desktop(chromium, tmp_path):
    ctx = chromium.chromium.launch_persistent_context(
        tempfile.mkdtemp(prefix="hl-axe-", dir=tmp_path), executable_path=CHROMIUM, headless=True, args=ARGS,
        viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai", bypass_csp=True)
    ctx.set_default_timeout(15000)
    yield ctx
    ctx.close()


def demo_ids(server) -> dict[str, str]:
    """A demo id for each collection a console route may name by `:id`, keyed by the segment before it."""
    admin = server_login(server, "admin")["token"]
    ids = {}
    status, body = api(server, "GET", "/households?in_arrears=1&per_page=1", admin)
    assert status == 200 and body["items"], body
    ids["households"] = body["items"][0]["id"]
    status, body = api(server, "GET", "/projects", admin)
    assert status == 200, body
    ids["projects"] = str(body["items"][0]["id"])
    ids["buildings"] = str(body["items"][0]["buildings"][0]["id"])
    status, body = api(server, "GET", "/review?state=all&per_page=1", admin)
    if not body["items"]:  # this test alone on a fresh server: make an entry to look at
        from test_console import _overpay
        _overpay(server, "c04")
    for segment, path in (("review", "/review?state=all&per_page=1"), ("users", "/admin/users?per_page=1"),
                          ("devices", "/admin/devices?per_page=1")):
        status, body = api(server, "GET", path, admin)
        if status == 200 and body.get("items"):
            item = body["items"][0]
            ids[segment] = str(item.get("id") or item.get("device_id") or item.get("username"))
    return ids


def fill(pattern: str, ids: dict[str, str]) -> str:
    parts = pattern.split("/")
    out = []
    for i, part in enumerate(parts):
        if part.startswith(":"):
            segment = parts[i - 1] if i else ""
            if segment not in ids:
                pytest.fail(f"console route {pattern!r}: no demo id for {part} after {segment!r}; add one to demo_ids()")
            out.append(ids[segment])
        else:
            out.append(part)
    return "/".join(out)


def test_every_console_screen_has_no_serious_accessibility_violation(server, axe_desktop):
    routes = console_routes()
    assert len(routes) >= 10 and ("households", "households") in routes
    ids = demo_ids(server)
    page = axe_desktop.new_page()
    page.goto(server.url + "/console/")
    page.wait_for_selector("form[data-testid=login-form]")
    bad = axe_violations(page, "console sign-in")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "demo-admin")
    page.click("form[data-testid=login-form] button[type=submit]")
    page.wait_for_selector("main.content")
    seen = []
    for name, pattern in routes:
        page.goto(server.url + "/console/" + fill(pattern, ids))
        page.wait_for_selector("main.content > *")
        settle(page)
        bad += axe_violations(page, f"console {name} (/{pattern})")
        seen.append(name)
    # English too: the other language must not lose a label
    page.click("[data-testid=lang]")
    page.goto(server.url + "/console/households")
    page.wait_for_selector("main.content > *")
    settle(page)
    assert page.evaluate("() => document.documentElement.lang") == "en"  # a screen reader speaks it as English
    bad += axe_violations(page, "console households (en)")
    assert seen == [n for n, _ in routes]
    assert not bad, "critical or serious accessibility violations:\n" + report(bad)


def test_the_phone_apps_main_screens_have_no_serious_accessibility_violation(server, new_context):
    ctx = new_context(bypass_csp=True)
    page = ctx.new_page()
    page.goto(server.url + "/app/")
    page.wait_for_selector("form[data-testid=login-form]")
    bad = axe_violations(page, "pwa sign-in")
    sign_in(page, server, "c02")
    bad += axe_violations(page, "pwa worklist (tree)")

    def screen(hash_, selector, where):
        page.evaluate(f"() => {{ location.hash = {json.dumps(hash_)}; }}")
        page.wait_for_selector(selector)
        page.wait_for_timeout(200)
        return axe_violations(page, where)

    page.click(".tree .row >> nth=0")
    page.click(".tree .row >> nth=0")
    bad += axe_violations(page, "pwa worklist (building)")
    page.click("[data-testid=open-grid]")
    page.wait_for_selector("table.grid [data-testid=flat]")
    bad += axe_violations(page, "pwa grid")
    page.evaluate("() => { location.hash = '#/'; }")
    page.fill("[data-testid=search]", "1")
    page.wait_for_selector("[data-testid=results] .row")
    bad += axe_violations(page, "pwa search results")
    page.fill("[data-testid=search]", "")
    a, = households_in_arrears(page, 1)
    bad += screen(f"#/h/{a}", "[data-testid=household-card]", "pwa household card")
    bad += screen(f"#/h/{a}/pay", "[data-testid=payment-form]", "pwa payment form")
    page.fill("[data-testid=amount]", "1.00")
    page.click("[data-testid=payment-form] .segmented button >> nth=0")
    page.click("[data-testid=confirm-payment]")
    page.wait_for_selector("[data-testid=receipt-no]")
    bad += axe_violations(page, "pwa receipt")
    wait_synced(page)
    bad += screen("#/outbox", ".screen", "pwa outbox")
    bad += screen(f"#/h/{a}/vacancy", "[data-testid=vacancy-form]", "pwa vacancy check")
    bad += screen(f"#/h/{a}/visit", "form", "pwa visit")
    bad += screen("#/day", ".screen", "pwa day")
    bad += screen("#/settings", ".screen", "pwa settings")
    page.evaluate("() => localStorage.setItem('hl-lang', 'en')")
    page.reload()
    page.evaluate("() => { location.hash = '#/'; }")
    page.wait_for_selector(".tree .row")
    assert page.evaluate("() => document.documentElement.lang") == "en"
    bad += axe_violations(page, "pwa worklist (en)")
    assert not bad, "critical or serious accessibility violations:\n" + report(bad)
