"""PROTOCOL.md as a state machine (hypothesis), run against the real Flask app and database.

Three phones (c01, c02, and a second phone of c01 that an admin may revoke) record payments, voids and
checks offline and push them in batches that are cut, shuffled, duplicated and sent again; some answers
are lost (the server commits, the phone never hears), some clocks are off by hours, a building moves
between collectors, a clerk decides review items. After every step DESIGN.md's invariants hold, every
well-formed payment the server has received is in the journal exactly once, and every answer to a
resent operation is its first answer again.

Each example starts from a fresh copy of a database in which the phones are already signed in (copying
the SQLite file is a few milliseconds; on PostgreSQL the copy is CREATE DATABASE … TEMPLATE).
"""
import os
import random
import shutil
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from tests.invariants import check_invariants

BEIJING = timezone(timedelta(hours=8))
METHODS = ["cash", "wechat", "alipay", "bank_card", "transfer"]
OPEN, CLOSED = "2026-2027", "2025-2026"
DEVICES = ["a", "b", "r"]  # c01's phone, c02's phone, c01's spare phone (may be revoked)
USERS = {"a": "c01", "b": "c02", "r": "c01"}


def pick(data, seq):
    """One element of a list whose length depends on earlier steps. Drawing an index from a fixed range
    keeps hypothesis' choice sequence the same shape on every replay (sampled_from over a list whose
    length varies makes hypothesis report FlakyStrategyDefinition)."""
    return seq[data.draw(st.integers(0, 1023)) % len(seq)]


class World:
    """One app and a database prepared once per test: demo data plus signed-in phones, clerk and admin."""

    def __init__(self, template: dict, tmp_path):
        from tests.conftest import _make_app, _pg_url, _with_db
        self.template, self.kind = template, template["kind"]
        if self.kind == "sqlite":
            self.live = str(tmp_path / "machine.db")
            self.prepared = str(tmp_path / "prepared.db")
            shutil.copyfile(template["path"], self.live)
            url = f"sqlite:///{self.live}"
        else:
            suffix = uuid.uuid4().hex[:8]
            self.live, self.prepared = f"hl_m_{suffix}", f"hl_mp_{suffix}"
            self._pg(f'CREATE DATABASE "{self.live}" TEMPLATE "{template["name"]}"')
            url = _with_db(_pg_url(), self.live)
        self.app = _make_app(url, str(tmp_path))
        self.ctx = self.app.app_context()
        self.ctx.push()
        client = self.app.test_client()
        self.phones = {}
        for name in DEVICES + ["clerk", "admin"]:
            username = USERS.get(name, name)
            r = client.post("/api/v1/auth/login", json={"username": username, "password": f"demo-{username}",
                                                        "device_name": f"machine-{name}"})
            assert r.status_code == 200, r.get_json()
            self.phones[name] = r.get_json()
        self._choose_households()
        self._snapshot()

    def _pg(self, sql):
        with self.template["admin"].connect() as c:
            c.exec_driver_sql(sql)

    def _choose_households(self):
        from server.extensions import db
        from server.models import Assignment, Bill, Building, Household, Project, User

        def scope(username):
            return db.session.execute(
                sa.select(Household.id, Household.status, Project.name, Building.name)
                .join(Building, Building.id == Household.building_id).join(Project, Project.id == Building.project_id)
                .join(Assignment, Assignment.building_id == Household.building_id)
                .join(User, User.id == Assignment.user_id)
                .where(User.username == username, Assignment.valid_to.is_(None)).order_by(Household.id)).all()
        mine, theirs = scope("c01"), scope("c02")
        owing_two = set(db.session.scalars(sa.select(Bill.household_id).where(Bill.paid_fen < Bill.due_fen)
                                           .group_by(Bill.household_id).having(sa.func.count() >= 2)))
        picked = [h.id for h in mine if h.status == "suspended"][:1] + [h.id for h in mine if h.id in owing_two][:1]
        picked += [h.id for h in mine if h.id not in picked][:6 - len(picked)]
        self.households = picked + [h.id for h in theirs[:2]]
        self.own_building = {"project": mine[0][2], "building": mine[0][3]}
        self.their_building = {"project": theirs[0][2], "building": theirs[0][3]}
        self.their_households = {h.id for h in theirs}
        self.mine_households = {h.id for h in mine}
        db.session.remove()

    def _snapshot(self):
        from server.extensions import db
        db.session.remove()
        db.engine.dispose()
        if self.kind == "sqlite":
            shutil.copyfile(self.live, self.prepared)
        else:
            self._pg(f'CREATE DATABASE "{self.prepared}" TEMPLATE "{self.live}"')

    def restore(self):
        """Back to the prepared database: a fresh one for each example."""
        from server.extensions import db
        db.session.remove()
        db.engine.dispose()
        if self.kind == "sqlite":
            for extra in ("-wal", "-shm"):
                if os.path.exists(self.live + extra):
                    os.remove(self.live + extra)
            shutil.copyfile(self.prepared, self.live)
        else:
            self._pg(f'DROP DATABASE IF EXISTS "{self.live}" WITH (FORCE)')
            self._pg(f'CREATE DATABASE "{self.live}" TEMPLATE "{self.prepared}"')

    def close(self):
        from server.extensions import db
        db.session.remove()
        db.engine.dispose()
        self.ctx.pop()
        if self.kind == "postgresql":
            for name in (self.live, self.prepared):
                self._pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class PhoneModel:
    """What one phone knows: its counters, its outbox and the batches it has sent."""

    def __init__(self, name, login):
        self.name, self.token, self.device_id = name, login["token"], login["device_id"]
        self.code = login["device_code"]
        self.seq = self.receipt = 0
        self.outbox: list[dict] = []
        self.sent_batches: list[list[dict]] = []
        self.delivered_seqs: set[int] = set()
        self.payments: list[dict] = []  # payment ops this phone made (for voids)
        self.cursor = None

    @property
    def headers(self):
        return {"Authorization": f"Bearer {self.token}", "Accept-Language": "en"}

    def op(self, type_, household_id, data, at=None):
        self.seq += 1
        return {"op_id": str(uuid.uuid4()), "seq": self.seq, "type": type_, "household_id": household_id,
                "at": at or datetime.now(BEIJING).isoformat(timespec="microseconds"), "data": data}


