"""Push (PROTOCOL.md, Push): apply a batch of field operations exactly once.

The steps: `batch.Batch` loads in a few queries everything the batch needs (known op_ids, households,
bills, recent payments, assignments, receipt numbers), lets the pure core decide each operation in order,
then writes with bulk inserts, all in one transaction opened here. Exactly once rests on the unique
`operation.op_id`: a batch that meets a concurrent twin fails on it, rolls back and is decided again,
and the twin's ops come back `duplicate`. A batch that fails to write for another reason is applied one
operation at a time; an operation that still fails alone is kept in quarantine and answered rejected,
so it never blocks the ones after it.
"""
import gc
import heapq
import logging
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from sync import merge
from sync.jsontext import fault
from sync.ops import parse_op, parse_time, valid_seq, with_canonical_ids

from ..changes import begin_write, execute_rows, insert_rows
from ..config import JSON_TEXT
from ..errors import ApiError
from .. import metrics
from ..extensions import db
from ..models import Device, DeviceSeq, Quarantine, SyncSession, utcnow

from .batch import MAX_BYTES, MAX_OPS, Batch, _rejected, quarantine_row

log = logging.getLogger(__name__)
_SESSION, _DEVICE = SyncSession.__table__, Device.__table__
_SESSION_INSERT = sa.insert(_SESSION)
_INT32 = 2**31 - 1  # skew_seconds is a 32-bit column: a clock off by more than 68 years is recorded as that
_SESSION_DONE = sa.update(_SESSION).where(_SESSION.c.id == sa.bindparam("s_id"))
_DEVICE_UPDATE = sa.update(_DEVICE).where(_DEVICE.c.id == sa.bindparam("d_id"))
_SEQ = DeviceSeq.__table__
_SEQ_INSERT = {"postgresql": postgresql.insert(_SEQ).on_conflict_do_nothing(),
               "sqlite": sqlite.insert(_SEQ).on_conflict_do_nothing()}
# What push needs of the device, read under the writer lock: revoked now? where its seq run stands.
_DEVICE_STATE = sa.select(_DEVICE.c.revoked_at, _DEVICE.c.seq_contiguous, _DEVICE.c.seq_max) \
    .where(_DEVICE.c.id == sa.bindparam("d_id"))
_SEQ_LATER = sa.select(_SEQ.c.seq).where(_SEQ.c.device_id == sa.bindparam("d_id"), _SEQ.c.seq > sa.bindparam("after")) \
    .order_by(_SEQ.c.seq)


def _record_seqs(device_id: str, contiguous: int | None, seq_max: int | None, seqs: list[int]) -> dict:
    """Advance device_last_seq over the contiguous run of delivered seqs; keep only those beyond it.

    A seq at or below the run needs no row: the run says it was delivered. The ones beyond a gap are kept
    in device_seq so that the run jumps over them once the gap fills (gaps stay visible to clerks meanwhile).
    Returns the device's new seq_contiguous and seq_max (nothing when no seq was valid)."""
    seqs = sorted({s for s in seqs if valid_seq(s)})
    if not seqs:
        return {}
    conn = db.session.connection()
    contiguous = contiguous or 0
    # Walk this batch's seqs merged with the ones kept from earlier batches, lazily: it stops at the first gap.
    kept = conn.execute(_SEQ_LATER, {"d_id": device_id, "after": contiguous}).scalars()
    for s in heapq.merge(seqs, kept):
        if s > contiguous + 1:
            break
        contiguous = max(contiguous, s)
    kept.close()
    beyond = [s for s in seqs if s > contiguous]
    if beyond:
        execute_rows(_SEQ_INSERT[conn.dialect.name], [{"device_id": device_id, "seq": s} for s in beyond])
    return {"seq_contiguous": contiguous, "seq_max": max(seq_max or 0, seqs[-1])}


@contextmanager
def cyclic_gc_paused():
    """Python's cyclic garbage collector off while a batch is read, decided and written.

    A 500-operation push allocates some hundred thousand short-lived objects (decoded JSON, rows, states)
    that reference counting frees; the collector would walk the live ones again every 700 allocations,
    about 2 ms of a push (measured with gc.callbacks). What the request leaves in cycles is collected once
    the collector is back on."""
    if not gc.isenabled():  # nested (an import pushes), or turned off by someone else: leave it so
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def push(user, device, body: dict, client_time: str | None, raw_size: int, clean: bool = False) -> "Answer":
    """`clean`: no string of the request's JSON text can hold a NUL or a lone surrogate
    (sync.jsontext.text_clean), so operations are walked for depth only."""
    started = time.monotonic()
    if raw_size > MAX_BYTES:
        raise ApiError("batch_too_large", {"max_ops": MAX_OPS, "max_bytes": MAX_BYTES})
    ops = body.get("ops")
    if not isinstance(ops, list):
        raise ApiError("bad_request", {"field": "ops"})
    if len(ops) > MAX_OPS:
        raise ApiError("batch_too_large", {"max_ops": MAX_OPS, "max_bytes": MAX_BYTES})
    if not isinstance(body.get("device_id"), str) or not body["device_id"]:
        raise ApiError("bad_request", {"field": "device_id"})  # missing is malformed, not someone else's
    if body["device_id"] != device.id:
        raise ApiError("device_mismatch")
    ops = [with_canonical_ids(raw) for raw in ops]  # one UUID in upper and lower case is one operation
    parsed = [parse_op(raw, clean) for raw in ops]
    client_dt = parse_time(client_time, any_year=True) if client_time else None
    # Plain ids: the ORM objects of the sign-in expire when begin_write ends the sign-in's transaction.
    user_id, device_id = user.id, device.id
    outcome = _apply(user_id, device_id, body, ops, parsed, client_dt, raw_size, started)
    if outcome is not None:
        return outcome
    # The batch failed on something other than a concurrent twin or a busy database: apply each operation
    # on its own, so that one bad operation never blocks the others (STYLE.md habit 6).
    answer = Answer(None, [], [])
    for raw, one in zip(ops, parsed):
        single = _apply(user_id, device_id, body, [raw], [one], client_dt, raw_size, started)
        if single is None:
            single = Answer(None, [_quarantine_alone(user_id, device_id, raw)], [None])
        answer.server_time = single.server_time or answer.server_time
        answer.device_revoked = answer.device_revoked or single.device_revoked
        answer.results += single.results
        answer.texts += single.texts
    answer.server_time = answer.server_time or utcnow().isoformat(timespec="seconds") + "Z"
    return answer


