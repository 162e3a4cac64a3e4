"""One push batch: load what it needs in a few queries, let the pure core decide each operation in
order, then write everything with compiled-once executemany statements (issue 3: design for batches).
Used by push.py, which owns the transaction, the retries and the fallback one operation at a time.
"""
import json
import logging
from collections import defaultdict
from datetime import datetime, timedelta

import sqlalchemy as sa

from sync import merge
from sync.duplicates import DEFAULT_WINDOW as DUPLICATE_WINDOW
from sync.jsontext import INVALID_TEXT, TOO_DEEP, ascii_text, fault
from sync.ops import Op, OpError, payload_hash, payload_text, valid_op_id, valid_seq

from ..changes import EncodedJSON, audit_rows, execute_rows, insert_rows, touch
from ..complaints.service import from_phone as complaints_from_phone
from ..config import JSON_TEXT
from ..documents.register import delivered_by_phone
from ..errors import message
from ..extensions import db
from ..ledgers.days import open_posting_date
from ..models import (Allocation, Assignment, Bill, CollectionAction, FieldRecord, Household, Operation, Party,
                      Payment, Quarantine, ReviewItem, Season)

log = logging.getLogger(__name__)
COMPLAINT_VISITS = ("complaint", "follow_up")
_OP, _PAY, _HH, _BILL, _SEASON, _ASSIGN = (
    m.__table__ for m in (Operation, Payment, Household, Bill, Season, Assignment))


class _Reads:
    """The batch's selects, built once per dialect with every list of ids bound as one parameter.

    `column IN (values)` with the values in one parameter: an array on PostgreSQL (`= ANY`), a JSON array
    read by json_each on SQLite. SQLAlchemy renders `IN (?, ?, …)` afresh for every batch of 500 values,
    and building a statement per call cost as much as running it: these are built once and stay cached."""

    def __init__(self, dialect: str):
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import ARRAY

            def among(column, name):
                return column == sa.any_(sa.bindparam(name, type_=ARRAY(column.type)))
            self.values = list
        else:
            def among(column, name):
                each = sa.func.json_each(sa.bindparam(name, type_=sa.String)).table_valued("value")
                return column.in_(sa.select(each.c.value))
            self.values = lambda values: json.dumps(list(values))
        o, p, h, b, s, a = _OP.c, _PAY.c, _HH.c, _BILL.c, _SEASON.c, _ASSIGN.c
        self.known = sa.select(o.op_id, o.payload_hash, o.result).where(among(o.op_id, "ids"))
        self.void_targets = sa.select(p.id, p.op_id, p.household_id, p.state).where(among(p.op_id, "ids"))
        self.households = sa.select(h.id, h.status, h.area_m2, h.dunning_stage, h.building_id, h.owner_id) \
            .where(among(h.id, "ids"))
        self.seasons = sa.select(s.id, s.open).order_by(s.starts_on)
        # Open bills only: a payment is allocated to nothing else (sync/merge.py), and most bills of past
        # seasons are paid. In the order of the unique index (household, season id): no sort (see Batch).
        self.bills = sa.select(b.id, b.household_id, b.season_id, b.due_fen, b.paid_fen) \
            .where(among(b.household_id, "ids"), b.paid_fen < b.due_fen).order_by(b.household_id, b.season_id)
        self.payments_seen = sa.select(p.household_id, p.op_id, p.amount_fen, p.collected_at, p.state,
                                       p.receipt_no).where(
            among(p.household_id, "ids"), p.kind == "payment", p.state != "voided", among(p.amount_fen, "amounts"),
            p.collected_at.between(sa.bindparam("since"), sa.bindparam("until")))
        self.assignments = sa.select(a.building_id, a.valid_from, a.valid_to) \
            .where(a.user_id == sa.bindparam("user_id"), among(a.building_id, "ids"))
        self.receipts = sa.select(p.receipt_no, p.op_id).where(among(p.receipt_no, "ids"))
        self.field_ids = sa.select(FieldRecord.__table__.c.op_id, FieldRecord.__table__.c.id) \
            .where(among(FieldRecord.__table__.c.op_id, "ids"))


_READS: dict[str, _Reads] = {}


def _reads(conn) -> _Reads:
    name = conn.dialect.name
    if name not in _READS:
        _READS[name] = _Reads(name)
    return _READS[name]


MAX_OPS, MAX_BYTES = 500, 1024 * 1024


