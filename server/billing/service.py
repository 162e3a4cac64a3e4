"""Money moves that clerks decide: reversals, accepting held payments, bill adjustments.

The journal is append-only (STYLE.md habit 5): a reversal is a new entry with the negative amount and the
negative of each allocation; a bill's due amount changes only through a BillAdjustment with a reason.
Each function works in the caller's transaction and logs the household change for the phones.
"""
from collections import defaultdict
from decimal import Decimal

import sqlalchemy as sa

from sync.money import OpenBill, allocate

from ..changes import audit, touch
from ..extensions import db
from ..ledgers.days import open_posting_date
from ..models import fen_sum, Allocation, Bill, BillAdjustment, Household, Payment, Season, utcnow


def open_bills(household_id: str) -> list[Bill]:
    return list(db.session.scalars(sa.select(Bill).join(Season, Season.id == Bill.season_id)
                                   .where(Bill.household_id == household_id).order_by(Season.starts_on)))


def allocate_payment(payment: Payment, amount_fen: int, rule_season: str | None, now=None) -> list[Allocation]:
    """Spread money of `payment` over the household's open bills (named season, then oldest first)."""
    bills = open_bills(payment.household_id)
    allocations, _credit = allocate(amount_fen, [OpenBill(b.season_id, max(b.due_fen - b.paid_fen, 0))
                                                 for b in bills], rule_season)
    by_season = {b.season_id: b for b in bills}
    rows = []
    for a in allocations:
        bill = by_season[a.season]
        bill.paid_fen += a.amount_fen
        rows.append(Allocation(payment_id=payment.id, bill_id=bill.id, amount_fen=a.amount_fen,
                               rule="designated" if a.season == rule_season else "oldest_first",
                               created_at=now or utcnow()))
    db.session.add_all(rows)
    return rows


_LIVE = ("recorded", "void_requested")


def _brought(which):
    """The journal entries that make a household's credit: its live payments, less the refunds paid out to it
    (退费, a negative entry allocated to no bill: OFFICE.md "A household's life")."""
    return sa.and_(which, sa.or_(sa.and_(Payment.kind == "payment", Payment.state.in_(_LIVE)),
                                 sa.and_(Payment.kind == "refund", Payment.state == "recorded")))


def credits_of(household_ids: list[str]) -> dict[str, int]:
    """预存 of each household that has some: what its live payments brought beyond the bills they were
    allocated to, less what was refunded (DESIGN.md inv. 3). Two grouped queries for any number of households
    (in pieces, as the bound parameters of one statement are limited)."""
    out: dict[str, int] = {}
    for k in range(0, len(household_ids), 5000):
        ids = household_ids[k:k + 5000]
        live = sa.and_(Payment.household_id.in_(ids), Payment.kind == "payment", Payment.state.in_(_LIVE))
        paid = dict(db.session.execute(sa.select(Payment.household_id, fen_sum(Payment.amount_fen))
                                       .where(_brought(Payment.household_id.in_(ids)))
                                       .group_by(Payment.household_id)).all())
        allocated = dict(db.session.execute(sa.select(Payment.household_id, fen_sum(Allocation.amount_fen))
                                            .join(Allocation, Allocation.payment_id == Payment.id)
                                            .where(live).group_by(Payment.household_id)).all())
        for hid, fen in paid.items():
            credit = int(fen) - int(allocated.get(hid) or 0)
            if credit > 0:
                out[hid] = credit
    return out


def credit_of(household_id: str) -> int:
    """预存: what the household's live payments brought beyond the bills they were allocated to, less refunds."""
    paid = db.session.scalar(sa.select(fen_sum(Payment.amount_fen)).where(
        _brought(Payment.household_id == household_id))) or 0
    allocated = db.session.scalar(sa.select(fen_sum(Allocation.amount_fen))
                                  .join(Payment, Payment.id == Allocation.payment_id).where(
        Payment.household_id == household_id, Payment.kind == "payment", Payment.state.in_(_LIVE))) or 0
    return paid - allocated


def accept_held_payment(payment: Payment, user_id: int, reason: str):
    """A clerk accepts a payment that a revoked device pushed: only now does it touch a balance."""
    now = utcnow()
    allocate_payment(payment, payment.amount_fen, payment.named_season_id, now)
    audit("payment.accepted", "payment", payment.id, {"state": payment.state, "posted_on": str(payment.posted_on)},
          {"state": "recorded", "posted_on": str(open_posting_date(now))}, reason, user_id, now)
    # Held money becomes money only now: it posts to the open day's ledger, never to a closed one.
    payment.state, payment.posted_at, payment.posted_on = "recorded", now, open_posting_date(now)
    touch([payment.household_id], now=now)


