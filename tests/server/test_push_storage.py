"""What push stores besides the money: the operation as sent, and payment rows matched to their ids.

Both are built by shortcuts for speed (issue 3): the stored payload is made from the canonical text the
hash was made of, and payment ids are drawn before the rows are inserted. These tests hold the shortcuts
to the plain answers."""
import json
from datetime import date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from server.changes import insert_rows
from server.extensions import db
from server.models import (Allocation, AuditLog, Bill, ChangeLog, Household, Operation, Party, Payment, Season,
                           SyncSession)
from tests.conftest import shanghai_now
from tests.invariants import check_invariants


def _stored(op_id):
    return db.session.scalar(sa.select(Operation.payload).where(Operation.op_id == op_id))


def test_the_stored_operation_is_the_json_object_the_phone_sent(phone):
    phone.pull_all()
    hid = next(iter(phone.households))
    plain = phone.payment(hid, 100)
    chinese = phone.payment(hid, 200, payer="欧阳明月", note="现金，\"找零\" 0.5 元 \\ 𠮷")
    newer = dict(phone.payment(hid, 300), client_note="a field of a later app version")  # beyond the envelope
    visit = phone.op("visit", hid, {"kind": "survey", "text": "满意", "satisfaction": 5})
    status, body = phone.push([plain, chinese, newer, visit])
    assert status == 200 and {r["status"] for r in body["results"]} == {"applied"}
    for sent in (plain, chinese, newer, visit):
        stored = _stored(sent["op_id"])
        assert (json.loads(stored) if isinstance(stored, str) else stored) == sent
    # A resend is recognised as the same operation (its hash is unchanged), and a changed one is not.
    status, body = phone.push([chinese, dict(plain, data=dict(plain["data"], amount_fen=101))])
    assert [r["status"] for r in body["results"]] == ["duplicate", "rejected"]
    assert body["results"][1]["error"]["code"] == "op_id_reused"
    check_invariants()


def test_each_allocation_belongs_to_its_own_payment(phone):
    phone.pull_all()
    ids = sorted(h for h, r in phone.households.items() if r["bills"][-1]["balance_fen"] > 2000)
    assert len(ids) >= 10
    ops = [phone.payment(hid, 1000 + i) for i, hid in enumerate(ids)]
    status, body = phone.push(ops)
    assert status == 200
    rows = db.session.execute(sa.select(Payment.op_id, Payment.household_id, Payment.amount_fen, Bill.household_id,
                                        Allocation.amount_fen)
                              .join(Allocation, Allocation.payment_id == Payment.id)
                              .join(Bill, Bill.id == Allocation.bill_id)
                              .where(Payment.op_id.in_([o["op_id"] for o in ops]))).all()
    assert len(rows) == len(ops)
    sent = {o["op_id"]: (o["household_id"], o["data"]["amount_fen"]) for o in ops}
    for op_id, household, amount, bill_household, allocated in rows:
        assert sent[op_id] == (household, amount) and bill_household == household and allocated == amount
    check_invariants()


def test_ids_drawn_by_pushes_and_ids_given_to_clerks_reversals_never_meet(phone, desk):
    """Push draws payment ids before inserting (the sequence on PostgreSQL, after the largest on SQLite);
    a clerk's reversal takes its id from the database. Interleaved, every id is still unique."""
    phone.pull_all()
    hid = next(h for h, r in phone.households.items() if r["bills"][-1]["balance_fen"] > 10000)
    first = phone.payment(hid, 1000)
    assert phone.push([first])[1]["results"][0]["status"] == "applied"
    void = phone.op("payment_void", hid, {"payment_op_id": first["op_id"], "reason": "收错户"})
    phone.push([void])
    [item] = [i for i in desk.review("void_request") if i["op_id"] == void["op_id"]]
    assert desk.resolve(item["id"], "void", "wrong household").status_code == 200
    later = [phone.payment(hid, 1001), phone.payment(hid, 1002)]
    assert [r["status"] for r in phone.push(later)[1]["results"]] == ["applied", "applied"]
    rows = db.session.execute(sa.select(Payment.id, Payment.kind).where(Payment.household_id == hid)).all()
    ids = [r.id for r in rows]
    assert len(ids) == len(set(ids)) and {"reversal", "payment"} <= {r.kind for r in rows}
    check_invariants()


def test_oldest_first_follows_the_season_dates_even_when_their_names_sort_otherwise(phone):
    """Bills are read in the order of season ids, which sort as the seasons start; a season named out of
    that order (here "2099-2100" for the winter of 2023) is still the oldest."""
    phone.pull_all()
    hid = next(h for h, r in phone.households.items() if r["bills"][-1]["balance_fen"] > 10000)
    db.session.add(Season(id="2099-2100", starts_on=date(2023, 11, 15), ends_on=date(2024, 3, 15), open=False))
    db.session.flush()
    db.session.add(Bill(household_id=hid, season_id="2099-2100", area_m2=Decimal("50.00"), price_yuan=Decimal("24.00"),
                        due_fen=5000, paid_fen=0, issued_on=date(2023, 11, 1)))
    db.session.commit()
    op = phone.payment(hid, 6000, season=None)
    status, body = phone.push([op])
    assert status == 200
    assert body["results"][0]["allocations"][0] == {"season": "2099-2100", "amount_fen": 5000}
    check_invariants()