@dataclass(slots=True)
class Answer:
    """What push answers (PROTOCOL.md: server_time, results). `texts[i]` is the JSON text of results[i]
    when it was made for the operation's stored row (batch.Batch), so the answer reuses it."""
    server_time: str | None
    results: list[dict]
    texts: list[str | None]
    # The device was revoked: its operations are held, and the phone is told why (its token says so).
    device_revoked: bool = False

    def as_dict(self) -> dict:
        answer = {"server_time": self.server_time, "results": self.results}
        if self.device_revoked:
            answer["device_revoked"] = True
        return answer

    def json(self) -> str:
        """The answer as JSON text, the same as Flask's compact encoding of as_dict()."""
        results = ",".join(JSON_TEXT(r) if t is None else t for r, t in zip(self.results, self.texts))
        revoked = ',"device_revoked":true' if self.device_revoked else ""
        return f'{{"server_time":{JSON_TEXT(self.server_time)},"results":[{results}]{revoked}}}\n'


def _app_version(value) -> str | None:
    """What the phone says it runs, if it said it as text that can be stored; anything else is not recorded."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value or fault(value) is not None:
        return None
    return value[:40]


def _quarantine_alone(user_id, device_id, raw) -> dict:
    """Keep an operation whose write fails even alone, as sent, for clerks; the phone sees it rejected."""
    db.session.rollback()
    result = _rejected(raw, "internal_error", {"reason": "the operation could not be stored; a clerk will see it"})
    insert_rows(Quarantine, [quarantine_row(raw, "internal_error", device_id, user_id, utcnow())])
    db.session.commit()
    log.error("push: operation %s quarantined after its write failed alone",
              raw.get("op_id") if isinstance(raw, dict) else None)
    return result


def _apply(user_id, device_id, body, ops, parsed, client_dt, raw_size, started) -> "Answer | None":
    """One transaction for the batch; None when it failed for a reason a retry of the same batch won't fix."""
    for attempt in range(6):
        now = utcnow()
        skew = merge.skew_of(client_dt, now)
        try:
            conn = begin_write()
            # Core statements for the session row and the device, not ORM objects: a push is plain rows.
            app_version = _app_version(body.get("app_version"))
            outbox = body.get("outbox_depth")
            session_id = conn.execute(_SESSION_INSERT, dict(
                kind="push", device_id=device_id, user_id=user_id, app_version=app_version,
                outbox_depth=outbox if isinstance(outbox, int) and not isinstance(outbox, bool)
                and 0 <= outbox < 2**31 else None, counts={}, bytes_in=raw_size, ms=0,
                skew_seconds=max(-_INT32, min(int(skew.total_seconds()), _INT32)),
                started_at=now)).inserted_primary_key[0]
            dev = conn.execute(_DEVICE_STATE, {"d_id": device_id}).one()
            batch = Batch(user_id, device_id, dev.revoked_at is not None, ops, parsed, skew, session_id, now)
            results = batch.run()
            batch.write()
            changes = _record_seqs(device_id, dev.seq_contiguous, dev.seq_max,
                                   [r.get("seq") for r in ops if isinstance(r, dict)])
            changes["last_seen_at"] = now
            if app_version:
                changes["app_version"] = app_version
            conn.execute(_DEVICE_UPDATE, dict(changes, d_id=device_id))
            counts = defaultdict(int)
            for r in results:
                counts[r["status"]] += 1
            conn.execute(_SESSION_DONE, {"s_id": session_id, "counts": dict(counts),
                                         "ms": int((time.monotonic() - started) * 1000)})
            db.session.commit()
            metrics.count_push(counts)
            return Answer(now.isoformat(timespec="seconds") + "Z", results, batch.texts, dev.revoked_at is not None)
        except IntegrityError:
            # A concurrent request applied some of these op_ids first: decide again; they are duplicates now.
            db.session.rollback()
            log.info("push: integrity conflict, retrying (attempt %s)", attempt + 1)
            if attempt >= 2:
                return None
        except OperationalError:
            db.session.rollback()
            log.warning("push: database busy, retrying (attempt %s)", attempt + 1)
            time.sleep(0.05 * (attempt + 1))
        except DBAPIError:
            db.session.rollback()
            log.exception("push: a batch of %s operations failed to write", len(ops))
            return None
    raise ApiError("service_unavailable")
