"""The 楼盘表 on the phone (issue 12, item 7): drawn offline from the app's cache, the same states as the office's
GET /api/v1/buildings/<id>/grid for every flat, each flat opening its household card; a payment taken offline
colours its flat at once and the server agrees after the sync."""
import pytest

from e2e_support import api, record_payment, server_login, sign_in, wait_synced, yuan

pytestmark = pytest.mark.e2e

COLLECTOR = "c03"

PHONE_GRID = """() => Array.from(document.querySelectorAll('table.grid tbody tr')).map(tr => ({
    floor: tr.querySelector('th').textContent.trim(),
    flats: Array.from(tr.querySelectorAll('[data-testid=flat]')).map(a => [a.dataset.household, a.dataset.state])}))"""


def cached_building(page):
    """(project, building) of the collector's cached building with the most different states: a suspended
    flat, one owing and one paid if there is such a building."""
    return page.evaluate("""() => new Promise((resolve, reject) => {
        const r = indexedDB.open('heatledger');
        r.onsuccess = () => { const g = r.result.transaction('households').objectStore('households').getAll();
          g.onsuccess = () => {
            const by = new Map();
            for (const h of g.result) {
              const k = JSON.stringify([h.project, h.building]);
              const last = h.bills[h.bills.length - 1];
              const kind = h.status === 'suspended' ? 's' : last.balance_fen === 0 ? 'p'
                : last.paid_fen > 0 ? 'h' : 'u';
              by.set(k, new Set([...(by.get(k) || []), kind]));
            }
            const best = [...by.entries()].sort((a, b) => b[1].size - a[1].size || (a[0] < b[0] ? -1 : 1))[0];
            resolve(JSON.parse(best[0]));
          };
          g.onerror = reject; };
        r.onerror = reject; })""")


def server_grid(server, token, project, building):
    status, body = api(server, "GET", "/projects", token)
    assert status == 200, body
    b = next(b for p in body["items"] if p["name"] == project for b in p["buildings"] if b["name"] == building)
    status, grid = api(server, "GET", f"/buildings/{b['id']}/grid", token)
    assert status == 200, grid
    return b["id"], grid


def as_rows(grid):
    return [{"floor": f"{f['floor']}层", "flats": [[x["household_id"], x["state"]] for x in f["flats"]]}
            for f in grid["floors"]]


def open_grid(page, project, building):
    """Through the worklist's tree, as a collector would: estate, building, then its grid."""
    page.evaluate("() => { location.hash = '#/'; }")
    page.click(".tree .crumbs a >> nth=0")  # from the top of the tree, wherever it was left
    page.click(f".tree .row.node:has(.name:text-is('{project}'))")
    page.click(f".tree .row.node:has(.name:text-is('{building}号楼'))")
    page.click("[data-testid=open-grid]")
    page.wait_for_selector("table.grid [data-testid=flat]")


def test_the_phones_grid_is_the_offices_and_opens_each_household(server, new_context, shots):
    ctx = new_context()
    page = ctx.new_page()
    sign_in(page, server, COLLECTOR)
    project, building = cached_building(page)
    clerk = server_login(server, "clerk")["token"]
    collector = server_login(server, COLLECTOR)["token"]
    building_id, grid = server_grid(server, clerk, project, building)
    # the office's grid is the office's: a collector's token is refused even for a building in its scope
    status, body = api(server, "GET", f"/buildings/{building_id}/grid", collector)
    assert status == 403 and body["error"]["code"] == "forbidden", body

    # offline: the grid is drawn from the cache alone
    ctx.set_offline(True)
    open_grid(page, project, building)
    assert page.inner_text(".screen-title h1") == f"{building}号楼 楼盘表"
    assert page.evaluate(PHONE_GRID) == as_rows(grid)  # every flat, on its floor, in its place, in its state
    states = [x["state"] for f in grid["floors"] for x in f["flats"]]
    assert len(set(states)) >= 3, states  # the demo building shows paid, owing and suspended flats at least
    for st in ("paid", "partial", "unpaid", "suspended", "not_opened", "credit"):
        legend = page.inner_text(f"[data-testid=grid-legend] li[data-state={st}]")
        assert legend.endswith(str(states.count(st))), (st, legend)
    # not by colour alone: each flat says its state in words
    first = grid["floors"][0]["flats"][0]
    words = {"paid": "已缴清", "partial": "部分缴费", "unpaid": "未缴费", "suspended": "报停", "not_opened": "未开通",
             "credit": "有预存"}
    assert words[first["state"]] in page.inner_text(f"[data-household='{first['household_id']}']")
    page.screenshot(path=str(shots / "18-grid.png"))
    page.screenshot(path=str(shots / "18-grid-full.png"), full_page=True)

    # a flat opens its household's card
    owing = next(x for f in grid["floors"] for x in f["flats"] if x["state"] in ("unpaid", "partial"))
    page.click(f"[data-household='{owing['household_id']}']")
    page.wait_for_selector("[data-testid=household-card]")
    assert page.url.endswith(f"#/h/{owing['household_id']}")
    assert owing["room"] in page.inner_text(".screen-title h1")
    assert page.inner_text("[data-testid=balance]") == f"¥{owing['balance_fen'] // 100:,}.{owing['balance_fen'] % 100:02d}"

    # an overpayment taken offline: the flat turns 有预存 at once, marked as waiting
    record_payment(page, owing["household_id"], yuan(owing["balance_fen"] + 5000))
    open_grid(page, project, building)
    cell = f"[data-household='{owing['household_id']}']"
    assert page.get_attribute(cell, "data-state") == "credit"
    assert "待同步" in page.inner_text(cell) and "+¥50.00" in page.inner_text(cell)
    page.locator(cell).scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "18b-grid-waiting.png"))

    # online: after the sync the office's grid says the same, and the phone's flat waits no more
    ctx.set_offline(False)
    page.click("[data-testid=sync]")
    wait_synced(page)
    page.wait_for_function(f"() => !document.querySelector(\"{cell}\").classList.contains('pending')")
    _, after = server_grid(server, clerk, project, building)
    assert page.evaluate(PHONE_GRID) == as_rows(after)
    flat = next(x for f in after["floors"] for x in f["flats"] if x["household_id"] == owing["household_id"])
    assert flat["state"] == "credit" and flat["credit_fen"] == 5000

    # English, as the rest of the app
    page.evaluate("() => localStorage.setItem('hl-lang', 'en')")
    page.reload()
    page.wait_for_selector("table.grid [data-testid=flat]")
    assert page.inner_text(".screen-title h1") == f"Bldg {building} floor grid"
    assert "In credit" in page.inner_text(cell) and "Paid" in page.inner_text("[data-testid=grid-legend]")
    page.screenshot(path=str(shots / "18c-grid-en.png"))