class ProtocolMachine(RuleBasedStateMachine):
    world: World = None  # set by the test that runs the machine

    def __init__(self):
        super().__init__()
        self.world.restore()
        self.client = self.world.app.test_client()
        self.phones = {n: PhoneModel(n, self.world.phones[n]) for n in DEVICES}
        self.clerk = {"Authorization": f"Bearer {self.world.phones['clerk']['token']}"}
        self.admin = {"Authorization": f"Bearer {self.world.phones['admin']['token']}"}
        self.revoked: set[str] = set()
        self.first: dict[str, dict] = {}  # op_id -> the first answer the server gave (heard or not)
        self.content: dict[str, dict] = {}  # op_id -> the op as first received
        self.well_formed_payments: set[str] = set()  # op_ids of received, well-formed payments
        self.c01_has_their_building = False
        self.scope_moves = 0  # scope is judged at the collection time, so ops remember when they were made
        self.made_in: dict[str, int] = {}

    # --- what phones record offline

    @rule(dev=st.sampled_from(DEVICES), hh=st.integers(0, 7),
          amount=st.sampled_from([1, 2_500, 4_321, 50_000, 300_000, 5_000_000]),
          season=st.sampled_from([None, None, OPEN, CLOSED]), method=st.sampled_from(METHODS),
          reuse_receipt=st.sampled_from([False] * 5 + [True]))
    def record_payment(self, dev, hh, amount, season, method, reuse_receipt):
        phone = self.phones[dev]
        if not reuse_receipt or phone.receipt == 0:
            phone.receipt += 1
        data = {"amount_fen": amount, "method": method, "receipt_no": f"{phone.code}-{phone.receipt:06d}"}
        if season:
            data["season"] = season
        op = phone.op("payment", self.world.households[hh], data)
        self.made_in[op["op_id"]] = self.scope_moves
        phone.outbox.append(op)
        phone.payments.append(op)

    @rule(dev=st.sampled_from(DEVICES), kind=st.sampled_from(["zero", "too_much", "unknown_type", "no_receipt",
                                                             "unknown_household", "bad_method"]),
          hh=st.integers(0, 7))
    def record_malformed(self, dev, kind, hh):
        phone = self.phones[dev]
        hid = str(uuid.uuid4()) if kind == "unknown_household" else self.world.households[hh]
        data = {"amount_fen": {"zero": 0, "too_much": 100_000_001}.get(kind, 1000), "method": "cash",
                "receipt_no": f"{phone.code}-X{phone.seq:05d}"}
        if kind == "no_receipt":
            del data["receipt_no"]
        if kind == "bad_method":
            data["method"] = "barter"
        phone.outbox.append(phone.op("teleport" if kind == "unknown_type" else "payment", hid, data))

    @precondition(lambda self: any(p.payments for p in self.phones.values()))
    @rule(data=st.data())
    def request_void(self, data):
        dev = pick(data, [d for d in DEVICES if self.phones[d].payments])
        phone = self.phones[dev]
        target = pick(data, phone.payments)
        phone.outbox.append(phone.op("payment_void", target["household_id"],
                                     {"payment_op_id": target["op_id"], "reason": "收错了"}))

    @rule(dev=st.sampled_from(DEVICES), hh=st.integers(0, 7), finding=st.sampled_from(["vacant", "occupied"]),
          area_delta=st.sampled_from([None, "0.30", "3.00"]))
    def record_check(self, dev, hh, finding, area_delta):
        phone = self.phones[dev]
        hid = self.world.households[hh]
        if area_delta is None:
            op = phone.op("vacancy_check", hid, {"season": OPEN, "finding": finding, "valve_sealed": True,
                                                 "seal_intact": finding == "vacant"})
        else:
            from server.extensions import db
            from server.models import Household
            area = db.session.scalar(sa.select(Household.area_m2).where(Household.id == hid))
            db.session.rollback()
            op = phone.op("area_check", hid, {"measured_area_m2": str(area + __import__("decimal").Decimal(area_delta))})
        phone.outbox.append(op)

    # --- sync

    def _send(self, phone: PhoneModel, batch: list[dict], skew_s: int):
        client_time = (datetime.now(BEIJING) + timedelta(seconds=skew_s)).isoformat(timespec="seconds")
        r = self.client.post("/api/v1/sync/push", json={"device_id": phone.device_id, "ops": batch},
                             headers={**phone.headers, "X-Client-Time": client_time})
        assert r.status_code == 200, r.get_json()
        results = r.get_json()["results"]
        assert [x["op_id"] for x in results] == [o["op_id"] for o in batch], "results in the order of ops"
        self._check_answers(phone, batch, results, skew_s)
        phone.sent_batches.append(batch)
        phone.delivered_seqs.update(o["seq"] for o in batch)
        return results

    def _check_answers(self, phone, batch, results, skew_s):
        revoked = phone.name in self.revoked
        for op, res in zip(batch, results):
            oid = op["op_id"]
            if oid in self.first:
                first = self.first[oid]
                if op != self.content[oid]:
                    assert res["status"] == "rejected" and res["error"]["code"] == "op_id_reused", res
                elif first["status"] == "rejected":
                    assert res == first, (res, first)
                else:
                    assert res == dict(first, status="duplicate"), (res, first)
                continue
            well_formed = op["type"] == "payment" and op["household_id"] in self.world.households \
                and 1 <= op["data"].get("amount_fen", 0) <= 100_000_000 and op["data"].get("method") in METHODS \
                and "receipt_no" in op["data"]
            if op["type"] == "payment":
                if well_formed:
                    # Money is never refused (PROTOCOL.md principle 3).
                    assert res["status"] == ("held" if revoked else "applied"), res
                    self.well_formed_payments.add(oid)
                    assert ("device_revoked" in res["flags"]) == revoked
                    assert ("clock_skew" in res["flags"]) == (abs(skew_s) > 600), (res, skew_s)
                    if revoked:
                        assert res["allocations"] == []
                    assert sum(a["amount_fen"] for a in res["allocations"]) + res["credit_fen"] == \
                        (0 if revoked else op["data"]["amount_fen"])
                    scope = self.world.mine_households | (self.world.their_households
                                                          if self.c01_has_their_building else set())
                    if USERS[phone.name] == "c01" and abs(skew_s) <= 600 \
                            and self.made_in.get(oid) == self.scope_moves:
                        assert ("out_of_scope" in res["flags"]) == (op["household_id"] not in scope), res
                else:
                    assert res["status"] == "rejected" and res["error"]["code"] in (
                        "amount_out_of_range", "missing_field", "invalid_field", "unknown_household"), res
            elif op["type"] == "teleport":
                assert res["status"] == "rejected" and res["error"]["code"] == "unknown_type"
            elif op["type"] == "payment_void":
                target = op["data"]["payment_op_id"]
                if target in self.first and self.first[target]["status"] in ("applied", "held"):
                    assert res["status"] == ("held" if revoked else "applied"), res
                else:
                    assert res["status"] == "rejected" and res["error"]["code"] == "unknown_payment", res
            else:
                assert res["status"] == ("held" if revoked else "applied"), res
            self.first[oid], self.content[oid] = res, op

    @precondition(lambda self: any(p.outbox for p in self.phones.values()))
    @rule(data=st.data(), lost=st.booleans(), skew_s=st.sampled_from([0, 0, 0, 300, 3600, -7200]))
    def push(self, data, lost, skew_s):
        dev = pick(data, [d for d in DEVICES if self.phones[d].outbox])
        phone = self.phones[dev]
        batch = list(phone.outbox)
        random.Random(data.draw(st.integers(0, 2**16))).shuffle(batch)
        batch = batch[:1 + data.draw(st.integers(0, 499)) % len(batch)]
        if data.draw(st.booleans()):
            batch = batch + [pick(data, batch)]  # the same op twice in one batch
        results = self._send(phone, batch, skew_s)
        if not lost:  # every status in a push answer is final (PROTOCOL.md, The phone's side)
            done = {r["op_id"] for r in results}
            phone.outbox = [o for o in phone.outbox if o["op_id"] not in done]

    @precondition(lambda self: any(p.sent_batches for p in self.phones.values()))
    @rule(data=st.data())
    def resend_an_old_batch(self, data):
        dev = pick(data, [d for d in DEVICES if self.phones[d].sent_batches])
        phone = self.phones[dev]
        batch = pick(data, phone.sent_batches)
        results = self._send(phone, list(reversed(batch)), 0)
        assert {r["status"] for r in results} <= {"duplicate", "rejected"}

    @precondition(lambda self: any(o for o in self.first if self.content[o]["type"] == "payment"))
    @rule(data=st.data())
    def reuse_an_op_id_for_other_content(self, data):
        oid = pick(data, [o for o in self.first if self.content[o]["type"] == "payment"])  # in the order sent
        op = self.content[oid]
        changed = dict(op, data=dict(op["data"], amount_fen=op["data"].get("amount_fen", 0) + 1))
        phone = next(p for p in self.phones.values() if any(o["op_id"] == oid for b in p.sent_batches for o in b))
        before = self._money()
        results = self._send(phone, [changed], 0)
        assert results[0]["status"] == "rejected" and results[0]["error"]["code"] == "op_id_reused"
        assert self._money() == before

    @rule(dev=st.sampled_from(DEVICES))
    def pull(self, dev):
        phone = self.phones[dev]
        body = None
        while True:
            r = self.client.get("/api/v1/sync/pull", query_string={"cursor": phone.cursor} if phone.cursor else {},
                                headers=phone.headers)
            if dev in self.revoked:
                assert r.status_code == 401 and r.get_json()["error"]["code"] == "device_revoked"
                return
            assert r.status_code == 200, r.get_json()
            body = r.get_json()
            phone.cursor = body["cursor"]
            if USERS[dev] == "c01":
                allowed = self.world.mine_households | (self.world.their_households
                                                        if self.c01_has_their_building else set())
                assert {h["id"] for h in body["households"]} <= allowed
            if not body["has_more"]:
                break
        expected = 0
        while expected + 1 in phone.delivered_seqs:
            expected += 1
        assert body["device_last_seq"] == expected
        phone.outbox = [o for o in phone.outbox if o["seq"] > expected]

    # --- the office

    @precondition(lambda self: "r" not in self.revoked)
    @rule()
    def admin_revokes_the_spare_phone(self):
        r = self.client.post(f"/api/v1/admin/devices/{self.phones['r'].device_id}/revoke", headers=self.admin)
        assert r.status_code == 200
        self.revoked.add("r")

    @rule()
    def admin_moves_a_building(self):
        buildings = [self.world.own_building] + ([] if self.c01_has_their_building else [self.world.their_building])
        r = self.client.put("/api/v1/admin/assignments/c01", json={"buildings": buildings}, headers=self.admin)
        assert r.status_code == 200, r.get_json()
        self.c01_has_their_building = not self.c01_has_their_building
        self.scope_moves += 1

    @rule(data=st.data())
    def clerk_decides(self, data):
        r = self.client.get("/api/v1/review", query_string={"state": "open", "per_page": 500}, headers=self.clerk)
        items = r.get_json()["items"]
        if not items:
            return
        item = pick(data, items)
        # an entry holds all the items of one operation: what it offers is what one decision can do for all
        decision = pick(data, item["decisions"])
        r = self.client.post(f"/api/v1/review/{item['id']}/resolve", json={"decision": decision, "reason": "核实"},
                             headers=self.clerk)
        assert r.status_code == 200, r.get_json()
        r = self.client.post(f"/api/v1/review/{item['id']}/resolve", json={"decision": decision, "reason": "again"},
                             headers=self.clerk)
        assert r.status_code == 409

    # --- invariants

    def _money(self):
        from server.extensions import db
        from server.models import Allocation, Bill, Payment
        try:
            return (sorted(db.session.execute(sa.select(Bill.id, Bill.due_fen, Bill.paid_fen)).all()),
                    db.session.scalar(sa.select(sa.func.count()).select_from(Payment)),
                    db.session.scalar(sa.select(sa.func.count()).select_from(Allocation)))
        finally:
            db.session.rollback()

    @invariant()
    def the_journal_holds(self):
        from server.extensions import db
        from server.models import Operation, Payment
        try:
            check_invariants()
            # each op_id at most once; every well-formed payment received is in the journal exactly once
            ops = Counter(db.session.scalars(sa.select(Operation.op_id)))
            assert not [k for k, n in ops.items() if n > 1]
            assert set(self.first) <= set(ops), "an answered operation is missing from the operations"
            devices = [p.device_id for p in self.phones.values()]
            journal = Counter(db.session.scalars(sa.select(Payment.op_id).where(
                Payment.kind == "payment", Payment.device_id.in_(devices))))
            assert set(journal) == self.well_formed_payments, (set(journal) ^ self.well_formed_payments)
            assert set(journal.values()) <= {1}
        finally:
            db.session.rollback()


MACHINE_SETTINGS = dict(deadline=None, stateful_step_count=12, derandomize=False,
                        suppress_health_check=list(HealthCheck))


def run_machine(template, tmp_path, max_examples):
    world = World(template, tmp_path)
    try:
        machine = type("Machine", (ProtocolMachine,), {"world": world})
        run_state_machine_as_test(machine, settings=settings(max_examples=max_examples, **MACHINE_SETTINGS))
    finally:
        world.close()


def test_the_protocol_holds_under_lost_answers_resends_reordering_skew_revocation_and_scope_moves(
        template, tmp_path):
    run_machine(template, tmp_path, int(os.environ.get("HEATLEDGER_MACHINE_EXAMPLES", "200")))
