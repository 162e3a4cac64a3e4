"""Offline work and sync in headless Chromium against the real server with demo data (issue 4, "Tests that must exist").

Tests share one server; each signs in as its own device and checks only the ops it made.
"""
import base64
import io
import json
import random

import pytest

from e2e_support import (api, full_pull, households_in_arrears, open_app, outbox_records, record_payment,
                      server_login, session_of, sign_in, wait_sw_ready, wait_synced)

pytestmark = pytest.mark.e2e


def camera_photo(width=2400, height=1800):
    """A noisy JPEG of a few MB, like a phone camera's, which the app must shrink to ≤ 200 KB."""
    from PIL import Image
    rnd = random.Random(7)
    img = Image.frombytes("RGB", (width, height), bytes(rnd.getrandbits(8) for _ in range(width * height * 3)))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=95)
    return buf.getvalue()


def waiting_count(page):
    return int(page.get_attribute("[data-testid=waiting]", "data-count"))


def test_a_day_offline_keeps_every_op_and_the_server_gets_each_exactly_once(server, new_context, shots):
    ctx = new_context()
    page = ctx.new_page()
    sign_in(page, server, "c01")
    wait_sw_ready(page)
    a, b, c = households_in_arrears(page, 3)

    # offline: the app still opens from the service worker
    ctx.set_offline(True)
    page.reload()
    page.wait_for_selector(".tree .row")
    assert page.inner_text("[data-testid=net]") == "离线"

    receipt_1 = record_payment(page, a, "100.00")
    receipt_2 = record_payment(page, b, "250.50", method="wechat")
    assert receipt_1 != receipt_2

    page.goto(f"{server.url}/app/#/h/{c}/vacancy")
    page.wait_for_selector("[data-testid=vacancy-form]")
    page.click("[data-testid=finding] button:has-text('空置')")
    page.click("[data-testid=valve-sealed] button:has-text('已铅封')")
    page.fill("[data-testid=seal-no]", "FH-2026-0042")
    page.set_input_files("[data-testid=photo-input]",
                         files=[{"name": "valve.jpg", "mimeType": "image/jpeg", "buffer": camera_photo()}])
    page.wait_for_selector(".photos img")
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=household-card]")

    page.goto(f"{server.url}/app/#/h/{c}/visit")
    page.fill("[data-testid=visit-text]", "业主不在家，已留通知")
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=household-card]")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.screenshot(path=str(shots / "14-card-visits-offline.png"))
    assert waiting_count(page) == 4

    # the photo was compressed on the phone
    photo_sizes = page.evaluate("""() => new Promise((resolve) => { const r = indexedDB.open('heatledger');
        r.onsuccess = () => { const g = r.result.transaction('photos').objectStore('photos').getAll();
        g.onsuccess = () => resolve(g.result.map(p => p.size)); }; })""")
    assert len(photo_sizes) == 1 and 0 < photo_sizes[0] <= 200 * 1024

    # reload offline: everything is still there, the card shows the pending payment on top
    page.reload()
    page.wait_for_selector("header.top")
    page.wait_for_function("() => document.querySelector('[data-testid=waiting]').dataset.count === '4'")
    page.goto(f"{server.url}/app/#/h/{a}")
    page.wait_for_selector("[data-testid=household-card]")
    assert "待同步" in page.inner_text("[data-testid=payment] >> nth=0")

    # the data-loss guard: no logout while ops wait; the export has the push body's shape
    page.goto(f"{server.url}/app/#/settings")
    page.click("[data-testid=logout]")
    page.wait_for_selector(".toast")
    assert "不能" in page.inner_text(".toast")
    assert session_of(page) is not None
    with page.expect_download() as dl:
        page.click("[data-testid=export-settings]")
    exported = json.loads(open(dl.value.path(), encoding="utf-8").read())
    session = session_of(page)
    assert exported["device_id"] == session["device_id"]
    assert [op["seq"] for op in exported["ops"]] == [1, 2, 3, 4]

    # online: the outbox empties
    ctx.set_offline(False)
    wait_synced(page, timeout=30000)
    recs = outbox_records(page)
    assert len(recs) == 4 and all(not r["pending"] for r in recs)
    assert {r["state"] for r in recs} <= {"applied", "duplicate", "received"}

    # the server has each op exactly once: seen by a second, fresh login of the same collector
    fresh = server_login(server, "c01")
    households, _ = full_pull(server, fresh["token"])
    for r in recs:
        if r["type"] == "payment":
            found = [p for p in households[r["household_id"]]["payments"] if p["op_id"] == r["op_id"]]
            assert len(found) == 1, r
            assert found[0]["receipt_no"] == r["receipt_no"]
    kinds = [v["kind"] for v in households[c]["visits"]]
    assert kinds.count("vacancy_check") == 1 and kinds.count("visit") == 1, households[c]["visits"]
    # and the app's own device is acknowledged up to its last seq, with no gap
    _, last_page = full_pull(server, session["token"])
    assert last_page["device_last_seq"] == 4
    # the photo reached the server before the op that names it (a second PUT is "already there")
    photo = page.evaluate("""() => new Promise((resolve) => { const r = indexedDB.open('heatledger');
        r.onsuccess = () => { const g = r.result.transaction('photos').objectStore('photos').getAll();
        g.onsuccess = () => { const p = g.result[0]; let s = ''; const u = new Uint8Array(p.bytes);
          for (let i = 0; i < u.length; i++) s += String.fromCharCode(u[i]);
          resolve({sha: p.sha256, b64: btoa(s), uploaded: p.uploaded}); }; }; })""")
    assert photo["uploaded"] is True
    import urllib.request
    req = urllib.request.Request(f"{server.url}/api/v1/attachments/{photo['sha']}", data=base64.b64decode(photo["b64"]),
                                 method="PUT", headers={"Authorization": f"Bearer {fresh['token']}",
                                                        "Content-Type": "image/jpeg"})
    with urllib.request.urlopen(req) as r:
        assert r.status == 200