def _error(code: str, details: dict) -> dict:
    return {"code": code, "message": message(code), "details": details}


# Rejected before anything else reads them: such an operation is kept only in quarantine, as escaped text.
UNSTORABLE = (INVALID_TEXT, TOO_DEEP)


def quarantine_row(raw, code: str, device_id: str, user_id: int, now: datetime) -> dict:
    """An operation kept for clerks as sent, with why it was refused. JSON text, so no column holds a NUL;
    one that cannot be written as UTF-8 or nests too deep for the encoder as ASCII escapes, without recursion."""
    op_id = raw.get("op_id") if isinstance(raw, dict) else None
    if op_id is not None and not (isinstance(op_id, str) and fault(op_id) is None):
        op_id = ascii_text(op_id)
    text = ascii_text(raw) if code in UNSTORABLE else json.dumps(raw, ensure_ascii=False, default=str)
    return {"op_id": str(op_id).replace("\x00", "")[:80] if op_id is not None else None, "device_id": device_id,
            "user_id": user_id, "raw": text, "error_code": code, "received_at": now}


def _rejected(raw, code: str, details: dict) -> dict:
    op_id = raw.get("op_id") if isinstance(raw, dict) else None
    seq = raw.get("seq") if isinstance(raw, dict) else None
    # The op_id comes back as sent when it can be answered at all (the phone matches results by their order).
    return {"op_id": op_id if isinstance(op_id, str) and fault(op_id) is None else None,
            "seq": seq if isinstance(seq, int) else None,
            "status": "rejected", "flags": [], "receipt_no": None, "allocations": [], "credit_fen": 0,
            "error": _error(code, details)}


