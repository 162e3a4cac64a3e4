"""DESIGN.md's invariants as one check, run after every scenario (and by the property tests)."""
from collections import defaultdict

import sqlalchemy as sa

from server.extensions import db
from server.models import Allocation, Bill, Operation, Payment


def check_invariants():
    s = db.session
    # 1. each op_id at most once in the journal and in the operations
    dup = s.execute(sa.select(Payment.op_id).where(Payment.op_id.is_not(None)).group_by(Payment.op_id)
                    .having(sa.func.count() > 1)).all()
    assert not dup, f"op_ids in the journal twice: {dup}"
    # every applied or held payment operation is in the journal exactly once
    ops = set(s.scalars(sa.select(Operation.op_id).where(Operation.type == "payment",
                                                         Operation.status.in_(("applied", "held")))))
    journal = set(s.scalars(sa.select(Payment.op_id).where(Payment.kind == "payment", Payment.op_id.is_not(None),
                                                           Payment.op_id.in_(ops)))) if ops else set()
    assert ops == journal, f"payments missing from the journal: {ops - journal}"
    # 2. paid = sum of allocations (reversals carry negative allocations), balance never below zero
    sums = dict(s.execute(sa.select(Allocation.bill_id, sa.func.sum(Allocation.amount_fen))
                          .group_by(Allocation.bill_id)).all())
    for bill in s.scalars(sa.select(Bill)):
        assert bill.paid_fen == sums.get(bill.id, 0), f"bill {bill.id}: paid {bill.paid_fen} != {sums.get(bill.id, 0)}"
        assert bill.paid_fen >= 0 and bill.paid_fen <= bill.due_fen, f"bill {bill.id} paid outside 0..due"
    # paid from live payments only: voided payments net to zero across their reversal
    live = defaultdict(int)
    for bill_id, amount, state, kind, reverses in s.execute(
            sa.select(Allocation.bill_id, Allocation.amount_fen, Payment.state, Payment.kind, Payment.reverses_id)
            .join(Payment, Payment.id == Allocation.payment_id)):
        if kind == "payment" and state in ("recorded", "void_requested"):
            live[bill_id] += amount
    for bill in s.scalars(sa.select(Bill)):
        assert bill.paid_fen == live.get(bill.id, 0), f"bill {bill.id}: voided money still counted"
    # 3. amount = allocations + credit, credit never negative
    for pid, amount, allocated in s.execute(
            sa.select(Payment.id, Payment.amount_fen, sa.func.coalesce(sa.func.sum(Allocation.amount_fen), 0))
            .outerjoin(Allocation, Allocation.payment_id == Payment.id)
            .where(Payment.kind == "payment", Payment.state.in_(("recorded", "void_requested")))
            .group_by(Payment.id, Payment.amount_fen)):
        assert 0 <= allocated <= amount, f"payment {pid}: allocated {allocated} of {amount}"
