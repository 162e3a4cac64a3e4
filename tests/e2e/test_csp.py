"""Issue 12, item 8: the console and the collector's app run under a Content-Security-Policy without inline
scripts or styles, and nothing on their screens breaks it (Chromium reports every violation)."""
import urllib.request

import pytest

from e2e_support import sign_in
from test_console import console_sign_in, desktop  # noqa: F401  (fixture)

pytestmark = pytest.mark.e2e
WATCH = ("window.__csp = [];"
         "document.addEventListener('securitypolicyviolation',"
         " (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));")


@pytest.mark.parametrize("path", ["/console/", "/app/"])
def test_the_apps_are_served_with_a_strict_policy(server, path):
    with urllib.request.urlopen(server.url + path) as r:
        policy = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_no_console_screen_breaks_the_policy(server, desktop):
    desktop.add_init_script(WATCH)
    page = console_sign_in(server, desktop, "admin")
    page.locator("[data-testid=review-list][data-loaded=yes]").wait_for()
    for screen in ("rejected", "households", "daily", "weekly", "monthly", "total", "documents", "users", "devices",
                   "assignments", "audit", "projects", "seasons", "settings", "import", "schedule", "register", "dunning",
                   "review"):
        page.click(f"[data-testid=nav-{screen}]")
        page.locator(f"[data-screen={screen}]").wait_for()
        page.wait_for_timeout(300)
    page.locator("table[data-testid=review] a").first.click() if page.locator("table[data-testid=review] a").count() else None
    # the screens reached from others: a review entry, a building's grid, the silent devices
    page.goto(page.url.split("/console/")[0] + "/console/review?state=all")
    page.locator("[data-testid=review-list][data-loaded=yes]").wait_for()
    if page.locator("a[data-testid=review-link]").count():
        page.locator("a[data-testid=review-link]").first.click()
        page.locator("[data-screen=review_item]").wait_for()
    page.click("[data-testid=nav-projects]")
    page.locator("a[data-testid=grid-link]").first.click()
    page.locator("[data-testid=grid-list][data-loaded=yes]").wait_for()
    page.click("[data-testid=nav-devices]")
    page.click("[data-testid=devices-silent]")
    page.locator("[data-testid=devices-list][data-loaded=yes]").wait_for()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__csp") == []


def test_no_screen_of_the_phone_app_breaks_the_policy(server, new_context):
    ctx = new_context()
    ctx.add_init_script(WATCH)
    page = ctx.new_page()
    sign_in(page, server, "c02")
    page.locator(".tree .row").first.click()
    page.wait_for_timeout(500)
    assert page.evaluate("window.__csp") == []