class Batch:
    """Everything one push reads before deciding, and everything it will write."""

    def __init__(self, user_id: int, device_id: str, revoked: bool, ops: list, parsed: list, skew: timedelta,
                 session_id: int, now: datetime):
        """`revoked`: the device's state read in this transaction, under the writer lock."""
        self.raw_ops, self.parsed, self.now = ops, parsed, now
        self.user_id, self.device_id = user_id, device_id
        self.session_id = session_id
        # the ledger day of every payment applied by this batch: today, or the next open day once today is closed
        self.posted_on = open_posting_date(now)
        conn = db.session.connection()
        q = _reads(conn)
        ids = q.values
        valid = [p for p in parsed if isinstance(p, Op)]
        op_ids = {p.op_id for p in valid}  # parse_op checked these; only the rejected ones are checked again
        op_ids.update(r.get("op_id") for r, p in zip(ops, parsed)
                      if not isinstance(p, Op) and isinstance(r, dict) and valid_op_id(r.get("op_id")))
        # Plain rows of Core selects, not ORM objects: a batch of 500 reads thousands of rows (issue 3, Speed).
        self.known = {o.op_id: o for o in conn.execute(q.known, {"ids": ids(op_ids)}).all()} if op_ids else {}
        hh_ids = {p.household_id for p in valid}
        void_targets = {p.data["payment_op_id"] for p in valid if p.type == "payment_void"}
        self.void_targets = {p.op_id: p for p in conn.execute(q.void_targets, {"ids": ids(void_targets)}).all()} \
            if void_targets else {}
        household_rows = conn.execute(q.households, {"ids": ids(hh_ids)}).all() if hh_ids else []
        self.households = {r[0]: r for r in household_rows}
        season_rows = conn.execute(q.seasons).all()
        self.bill_ids = {}
        bills = defaultdict(list)
        BillState = merge.BillState
        if self.households:
            for bill_id, hid, season_id, due, paid in conn.execute(q.bills, {"ids": ids(self.households)}).all():
                bills[hid].append(BillState(season_id, due, paid))
                self.bill_ids[(hid, season_id)] = bill_id
            # HouseholdState wants the oldest season first. Season ids ("2025-2026") sort as their seasons
            # start, so the rows came that way; should a season ever be named otherwise, they are sorted here.
            rank = {row.id: i for i, row in enumerate(season_rows)}
            if sorted(rank) != list(rank):
                for listed in bills.values():
                    listed.sort(key=lambda b: rank.get(b.season, 0))
        receipts = {p.data["receipt_no"] for p in valid if p.type == "payment"}
        used = dict(conn.execute(q.receipts, {"ids": ids(receipts)}).all()) if receipts else {}
        self.ctx = merge.Context(now=now, skew=skew, device_revoked=revoked,
                                 seasons_open={s.id: s.open for s in season_rows}, used_receipts=used)
        seen = defaultdict(list)
        amounts = {p.data["amount_fen"] for p in valid if p.type == "payment"}
        if self.households and amounts:
            # Only a payment of the same amount, not voided, within the window can be a duplicate suspect
            # (sync/duplicates.py): the others are not loaded.
            since, until = merge.collection_span(min(valid, key=lambda p: p.at), max(valid, key=lambda p: p.at),
                                                 self.ctx)
            PaymentSeen = merge.PaymentSeen
            for hid, op_id, amount, collected_at, state, receipt_no in conn.execute(q.payments_seen, {
                    "ids": ids(self.households), "amounts": ids(amounts),
                    "since": since - DUPLICATE_WINDOW, "until": until + DUPLICATE_WINDOW}).all():
                seen[hid].append(PaymentSeen(op_id, amount, collected_at, state, receipt_no))
        spans = defaultdict(list)
        buildings = {r.building_id for r in household_rows}
        if buildings:
            for building_id, valid_from, valid_to in conn.execute(
                    q.assignments, {"user_id": self.user_id, "ids": ids(buildings)}).all():
                spans[building_id].append((valid_from, valid_to))
        HouseholdState = merge.HouseholdState
        self.states = {hid: HouseholdState(hid, status, area_m2, stage, bills[hid], seen[hid], spans[building_id])
                       for hid, status, area_m2, stage, building_id, _owner in household_rows}
        # what will be written
        self.operations, self.quarantine, self.payments, self.allocations = [], [], [], []
        self.bill_deltas, self.fields, self.reviews, self.touched = defaultdict(int), [], [], set()
        self.household_updates, self.payment_states, self.audits, self.demands = {}, {}, [], []
        self.batch_payments: dict[str, dict] = {}  # op_id -> payment row written by this batch
        self.void_requested_in_batch: list[str] = []  # op_ids of this batch's payments voided in it

    def run(self) -> list[dict]:
        results = []
        batch_seen: dict[str, tuple[str, dict]] = {}
        self.batch_seen = batch_seen
        self.texts = []  # per result: its JSON text when it was made for the operation row, else None
        for raw, parsed in zip(self.raw_ops, self.parsed):
            self._text = None
            results.append(self._one(raw, parsed, batch_seen))
            self.texts.append(self._text)
        return results

    def _one(self, raw, parsed, batch_seen) -> dict:
        if isinstance(parsed, OpError):
            result = _rejected(raw, parsed.code, parsed.details)
            if parsed.code in UNSTORABLE:  # nothing of it may be hashed, encoded or stored but as escaped text
                return self._quarantine(raw, result)
            op_id = raw.get("op_id") if isinstance(raw, dict) else None
            if valid_op_id(op_id) and op_id not in self.known and op_id not in batch_seen:
                return self._record_rejected(raw, result, op_id)
            if valid_op_id(op_id):
                return self._repeat(raw, parsed, batch_seen) or self._quarantine(raw, result)
            return self._quarantine(raw, result)
        repeat = self._repeat(raw, parsed, batch_seen)
        if repeat is not None:
            return repeat
        household = self.households.get(parsed.household_id)
        if household is None:
            return self._record_rejected(raw, _rejected(raw, "unknown_household", {"field": "household_id"}),
                                         parsed.op_id, parsed)
        state = self.states[household.id]
        if parsed.type == "payment":
            decision = merge.decide_payment(parsed, state, self.ctx)
        elif parsed.type == "payment_void":
            target = self.void_targets.get(parsed.data["payment_op_id"])
            # The payment may be earlier in this same batch (the phone sends its outbox oldest first).
            in_batch = self.batch_payments.get(parsed.data["payment_op_id"])
            target_household = target.household_id if target else in_batch["household_id"] if in_batch else None
            decision = merge.decide_void(parsed, state, self.ctx, target_household)
        else:
            decision = merge.decide_field(parsed, state, self.ctx)
        if decision.status == "rejected":
            code, details = decision.error
            return self._record_rejected(raw, _rejected(raw, code, details), parsed.op_id, parsed)
        result = merge.result_record(parsed.op_id, parsed.seq, decision,
                                     parsed.data.get("receipt_no") if parsed.type == "payment" else None)
        self._write_effects(parsed, decision)
        self.operations.append(self._operation_row(raw, parsed, result, decision.status, decision.collected_at))
        batch_seen[parsed.op_id] = (parsed.payload_hash, result)
        return result

    def _repeat(self, raw, parsed, batch_seen) -> dict | None:
        """The op_id was seen before: the first answer again, or `op_id_reused` if the content differs."""
        op_id = raw.get("op_id")
        if op_id in batch_seen:
            first_hash, first = batch_seen[op_id]
        elif op_id in self.known:
            first_hash, first = self.known[op_id].payload_hash, self.known[op_id].result
        else:
            return None
        if payload_hash(raw) != first_hash:
            return self._quarantine(raw, _rejected(raw, "op_id_reused", {"field": "op_id"}))
        if first["status"] == "rejected":
            return dict(first)
        return dict(first, status="duplicate")

    def _operation_row(self, raw, parsed, result, status, at_corrected=None):
        """The row of the operation being decided, with `result`, the answer it returns: encoded once, for
        the row and for the push's answer (self.texts)."""
        self._text = JSON_TEXT(result)
        if parsed:  # checked by parse_op
            seq, household_id = parsed.seq, parsed.household_id
        else:
            seq = raw.get("seq") if valid_seq(raw.get("seq")) else None
            household_id = raw.get("household_id") if isinstance(raw.get("household_id"), str) else None
        return {"op_id": raw["op_id"], "device_id": self.device_id, "user_id": self.user_id, "seq": seq,
                "type": str(raw.get("type"))[:20], "household_id": household_id,
                "payload": self._payload(raw, parsed),
                "payload_hash": parsed.payload_hash if parsed else _hash(raw), "status": status,
                "result": EncodedJSON(self._text), "at_corrected": at_corrected, "sync_session_id": self.session_id,
                "received_at": self.now}

    @staticmethod
    def _payload(raw, parsed):
        """The operation as sent, stored as JSON: text made from its canonical text when it can be."""
        text = payload_text(raw, parsed) if parsed else None
        return EncodedJSON(text) if text is not None else raw

    def _record_rejected(self, raw, result, op_id, parsed=None):
        hh = raw.get("household_id")
        if not isinstance(hh, str) or len(hh) > 36:
            parsed = None
            raw_for_row = dict(raw, household_id=None)
        else:
            raw_for_row = raw
        row = self._operation_row(raw_for_row, parsed, result, "rejected")
        row["payload_hash"] = _hash(raw)  # of what was sent, so that a resend is recognised as the same
        self.operations.append(row)
        # The same op_id again later in this batch gets this answer, not a second row.
        self.batch_seen[op_id] = (row["payload_hash"], result)
        self._quarantine(raw, result)
        return result

    def _quarantine(self, raw, result):
        self.quarantine.append(quarantine_row(raw, result["error"]["code"], self.device_id, self.user_id, self.now))
        return result

    def _write_effects(self, op: Op, d: merge.Decision):
        self.touched.add(op.household_id)
        base_review = {"household_id": op.household_id, "op_id": op.op_id, "collector_id": self.user_id,
                       "state": "open", "created_at": self.now}
        if op.type == "payment":
            self.payments.append({
                "kind": "payment", "op_id": op.op_id, "household_id": op.household_id,
                "amount_fen": op.data["amount_fen"], "method": op.data["method"], "receipt_no": op.data["receipt_no"],
                "paper_receipt_no": op.data.get("paper_receipt_no"), "payer": op.data.get("payer"),
                "note": op.data.get("note"), "named_season_id": op.data.get("season"), "season_id": d.season_id,
                "collected_at": d.collected_at, "at_raw": op.at_raw, "posted_at": self.now,
                "posted_on": self.posted_on, "collector_id": self.user_id,
                "device_id": self.device_id, "state": d.status if d.status == "held" else "recorded",
                "flags": d.flags})
            self.batch_payments[op.op_id] = self.payments[-1]
            named = op.data.get("season")
            for a in d.allocations:
                bill_id = self.bill_ids[(op.household_id, a.season)]
                self.allocations.append({"op_id": op.op_id, "bill_id": bill_id, "amount_fen": a.amount_fen,
                                         "rule": "designated" if a.season == named else "oldest_first",
                                         "created_at": self.now})
                self.bill_deltas[bill_id] += a.amount_fen
            for kind, details in d.review:
                self.reviews.append(dict(base_review, kind=kind, flags=d.flags, details=details,
                                         payment_op_id=op.op_id))
            return
        if op.type == "payment_void":
            target = self.void_targets.get(op.data["payment_op_id"])
            if target is None:  # a payment of this batch, not written yet
                row = self.batch_payments[op.data["payment_op_id"]]
                if row["state"] == "recorded" and d.status == "applied":
                    row["state"] = "void_requested"
                    self.void_requested_in_batch.append(row["op_id"])
            elif target.state == "recorded" and d.status == "applied":
                self.payment_states[target.id] = "void_requested"
            for kind, details in d.review:
                self.reviews.append(dict(base_review, kind=kind, flags=d.flags, details=details,
                                         payment_op_id=op.data["payment_op_id"]))
            return
        self.fields.append({"op_id": op.op_id, "household_id": op.household_id, "kind": op.type,
                            "season_id": op.data.get("season"), "collector_id": self.user_id,
                            "device_id": self.device_id, "at": d.collected_at, "data": op.data,
                            "state": "held" if d.status == "held" else "recorded", "created_at": self.now})
        for kind, details in d.review:
            self.reviews.append(dict(base_review, kind=kind, flags=d.flags, details=details, field_op_id=op.op_id))
        if d.household_changes:
            self.household_updates.setdefault(op.household_id, {}).update(d.household_changes)
        if d.demand:
            self.demands.append({"household_id": op.household_id, "kind": d.demand, "at": d.collected_at,
                                 "delivered": True, "proof_op_id": op.op_id, "created_at": self.now})

    def write(self):
        """Bulk inserts, ordered so that foreign keys resolve."""
        s = db.session
        payment_ids = {}
        if self.payments:
            # Ids drawn first and written with the rows: nothing to read back to link the allocations.
            for row, payment_id in zip(self.payments, _draw_payment_ids(s.connection(), len(self.payments))):
                row["id"] = payment_ids[row["op_id"]] = payment_id
            insert_rows(Payment, self.payments)
        if self.allocations:
            insert_rows(Allocation, [{"payment_id": payment_ids[a.pop("op_id")], **a}
                                              for a in self.allocations])
        if self.bill_deltas:
            _add_paid(s.connection(), self.bill_deltas)
        field_ids = {}
        if self.fields:
            insert_rows(FieldRecord, self.fields)
            q = _reads(s.connection())
            field_ids = dict(s.connection().execute(
                q.field_ids, {"ids": q.values([f["op_id"] for f in self.fields])}).all())
            # A complaint visit opens a complaint, a follow-up visit is its 回访 (OFFICE.md "A household's life").
            visits = [f for f in self.fields if f["kind"] == "visit" and f["data"].get("kind") in COMPLAINT_VISITS]
            if visits:
                complaints_from_phone(visits, field_ids, self.user_id, self.now)
        for op_id in self.void_requested_in_batch:
            self.audits.append({"action": "payment.void_requested", "entity": "payment",
                                "entity_id": str(payment_ids[op_id]), "before": {"state": "recorded"},
                                "after": {"state": "void_requested"}, "user_id": self.user_id, "at": self.now})
        execute_rows(_PAYMENT_STATE, [{"p_id": pid, "new_state": state} for pid, state in self.payment_states.items()])
        for pid, state in self.payment_states.items():
            self.audits.append({"action": "payment.void_requested", "entity": "payment", "entity_id": str(pid),
                                "before": {"state": "recorded"}, "after": {"state": state}, "user_id": self.user_id,
                                "at": self.now})
        if self.reviews:
            # A review names a payment of this batch, or (a void request) an earlier one read as a void target.
            known = {op_id: row.id for op_id, row in self.void_targets.items()}
            rows = []
            for r in self.reviews:
                r = dict(r)
                pay = r.pop("payment_op_id", None)
                fld = r.pop("field_op_id", None)
                r["payment_id"] = payment_ids.get(pay) or known.get(pay) if pay else None
                r["field_record_id"] = field_ids.get(fld) if fld else None
                rows.append(r)
            insert_rows(ReviewItem, rows)
        self._write_household_updates()
        if self.demands:
            delivered_by_phone(self.demands, self.user_id)  # the notice each delivery visit handed over
            insert_rows(CollectionAction, self.demands)
        # No audit row per new payment: a new payment is not a change of anything, and its who/what/when is
        # already kept twice in this transaction: the journal row (collector, device, posted_at, op_id) and the
        # operation row (the raw payload as sent, the result answered, device, user, received_at). Audit rows
        # are for changes: the void requests above, dunning and phone below, and every clerk decision.
        if self.operations:
            insert_rows(Operation, self.operations)
        if self.quarantine:
            insert_rows(Quarantine, self.quarantine)
        audit_rows(self.audits)
        touch(self.touched, now=self.now)

    def _write_household_updates(self):
        """Dunning stages and owners' phones the batch changed: one executemany each, an audit row per change."""
        stages, owners = [], {}
        for hid, changes in self.household_updates.items():
            h = self.households[hid]
            if "dunning_stage" in changes:
                stages.append({"h_id": hid, "stage": changes["dunning_stage"]})
                self.audits.append({"action": "household.dunning_stage", "entity": "household", "entity_id": hid,
                                    "before": {"dunning_stage": h.dunning_stage},
                                    "after": {"dunning_stage": changes["dunning_stage"]}, "user_id": self.user_id,
                                    "at": self.now})
            if "phone" in changes:
                owners[hid] = h.owner_id
        execute_rows(_DUNNING_STAGE, stages)
        if owners:
            # One owner may hold several flats (a developer): each change is audited from the phone before it.
            phones = dict(db.session.execute(sa.select(Party.id, Party.phone)
                                             .where(Party.id.in_(set(owners.values())))).all())
            for hid, party_id in owners.items():
                new = self.household_updates[hid]["phone"]
                self.audits.append({"action": "party.phone", "entity": "party", "entity_id": str(party_id),
                                    "before": {"phone": phones[party_id]}, "after": {"phone": new},
                                    "user_id": self.user_id, "at": self.now})
                phones[party_id] = new
            execute_rows(_PARTY_PHONE, [{"party_id": pid, "new_phone": phones[pid]} for pid in set(owners.values())])


