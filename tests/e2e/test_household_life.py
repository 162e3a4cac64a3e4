"""A household's life on the console in real Chromium at 1366×768 (OFFICE.md "A household's life"): a clerk files a
报停 application and approves it on the household page, and the collector's phone sees the flat suspended and
billed at 30 % in its next pull; an area correction with its source offers a fresh notice when more is due."""
from urllib.parse import quote

import pytest

from e2e_support import api, full_pull, server_login
from sync.money import bill_due_fen
from test_console import console_sign_in, desktop  # noqa: F401  (fixture)

pytestmark = pytest.mark.e2e
OPEN = "2026-2027"


def quiet_flat(server, clerk, households, skip=()):
    """An active residential flat of the collector's with no 报停 on record."""
    for h in households.values():
        if h["id"] in skip or h["status"] != "active" or h["category"] != "residential":
            continue
        if not any(b["season"] == OPEN for b in h["bills"]):
            continue
        status, detail = api(server, "GET", f"/households/{h['id']}", clerk["token"])
        if status == 200 and not detail["suspensions"]:
            return h
    raise AssertionError("no quiet flat")


def test_a_suspension_approved_on_the_console_reaches_the_phone_in_its_next_pull(server, desktop, shots):  # noqa: F811
    phone, clerk = server_login(server, "c04"), server_login(server, "clerk")
    households, last = full_pull(server, phone["token"])
    h = quiet_flat(server, clerk, households)
    bill = next(b for b in h["bills"] if b["season"] == OPEN)
    page = console_sign_in(server, desktop, "clerk", f"/console/households/{quote(h['id'])}")
    card = page.locator("[data-testid=suspensions]")
    card.wait_for()
    form = card.locator("form[data-testid=suspension-apply]")
    form.locator("select[name=season]").select_option(OPEN)
    form.locator("input[name=applied_on]").fill("2026-09-20")
    form.locator("input[name=reason]").fill("业主书面申请，附房产证")
    form.locator("button[type=submit]").click()
    row = card.locator("tbody tr", has_text="已申请")
    row.wait_for()
    row.locator("button[data-action=approve]").click()
    row.locator(".error", has_text="请填写理由").wait_for()  # nothing is sent without a reason
    row.locator("input[name=reason]").fill("已签暂停供热协议")
    row.locator("button[data-action=approve]").click()
    card.locator("tbody tr", has_text="已批准报停").wait_for()
    page.locator("[data-testid=bills] tbody tr", has_text="0.3000").wait_for()
    assert "approved" not in card.inner_text()  # words, not codes
    page.screenshot(path=str(shots / "console-household-suspension.png"), full_page=True)

    status, pulled = api(server, "GET", f"/sync/pull?cursor={last['cursor']}", phone["token"])
    assert status == 200, pulled
    [mine] = [x for x in pulled["households"] if x["id"] == h["id"]]
    assert mine["status"] == "suspended" and mine["version"] > h["version"]
    _, detail = api(server, "GET", f"/households/{h['id']}", clerk["token"])
    office = next(b for b in detail["bills"] if b["season"] == OPEN)
    expected = bill_due_fen(office["area_m2"], office["price_yuan"], "0.30")
    assert next(b for b in mine["bills"] if b["season"] == OPEN)["due_fen"] == expected < bill["due_fen"]

    # The late application of another flat: a clerk cannot approve it; the button waits for an admin's override.
    other = quiet_flat(server, clerk, households, skip={h["id"]})
    status, late = api(server, "POST", f"/households/{other['id']}/suspensions", clerk["token"],
                       {"season": OPEN, "applied_on": "2026-12-01", "reason": "入冬后才申请"})
    assert status == 201 and late["on_time"] is False
    page.goto(server.url + f"/console/households/{quote(other['id'])}")
    row = page.locator("[data-testid=suspensions] tbody tr", has_text="逾期申请")
    row.wait_for()
    assert row.locator("button[data-action=approve]").is_disabled()
    assert "须管理员特批" in row.inner_text()


def test_an_area_correction_by_certificate_offers_a_fresh_notice_when_more_is_due(server, desktop, shots):  # noqa: F811
    phone, clerk = server_login(server, "c04"), server_login(server, "clerk")
    households, _ = full_pull(server, phone["token"])
    h = next(x for x in households.values() if x["status"] == "active" and x["category"] == "residential"
             and any(b["season"] == OPEN and b["balance_fen"] > 0 for b in x["bills"]))
    bigger = f"{float(h['area_m2']) + 1.75:.2f}"
    page = console_sign_in(server, desktop, "clerk", f"/console/households/{quote(h['id'])}")
    card = page.locator("[data-testid=area-form]")
    card.wait_for()
    assert card.locator("input[name=approve_closed]").count() == 0  # a clerk does not approve closed seasons
    card.locator("input[name=area_m2]").fill(bigger)
    card.locator("select[name=source]").select_option("certificate")
    card.locator("input[name=reason]").fill("不动产证")
    card.locator("button[type=submit]").click()
    page.locator("[data-testid=notice-offered]").wait_for()
    page.locator("dl.facts", has_text=f"{bigger}（房产证）").wait_for()
    page.locator("[data-testid=adjustments] tbody tr", has_text="面积更正").first.wait_for()
    assert page.locator("[data-testid=notice-offered]").is_visible()  # the offer stays once the page reloaded
    page.screenshot(path=str(shots / "console-household-area.png"), full_page=True)
    status, detail = api(server, "GET", f"/households/{h['id']}", clerk["token"])
    assert (detail["area_m2"], detail["area_source"]) == (bigger, "certificate")