def reverse_payment(payment: Payment, user_id: int, reason: str) -> Payment | None:
    """Void a payment: a reversal entry posted today undoes its allocations (DOMAIN.md case 4)."""
    now = utcnow()
    before = payment.state
    if payment.state == "voided":
        return None
    reversal = None
    if before != "held":  # a held payment never touched a balance: nothing to reverse
        reversal = Payment(kind="reversal", household_id=payment.household_id, amount_fen=-payment.amount_fen,
                           method=payment.method, receipt_no=payment.receipt_no, season_id=payment.season_id,
                           named_season_id=payment.named_season_id, collected_at=now, posted_at=now,
                           posted_on=open_posting_date(now), collector_id=payment.collector_id,
                           device_id=payment.device_id, state="recorded", flags=[], reverses_id=payment.id,
                           reason=reason)
        db.session.add(reversal)
        db.session.flush()
        net = defaultdict(int)
        for a in db.session.scalars(sa.select(Allocation).where(Allocation.payment_id == payment.id)):
            net[a.bill_id] += a.amount_fen
        for bill_id, amount in net.items():
            if amount:
                db.session.add(Allocation(payment_id=reversal.id, bill_id=bill_id, amount_fen=-amount,
                                          rule="reversal", created_at=now))
                bill = db.session.get(Bill, bill_id)
                bill.paid_fen -= amount
    payment.state = "voided"
    audit("payment.voided", "payment", payment.id, {"state": before}, {"state": "voided",
          "reversal_id": reversal.id if reversal else None}, reason, user_id, now)
    touch([payment.household_id], now=now)
    return reversal


def adjust_bill(bill: Bill, kind: str, reason: str, user_id: int, review_item_id: int | None = None, *,
                due_fen: int, area_m2: Decimal | None = None, ratio: Decimal | None = None) -> BillAdjustment | None:
    """Record a bill's new due amount, with why and who (DESIGN.md invariant 4). The amount is the caller's,
    from the rule in sync/ that decides it (sync.billing.correct_area, sync.vacancy.season_due_fen…): the
    rule has one home, and this is the one place that writes what it decided."""
    new_area = bill.area_m2 if area_m2 is None else area_m2
    new_ratio = bill.ratio if ratio is None else ratio
    after = due_fen
    if after == bill.due_fen and new_area == bill.area_m2 and new_ratio == bill.ratio:
        return None
    now = utcnow()
    adjustment = BillAdjustment(bill_id=bill.id, kind=kind, before_fen=bill.due_fen, after_fen=after, reason=reason,
                                approved_by=user_id, review_item_id=review_item_id, created_at=now)
    db.session.add(adjustment)
    audit(f"bill.{kind}", "bill", bill.id, {"due_fen": bill.due_fen, "area_m2": str(bill.area_m2),
                                            "ratio": str(bill.ratio)},
          {"due_fen": after, "area_m2": str(new_area), "ratio": str(new_ratio)}, reason, user_id, now)
    bill.due_fen, bill.area_m2, bill.ratio = after, new_area, new_ratio
    if bill.paid_fen > after:
        _release(bill, bill.paid_fen - after, now)
    db.session.flush()
    touch([bill.household_id], now=now)
    return adjustment


def _release(bill: Bill, excess: int, now):
    """A bill lowered below what was paid: the excess goes back to the payments as credit (预存, case 7)."""
    rows = db.session.execute(sa.select(Allocation.payment_id, fen_sum(Allocation.amount_fen).label("net"))
                              .join(Payment, Payment.id == Allocation.payment_id)
                              .where(Allocation.bill_id == bill.id, Payment.kind == "payment",
                                     Payment.state.in_(("recorded", "void_requested")))
                              .group_by(Allocation.payment_id).order_by(Allocation.payment_id.desc())).all()
    for payment_id, net in rows:
        take = min(net, excess)
        if take > 0:
            db.session.add(Allocation(payment_id=payment_id, bill_id=bill.id, amount_fen=-take, rule="release",
                                      created_at=now))
            bill.paid_fen -= take
            excess -= take
        if excess == 0:
            break


def set_household_status(household: Household, status: str, reason: str, user_id: int):
    if household.status == status:
        return
    audit("household.status", "household", household.id, {"status": household.status}, {"status": status},
          reason, user_id)
    household.status = status
    touch([household.id])