_PAYMENT_STATE = sa.update(_PAY).where(_PAY.c.id == sa.bindparam("p_id"), _PAY.c.state == "recorded") \
    .values(state=sa.bindparam("new_state"))
_DUNNING_STAGE = sa.update(_HH).where(_HH.c.id == sa.bindparam("h_id")).values(dunning_stage=sa.bindparam("stage"))
_PARTY_PHONE = sa.update(Party.__table__).where(Party.__table__.c.id == sa.bindparam("party_id")) \
    .values(phone=sa.bindparam("new_phone"))


_BILL_PAID = sa.update(_BILL).where(_BILL.c.id == sa.bindparam("b_id")).values(
    paid_fen=_BILL.c.paid_fen + sa.bindparam("delta"))
# PostgreSQL: every bill's new paid amount in one statement instead of one UPDATE per bill.
_BILL_PAID_MANY = sa.text("UPDATE bill SET paid_fen = bill.paid_fen + d.delta "
                          "FROM unnest(CAST(:ids AS BIGINT[]), CAST(:deltas AS BIGINT[])) AS d(id, delta) "
                          "WHERE bill.id = d.id")


def _add_paid(conn, deltas: dict[int, int]):
    """Add each allocation total to its bill's paid_fen cache (DESIGN.md inv. 2), in this transaction."""
    if conn.dialect.name == "postgresql":
        conn.execute(_BILL_PAID_MANY, {"ids": list(deltas), "deltas": list(deltas.values())})
    else:
        execute_rows(_BILL_PAID, [{"b_id": k, "delta": v} for k, v in deltas.items()])


_PAYMENT_IDS = {
    # A block of n values of the payment id sequence: the next one moved on by n. Pushes and clerks' payments
    # all write under the writer lock (changes.begin_write), and the primary key would refuse an id taken twice.
    "postgresql": sa.text("WITH s AS (SELECT pg_get_serial_sequence('payment', 'id')::regclass AS seq) "
                          "SELECT setval(s.seq, nextval(s.seq) + :n - 1) FROM s"),
    # The ids after the largest: this transaction holds SQLite's write lock (BEGIN IMMEDIATE).
    "sqlite": sa.text("SELECT coalesce(max(id), 0) + :n FROM payment"),
}


def _draw_payment_ids(conn, n: int) -> list[int]:
    """n fresh payment ids for the rows this transaction is about to insert."""
    last = conn.execute(_PAYMENT_IDS[conn.dialect.name], {"n": n}).scalar()
    return list(range(last - n + 1, last + 1))


def _hash(raw) -> str:
    return payload_hash(raw if isinstance(raw, dict) else {})
