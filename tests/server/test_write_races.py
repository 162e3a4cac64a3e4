"""Issue 11: every write endpoint, called while collectors push on the other worker, answers without a 500.

The server as deployed (gunicorn, two workers). A thread pushes batches of payments all along (bounded in
count and time); meanwhile each write endpoint of the API is called several times, as a clerk or an admin
would. A read-then-write in a deferred SQLite transaction failed with "database is locked" once a push
had committed; every write path now takes the write lock first (changes.begin_write). The table below
must name every write route of the app: a new endpoint joins the race or this test fails.
"""
import base64
import io
import threading
import time
import uuid
from datetime import date, datetime, timedelta

import pytest

from tests.live_server import LiveServer
from tests.server.test_real_processes import BEIJING, RemotePhone, database  # noqa: F401  (fixture)
from tests.server.test_real_processes import call as _call

pytestmark = pytest.mark.slow
ROUNDS = 4


def png(seed: int) -> bytes:
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (seed % 256, seed // 256 % 256, 9)).save(out, format="PNG")
    return out.getvalue()


def call(server, method, path, body=None, token=None):
    """One request, once (no resend on a 5xx: a 500 is what this test looks for); an empty body is {}."""
    try:
        return _call(server, method, path, body, token)
    except ValueError:  # 204 No Content
        return 204, {}


def upload(server, token, body: bytes, mode="good_rows"):
    """A register uploaded as a multipart form, as the console sends it."""
    import json
    import urllib.error
    import urllib.request
    boundary = uuid.uuid4().hex
    data = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"mode\"\r\n\r\n{mode}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"race.csv\"\r\n"
            f"Content-Type: text/csv\r\n\r\n").encode() + body + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(f"{server.url}/api/v1/imports/households", data=data, method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, e.read()[:300]


def put_photo(server, token, body):
    import hashlib
    import urllib.error
    import urllib.request
    req = urllib.request.Request(f"{server.url}/api/v1/attachments/{hashlib.sha256(body).hexdigest()}", data=body,
                                 method="PUT", headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, None
    except urllib.error.HTTPError as e:
        return e.code, e.read()[:300]


@pytest.fixture
def server(database):  # noqa: F811
    live = LiveServer(database_url=database, workers=2, households=200)
    with live:
        yield live


def login(server, username, password=None):
    status, body = call(server, "POST", "/api/v1/auth/login",
                        {"username": username, "password": password or f"demo-{username}", "device_name": "race"})
    assert status == 200, body
    return body


class Pusher(threading.Thread):
    """A collector pushing 50 payments a batch until told to stop (at most 200 batches or 5 minutes)."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.phone, self.stop, self.errors, self.batches = RemotePhone(server, "c02"), threading.Event(), [], 0

    def run(self):
        deadline = time.monotonic() + 300
        while not self.stop.is_set() and self.batches < 200 and time.monotonic() < deadline:
            status, body = call(self.phone.server, "POST", "/api/v1/sync/push",
                                {"device_id": self.phone.device_id, "ops": self.phone.payments(50, amount=1)},
                                self.phone.token)
            self.batches += 1
            if status >= 500:
                self.errors.append((status, body))


def test_every_write_endpoint_answers_without_a_500_while_pushes_run_on_the_other_worker(server):
    admin, clerk = login(server, "admin")["token"], login(server, "clerk")["token"]
    c01 = RemotePhone(server, "c01")
    today = datetime.now(BEIJING).date()
    past_day = (today - timedelta(days=3)).isoformat()
    building = call(server, "GET", "/api/v1/admin/buildings", token=admin)[1]["items"][0]
    c05_buildings = [{"project": building["project"], "building": b} for b in building["buildings"][:1]]

    def flagged_item():
        """An open review item to decide: an overpayment of c01's."""
        hid = c01.households[0]
        status, body = call(server, "POST", "/api/v1/sync/push", {"device_id": c01.device_id, "ops": [
            dict(c01.payments(1, amount=50_000_000)[0], household_id=hid)]}, c01.token)
        assert status == 200, body
        items = call(server, "GET", "/api/v1/review?state=open&kind=overpaid&per_page=1", token=clerk)[1]["items"]
        return items[0]["id"]

    def outbox_import():
        phone = RemotePhone(server, "c03")
        return call(server, "POST", "/api/v1/sync/import",
                    {"device_id": phone.device_id, "ops": phone.payments(3)}, token=clerk)

    def a_document(kind):
        """The newest document of a kind the jobs above made (none yet: an id that answers 404)."""
        items = call(server, "GET", f"/api/v1/documents?kind={kind}&per_page=1", token=clerk)[1]["items"]
        return items[0]["id"] if items else 2**31 - 1
    def first_handover():
        """c01's hand-over of today, whichever round recorded it."""
        rows = call(server, "GET", f"/api/v1/ledgers/handovers?date={today.isoformat()}", token=clerk)[1]["items"]
        return next(r["handover_id"] for r in rows if r["collector"] == "c01" and r["handover_id"])

    def suspension(i, offset, approve=False):
        """A 报停 application on one of c01's flats (its id, or the one it already had)."""
        hid = c01.households[10 + offset * ROUNDS + i]
        status, body = call(server, "POST", f"/api/v1/households/{hid}/suspensions",
                            {"season": "2026-2027", "applied_on": "2026-09-01", "reason": "race"}, token=clerk)
        sid = body["id"] if status == 201 else body["error"]["details"]["id"]
        if approve:
            call(server, "POST", f"/api/v1/suspensions/{sid}/approve", {"reason": "race"}, token=clerk)
        return sid

    def complaint():
        """A complaint on one of c01's flats, opened for the follow-up and the close to work on."""
        status, body = call(server, "POST", "/api/v1/complaints", {"household_id": c01.households[7],
                            "category": "temperature", "text": "race"}, token=clerk)
        return body["id"] if status == 201 else 2**31 - 1

    def refund(i, approve=False):
        """A 退费 proposal for one day without heat on one of c01's flats (its id), approved if asked."""
        hid = c01.households[-1 - i]
        status, body = call(server, "POST", f"/api/v1/households/{hid}/refunds",
                            {"season": "2026-2027", "kind": "no_heat", "days": 1, "reason": "race"}, token=clerk)
        assert status in (201, 409), body  # 409: a flat without a bill of the season has nothing to refund
        if status == 409:
            return 2**31 - 1  # an id that answers 404
        if approve:
            call(server, "POST", f"/api/v1/refunds/{body['id']}/approve", {"reason": "race"}, token=clerk)
        return body["id"]

    season_year = iter(range(2030, 2030 + ROUNDS))
    calls = {
        "auth.login": lambda i: call(server, "POST", "/api/v1/auth/login",
                                     {"username": "c04", "password": "demo-c04" if i % 2 else "wrong"}),
        "auth.logout": lambda i: call(server, "POST", "/api/v1/auth/logout", token=login(server, "c04")["token"]),
        "auth.password": lambda i: call(server, "POST", "/api/v1/auth/password", {  # back and forth
            "old_password": ("demo-clerk", "changed-clerk")[i % 2], "new_password": ("changed-clerk", "demo-clerk")[i % 2]},
            token=clerk),
        "users.create_user": lambda i: call(server, "POST", "/api/v1/admin/users", {
            "username": f"race{i}", "name": "赛跑", "role": "collector", "password": "race-pass-1"}, token=admin),
        "users.update_user": lambda i: call(server, "PATCH", f"/api/v1/admin/users/race{i}", {"name": f"赛跑{i}"},
                                            token=admin),
        "sync_api.push": lambda i: call(server, "POST", "/api/v1/sync/push",
                                        {"device_id": c01.device_id, "ops": c01.payments(5)}, c01.token),
        "sync_api.import_outbox": lambda i: outbox_import(),
        "sync_api.put_attachment": lambda i: put_photo(server, c01.token, png(i)),
        "review.resolve": lambda i: call(server, "POST", f"/api/v1/review/{flagged_item()}/resolve",
                                         {"decision": "accept", "reason": "race test"}, token=clerk),
        "review.bulk": lambda i: call(server, "POST", "/api/v1/review/bulk", {
            "item_ids": [flagged_item()], "decision": "accept", "reason": "race test, in bulk"}, token=clerk),
        "admin.revoke": lambda i: call(server, "POST", f"/api/v1/admin/devices/{login(server, 'c04')['device_id']}"
                                       "/revoke", token=admin),
        "admin.assignments": lambda i: call(server, "PUT", "/api/v1/admin/assignments/c05",
                                            {"buildings": c05_buildings}, token=admin),
        "fees.put_setting": lambda i: call(server, "PUT", "/api/v1/admin/settings/documents",
                                           {"value": {"deadline_days": 15 + i}}, token=admin),
        "fees.create_season": lambda i: (lambda y: call(server, "POST", "/api/v1/admin/seasons", {
            "id": f"{y}-{y + 1}", "starts_on": f"{y}-11-15", "ends_on": f"{y + 1}-03-15"}, token=admin))(
            next(season_year)),
        "fees.patch_season": lambda i: call(server, "PATCH", "/api/v1/admin/seasons/2026-2027", {"open": True},
                                            token=admin),
        "fees.put_rates": lambda i: call(server, "PUT", "/api/v1/admin/seasons/2030-2031/rates", {
            "rates": [{"category": "residential", "price_yuan": "24.00"}]}, token=admin),
        "fees.issue_bills": lambda i: call(server, "POST", "/api/v1/admin/seasons/2030-2031/bills", token=admin),
        "ledgers.close": lambda i: call(server, "POST", "/api/v1/ledgers/daily/close",
                                        {"date": past_day, "deposit_ref": f"R{i}"}, token=clerk),
        "ledgers.hand_over": lambda i: call(server, "POST", "/api/v1/ledgers/handovers", {
            "date": today.isoformat(), "collector": "c01", "cash_fen": 100 * i, "slip_no": f"S{i}"}, token=clerk),
        "ledgers.correct_handover": lambda i: call(server, "POST", f"/api/v1/ledgers/handovers/{first_handover()}"
                                                   "/corrections", {"cash_fen": 100 * i, "reason": "点错了"},
                                                   token=clerk),
        "documents.notices": lambda i: call(server, "POST", "/api/v1/documents/notices", {
            "season": "2026-2027", "household_ids": c01.households[:2]}, token=clerk),
        "households.area": lambda i: call(server, "POST", f"/api/v1/households/{c01.households[5]}/area", {
            "area_m2": f"{85 + i}.60", "source": "certificate", "reason": "race test"}, token=clerk),
        "households.transfer": lambda i: call(server, "POST", f"/api/v1/households/{c01.households[3]}/transfer", {
            "new_owner": {"name": f"赛跑{i}"}, "from": today.isoformat(), "reason": "race test"}, token=clerk),
        "households.open_household": lambda i: call(server, "POST", f"/api/v1/households/{c01.households[4]}/open",
                                                    {"season": "2026-2027", "from": today.isoformat(),
                                                     "reason": "race test"}, token=clerk),
        "suspensions.apply": lambda i: call(server, "POST", f"/api/v1/households/{c01.households[6]}/suspensions", {
            "season": "2026-2027", "applied_on": "2026-09-01", "reason": "race test"}, token=clerk),
        "suspensions.approve": lambda i: call(server, "POST", f"/api/v1/suspensions/{suspension(i, 0)}/approve",
                                              {"reason": "race test"}, token=clerk),
        "suspensions.reject": lambda i: call(server, "POST", f"/api/v1/suspensions/{suspension(i, 1)}/reject",
                                             {"reason": "race test"}, token=clerk),
        "suspensions.end": lambda i: call(server, "POST", f"/api/v1/suspensions/{suspension(i, 2, True)}/end",
                                          {"from": "2027-01-10", "reason": "race test"}, token=clerk),
        "complaints.open_complaint": lambda i: call(server, "POST", "/api/v1/complaints", {
            "household_id": c01.households[8], "category": "service", "text": "race test"}, token=clerk),
        "complaints.follow_up": lambda i: call(server, "POST", f"/api/v1/complaints/{complaint()}/follow-ups",
                                               {"text": "race test", "satisfaction": 4}, token=clerk),
        "complaints.close": lambda i: call(server, "POST", f"/api/v1/complaints/{complaint()}/close",
                                           {"resolution": "race test", "compensation_fen": 100 * i}, token=admin),
        "refunds.propose": lambda i: call(server, "POST", f"/api/v1/households/{c01.households[-1]}/refunds", {
            "season": "2026-2027", "kind": "no_heat", "days": 2, "reason": "race test"}, token=clerk),
        "refunds.approve": lambda i: call(server, "POST", f"/api/v1/refunds/{refund(i)}/approve",
                                          {"reason": "race test"}, token=clerk),
        "refunds.reject": lambda i: call(server, "POST", f"/api/v1/refunds/{refund(i)}/reject",
                                         {"reason": "race test"}, token=clerk),
        # an unpaid bill lowered by the refund leaves no credit to pay out: 409 or 200, never a 500
        "refunds.pay": lambda i: call(server, "POST", f"/api/v1/refunds/{refund(i, True)}/pay",
                                      {"method": "cash", "paid_on": today.isoformat()}, token=clerk),
        "documents.lawyer_letters": lambda i: call(server, "POST", "/api/v1/documents/lawyer-letters", {
            "season": "2025-2026", "household_ids": c01.households[:2]}, token=clerk),
        "documents.sign": lambda i: call(server, "POST", f"/api/v1/documents/{a_document('lawyer_letter')}/sign",
                                         token=clerk),
        "documents.delivery": lambda i: call(server, "POST", f"/api/v1/documents/{a_document('notice')}/delivery", {
            "method": "in_person", "date": today.isoformat(), "recipient": "业主", "refused": False}, token=clerk),
        "estate.create_project": lambda i: call(server, "POST", "/api/v1/admin/projects", {"name": f"赛跑园{i}"},
                                                token=admin),
        "estate.create_building": lambda i: call(server, "POST", "/api/v1/admin/projects/1/buildings",
                                                 {"name": f"R{i}"}, token=admin),
        "imports.households": lambda i: upload(server, admin, (
            "小区,楼号,单元,房号,户号,业主姓名,联系电话,建筑面积,面积来源,用途,供热状态\n"
            f"{building['project']},R{i},1,101,,赛跑{i},1390000{i:04d},88.5,房产证,住宅,正常\n").encode("gb18030")),
    }
    write_routes = {endpoint for endpoint, methods in _write_routes()}
    assert write_routes == set(calls), ("write endpoints not in the race", write_routes ^ set(calls))

    pusher = Pusher(server)
    pusher.start()
    answers = {}
    try:
        while pusher.batches < 1:
            time.sleep(0.05)
        for i in range(ROUNDS):
            for endpoint, make in calls.items():
                status, body = make(i)
                answers.setdefault(endpoint, []).append(status)
                assert status < 500, (endpoint, i, status, body)
    finally:
        pusher.stop.set()
        pusher.join(60)
    assert not pusher.errors, pusher.errors
    assert pusher.batches >= 2
    # the rate limit counted every failed sign-in made during the pushes
    status, body = call(server, "POST", "/api/v1/auth/login", {"username": "c04", "password": "wrong"})
    assert status == 401


def _write_routes():
    """(endpoint, methods) of every route that writes (POST, PUT, PATCH, DELETE) under /api/v1."""
    from server import create_app
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/none.db", "DATA_DIR": tmp,
                          "SECRET_KEY": "k"})
        return [(r.endpoint, r.methods & {"POST", "PUT", "PATCH", "DELETE"}) for r in app.url_map.iter_rules()
                if r.rule.startswith("/api/v1/") and r.methods & {"POST", "PUT", "PATCH", "DELETE"}]


def test_failed_sign_ins_during_pushes_are_all_counted_by_the_rate_limit(server):
    pusher = Pusher(server)
    pusher.start()
    try:
        statuses = [call(server, "POST", "/api/v1/auth/login", {"username": "c03", "password": "wrong"})[0]
                    for _ in range(6)]
    finally:
        pusher.stop.set()
        pusher.join(60)
    assert statuses == [401] * 5 + [429], statuses
    assert not pusher.errors