def test_a_seq_delivered_again_beyond_a_gap_is_no_error(phone):
    """device_seq keeps the seqs beyond a gap; the same seq again (a resend, or another op reusing it) is
    recorded once (ON CONFLICT DO NOTHING, which the bulk path must keep) and answered normally."""
    phone.pull_all()
    hid = next(iter(phone.households))
    first = [dict(phone.payment(hid, 100), seq=50), dict(phone.payment(hid, 101), seq=51)]
    again = [dict(phone.payment(hid, 200), seq=50), dict(phone.payment(hid, 201), seq=51)]
    for ops in (first, first, again):
        status, body = phone.push(ops)
        assert status == 200, body
    assert [r["status"] for r in body["results"]] == ["applied", "applied"]
    # One sync session per push: none of them failed and fell back to one operation at a time.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SyncSession)
                             .where(SyncSession.device_id == phone.device_id, SyncSession.kind == "push")) == 3
    check_invariants()


def test_a_bulk_insert_that_breaks_a_constraint_raises_sqlalchemys_integrity_error(phone):
    """On PostgreSQL rows go in by COPY, outside SQLAlchemy's statements: its errors must still arrive as
    SQLAlchemy's, which push catches to decide again or to apply operation by operation."""
    phone.pull_all()
    hid = next(iter(phone.households))
    row = {"change_seq": 2_000_000_000, "household_id": hid, "at": datetime(2026, 11, 27, 2, 0)}
    with pytest.raises(sa.exc.IntegrityError):
        insert_rows(ChangeLog, [row, dict(row)])
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ChangeLog)
                             .where(ChangeLog.change_seq == 2_000_000_000)) == 0


def test_a_batch_of_notices_and_phone_changes_is_written_and_audited_change_by_change(phone):
    """Dunning stages and phones go out as one statement each; every change still has its audit row, and
    one owner of two flats sees both phone changes in order (old -> first -> second)."""
    phone.pull_all()
    first, second, third = sorted(h for h, r in phone.households.items() if r["dunning_stage"] == "none")[:3]
    owner = db.session.scalar(sa.select(Household.owner_id).where(Household.id == first))
    db.session.execute(sa.update(Household).where(Household.id == second).values(owner_id=owner))
    db.session.commit()
    old = db.session.scalar(sa.select(Party.phone).where(Party.id == owner))
    ops = [phone.op("visit", hid, {"kind": "notice_delivered", "text": "交本人签收"}) for hid in (first, second, third)]
    ops += [phone.op("contact_update", first, {"phone": "13811110001"}),
            phone.op("contact_update", second, {"phone": "13811110002"})]
    status, body = phone.push(ops)
    assert status == 200 and {r["status"] for r in body["results"]} == {"applied"}
    stages = dict(db.session.execute(sa.select(Household.id, Household.dunning_stage)
                                     .where(Household.id.in_([first, second, third]))).all())
    assert set(stages.values()) == {"notice_delivered"}
    assert db.session.scalar(sa.select(Party.phone).where(Party.id == owner)) == "13811110002"
    phones = [(a.before["phone"], a.after["phone"]) for a in db.session.scalars(
        sa.select(AuditLog).where(AuditLog.action == "party.phone", AuditLog.entity_id == str(owner))
        .order_by(AuditLog.id))]
    assert phones == [(old, "13811110001"), ("13811110001", "13811110002")]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
        AuditLog.action == "household.dunning_stage", AuditLog.entity_id.in_([first, second, third]))) == 3
    check_invariants()


def test_the_cyclic_collector_is_off_during_a_push_and_back_on_after_it_even_after_an_error(phone, monkeypatch):
    import gc

    from server.sync_api import push as push_service
    phone.pull_all()
    hid = next(iter(phone.households))
    seen, real = [], push_service.push

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        with push_service.cyclic_gc_paused():  # nested, as an outbox import pushes: still off inside
            seen.append(gc.isenabled())
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(push_service, "push", spy)
    assert gc.isenabled()
    status, body = phone.push([phone.payment(hid, 100)])
    assert status == 200 and body["results"][0]["status"] == "applied"
    assert seen == [False, False, False] and gc.isenabled()

    def broken(*args, **kwargs):
        assert not gc.isenabled()
        raise RuntimeError("boom")

    monkeypatch.setattr(push_service, "push", broken)
    phone.client.application.config["PROPAGATE_EXCEPTIONS"] = False
    status, body = phone.push([phone.payment(hid, 200)])
    assert status == 500 and body["error"]["code"] == "internal_error"
    assert gc.isenabled()


def test_the_answer_is_the_compact_json_of_its_results_each_the_text_stored_with_its_operation(phone):
    """Each result's JSON text is made once, for the operation row and for the answer: the answer is still
    exactly Flask's compact JSON, and what is stored is what was answered."""
    phone.pull_all()
    hid = next(iter(phone.households))
    first = phone.payment(hid, 100, payer="欧阳明月", note='"引号" \\ 𠮷')
    bad = dict(phone.payment(hid, 200), type="teleport")
    status, _ = phone.push([first])
    assert status == 200
    r = phone.client.post("/api/v1/sync/push", json={"device_id": phone.device_id,
                                                     "ops": [first, bad, phone.payment(hid, 300)]},
                          headers={**phone.headers, "X-Client-Time": shanghai_now()})
    assert r.status_code == 200 and r.mimetype == "application/json"
    body = r.get_json()
    assert [x["status"] for x in body["results"]] == ["duplicate", "rejected", "applied"]
    assert r.get_data(as_text=True) == json.dumps(body, ensure_ascii=False, separators=(",", ":")) + "\n"
    stored = dict(db.session.execute(sa.select(Operation.op_id, Operation.result)
                                     .where(Operation.op_id.in_([bad["op_id"], body["results"][2]["op_id"]]))).all())
    assert stored[bad["op_id"]] == body["results"][1]
    assert stored[body["results"][2]["op_id"]] == body["results"][2]