def test_a_lost_push_answer_is_not_applied_twice(server, new_context):
    ctx = new_context()
    page = ctx.new_page()
    sign_in(page, server, "c02")
    (hid,) = households_in_arrears(page, 1)
    before = full_pull(server, server_login(server, "c02")["token"])[0][hid]
    calls = {"n": 0}

    def lose_first_answer(route):
        calls["n"] += 1
        if calls["n"] == 1:
            route.fetch()  # the server gets the push and applies it ...
            route.abort()  # ... and the phone never hears back
        else:
            route.continue_()

    ctx.route("**/api/v1/sync/push", lose_first_answer)
    record_payment(page, hid, "88.00")  # recording starts a sync by itself
    for _ in range(150):
        if calls["n"] >= 1:
            break
        page.wait_for_timeout(100)
    assert calls["n"] == 1
    page.wait_for_function("() => !document.querySelector('[data-testid=sync]').disabled")
    assert waiting_count(page) == 1, "the op stays while its fate is unknown"
    page.click("[data-testid=sync]")  # or the 5 s retry timer
    wait_synced(page)
    (rec,) = [r for r in outbox_records(page) if r["type"] == "payment"]
    assert rec["state"] in ("duplicate", "received")
    assert calls["n"] >= 2

    after = full_pull(server, server_login(server, "c02")["token"])[0][hid]
    assert [p["op_id"] for p in after["payments"]].count(rec["op_id"]) == 1
    paid = lambda h: sum(b["paid_fen"] for b in h["bills"])  # noqa: E731
    assert paid(after) - paid(before) == 8800


def test_two_tabs_recording_at_once_never_reuse_a_seq_or_a_receipt_number(server, new_context):
    ctx = new_context()
    tab1 = ctx.new_page()
    sign_in(tab1, server, "c03")
    tab2 = ctx.new_page()
    open_app(tab2, server)
    tab2.wait_for_function("() => window.heatledger && document.querySelectorAll('.tree .row').length > 0")
    a, b = households_in_arrears(tab1, 2)
    ctx.set_offline(True)
    burst = """([hid, n]) => { window.__burst = Promise.all(Array.from({length: n}, (_, i) =>
        window.heatledger.record({type: 'payment', household_id: hid, data: {amount_fen: 100 + i, method: 'cash'}},
                                 {label: 'burst'}))).then(rs => rs.map(r => [r.op.seq, r.op.data.receipt_no])); }"""
    tab1.evaluate(burst, [a, 25])
    tab2.evaluate(burst, [b, 25])
    got = tab1.evaluate("window.__burst") + tab2.evaluate("window.__burst")
    # and two payments through the form, one in each tab
    got_ui = [record_payment(tab1, a, "1.00"), record_payment(tab2, b, "2.00")]
    seqs = sorted(s for s, _ in got)
    receipts = [r for _, r in got] + got_ui
    assert seqs == list(range(1, 51))
    assert len(set(receipts)) == 52
    ctx.set_offline(False)
    tab1.click("[data-testid=sync]")
    wait_synced(tab1, timeout=30000)
    recs = outbox_records(tab1)
    assert len(recs) == 52 and not any(r["pending"] for r in recs)
    assert sorted(r["seq"] for r in recs) == list(range(1, 53))
    _, last = full_pull(server, session_of(tab1)["token"])
    assert last["device_last_seq"] == 52
    flagged = [r for r in recs if "receipt_duplicate" in r["flags"]]
    assert not flagged


def test_a_401_on_sync_asks_to_sign_in_again_but_recording_goes_on(server, new_context):
    ctx = new_context()
    page = ctx.new_page()
    sign_in(page, server, "c05")
    (hid,) = households_in_arrears(page, 1)
    ctx.route("**/api/v1/sync/**", lambda route: route.fulfill(
        status=401, content_type="application/json",
        body=json.dumps({"error": {"code": "token_expired", "message": "登录已过期", "details": {}}})))
    page.click("[data-testid=sync]")
    page.wait_for_selector("[data-testid=relogin]")
    record_payment(page, hid, "10.00")
    assert waiting_count(page) == 1
    ctx.unroute("**/api/v1/sync/**")
    page.click("[data-testid=sync]")
    wait_synced(page)


def test_a_rejected_op_leaves_the_queue_but_stays_visible_with_its_error(server, new_context, shots):
    ctx = new_context()
    page = ctx.new_page()
    sign_in(page, server, "c04")
    (hid,) = households_in_arrears(page, 1)
    # beyond a million yuan: the server cannot take it as money (PROTOCOL.md, payment) and rejects it
    page.evaluate("""(hid) => window.heatledger.record({type: 'payment', household_id: hid,
        data: {amount_fen: 200000000, method: 'cash'}}, {label: 'too much'})""", hid)
    wait_synced(page)
    page.goto(f"{server.url}/app/#/outbox")
    row = page.wait_for_selector("[data-testid=op][data-state=rejected]")
    assert "被拒绝" in row.inner_text()
    assert "amount_out_of_range" in row.inner_text()
    page.screenshot(path=str(shots / "13-outbox-rejected.png"))
    (rec,) = [r for r in outbox_records(page) if r["state"] == "rejected"]
    assert not rec["pending"]


def _sign_in_again_with_a_waiting_payment(server, new_context, username, other=None):
    """Record a payment while sync answers 401, sign in again (a new device), let it sync."""
    ctx = new_context()
    page = ctx.new_page()
    sign_in(page, server, username)
    old = session_of(page)
    (hid,) = households_in_arrears(page, 1)
    ctx.route("**/api/v1/sync/**", lambda route: route.fulfill(
        status=401, content_type="application/json",
        body=json.dumps({"error": {"code": "token_expired", "message": "登录已过期", "details": {}}})))
    receipt = record_payment(page, hid, "20.00")
    url = page.get_attribute("[data-testid=verify-link]", "href")
    page.wait_for_selector("[data-testid=relogin]")
    ctx.unroute("**/api/v1/sync/**")
    page.click("[data-testid=relogin]")
    if other:  # another collector may not take over this phone's waiting ops
        page.fill("input[name=username]", other)
        page.fill("input[name=password]", f"demo-{other}")
        page.click("form[data-testid=login-form] button[type=submit]")
        assert username in page.inner_text("[data-testid=login-error]")
        page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"demo-{username}")
    page.click("form[data-testid=login-form] button[type=submit]")
    page.wait_for_selector("header.top")
    wait_synced(page)
    return ctx, page, old, hid, receipt, url


def test_signing_in_again_while_ops_wait_sends_them_under_the_new_device(server, new_context):
    ctx, page, old, hid, receipt, _ = _sign_in_again_with_a_waiting_payment(server, new_context, "c03", other="c04")
    new = session_of(page)
    assert new["device_id"] != old["device_id"]
    (rec,) = [r for r in outbox_records(page) if r["type"] == "payment" and r["receipt_no"] == receipt]
    assert rec["state"] in ("applied", "duplicate", "received") and rec["seq"] == 1
    households, _ = full_pull(server, server_login(server, "c03")["token"])
    assert [p["receipt_no"] for p in households[hid]["payments"]].count(receipt) == 1


def test_a_receipt_printed_before_signing_in_again_still_verifies(server, new_context):
    ctx, page, old, hid, receipt, url = _sign_in_again_with_a_waiting_payment(server, new_context, "c02")
    assert receipt.startswith(old["device_code"] + "-")
    check = ctx.new_page()
    check.goto(url)
    assert check.get_attribute("[data-state]", "data-state") == "recorded"


def test_an_exported_outbox_imported_by_a_clerk_is_not_applied_twice_when_the_phone_syncs(server, new_context):
    ctx = new_context()
    page = ctx.new_page()
    sign_in(page, server, "c05")
    a, b = households_in_arrears(page, 2)
    ctx.set_offline(True)
    record_payment(page, a, "30.00")
    record_payment(page, b, "40.00", method="bank_card")
    page.goto(f"{server.url}/app/#/outbox")
    with page.expect_download() as dl:
        page.click("[data-testid=export]")
    exported = json.loads(open(dl.value.path(), encoding="utf-8").read())
    assert len(exported["ops"]) == 2

    clerk = server_login(server, "clerk")
    status, answer = api(server, "POST", "/sync/import", clerk["token"], exported)
    assert status == 200, answer
    assert [r["status"] for r in answer["results"]] == ["applied", "applied"]

    ctx.set_offline(False)
    page.click("[data-testid=sync-now]")
    wait_synced(page)
    recs = [r for r in outbox_records(page) if r["receipt_no"] in {op["data"]["receipt_no"] for op in exported["ops"]}]
    assert {r["state"] for r in recs} <= {"duplicate", "received"}
    households, _ = full_pull(server, server_login(server, "c05")["token"])
    for op in exported["ops"]:
        assert [p["op_id"] for p in households[op["household_id"]]["payments"]].count(op["op_id"]) == 1
