"""The review queue as a clerk reads it (issue 12, item 4): one entry per operation, carrying all of its
flags, so that one decision resolves it; filters by kind, collector, project and dates; and the detail of
one entry: the operation as sent, the household's bills before and after, and the related payments side by
side (the twin of a duplicate suspect, the bills an overpayment touched).

Items are still stored one per flag (each with its own details); the queue groups them by operation."""

import sqlalchemy as sa

from ..errors import ApiError
from ..extensions import db
from ..models import (Allocation, Bill, Building, Household, Operation, Payment, Project, ReviewItem, User)
from ..schemas_util import MAX_ID
from ..estate.address import flat_label
from ..timefmt import day_end_utc, day_start_utc, iso_utc

_GROUP = sa.func.coalesce(ReviewItem.op_id, sa.cast(ReviewItem.id, sa.String(40)))


def _filters(state, kind, collector, project, start, end) -> list:
    where = []
    if state != "all":
        where.append(ReviewItem.state == state)
    if kind:
        where.append(ReviewItem.kind == kind)
    if collector:
        where.append(ReviewItem.collector_id.in_(sa.select(User.id).where(User.username == collector)))
    if project:
        where.append(ReviewItem.household_id.in_(
            sa.select(Household.id).join(Building, Building.id == Household.building_id)
            .join(Project, Project.id == Building.project_id).where(Project.name == project)))
    if start:
        where.append(ReviewItem.created_at >= day_start_utc(start))
    if end:
        where.append(ReviewItem.created_at < day_end_utc(end))
    return where


def list_entries(state="open", kind=None, collector=None, project=None, start=None, end=None, page=1,
                 per_page=50) -> dict:
    """One entry per operation (an item without one stands alone), oldest first."""
    where = _filters(state, kind, collector, project, start, end)
    groups = sa.select(sa.func.min(ReviewItem.id).label("first")).where(*where).group_by(_GROUP)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(groups.subquery()))
    firsts = list(db.session.scalars(groups.order_by(sa.func.min(ReviewItem.id))
                                     .limit(per_page).offset((page - 1) * per_page)))
    return {"items": entries(firsts, state), "page": page, "per_page": per_page, "total": total}


def entries(first_ids: list[int], state: str = "all") -> list[dict]:
    """The entries whose first item is each of `first_ids`, in that order, with their sibling items."""
    if not first_ids:
        return []
    firsts = {i.id: i for i in db.session.scalars(sa.select(ReviewItem).where(ReviewItem.id.in_(first_ids)))}
    op_ids = {i.op_id for i in firsts.values() if i.op_id}
    siblings = {}
    if op_ids:
        query = sa.select(ReviewItem).where(ReviewItem.op_id.in_(op_ids)).order_by(ReviewItem.id)
        if state != "all":
            query = query.where(ReviewItem.state == state)
        for item in db.session.scalars(query):
            siblings.setdefault(item.op_id, []).append(item)
    households = _households({i.household_id for i in firsts.values() if i.household_id})
    users = dict(db.session.execute(sa.select(User.id, User.username)).all())
    names = dict(db.session.execute(sa.select(User.id, User.name)).all())
    payments = {p.id: p for p in db.session.scalars(sa.select(Payment).where(
        Payment.id.in_({i.payment_id for i in firsts.values() if i.payment_id})))}
    out = []
    for first_id in first_ids:
        first = firsts[first_id]
        group = siblings.get(first.op_id, [first]) if first.op_id else [first]
        if first not in group:
            group = [first, *group]
        out.append(_entry(first, group, households.get(first.household_id), users, names,
                          payments.get(first.payment_id)))
    return out


def _households(ids) -> dict:
    if not ids:
        return {}
    return {h: (flat_label(b, u, r), p) for h, b, u, r, p in db.session.execute(
        sa.select(Household.id, Building.name, Household.unit, Household.room, Project.name)
        .join(Building, Building.id == Household.building_id).join(Project, Project.id == Building.project_id)
        .where(Household.id.in_(ids)))}


def _entry(first: ReviewItem, group: list[ReviewItem], household, users, names, payment) -> dict:
    from .service import offered_for, primary
    open_items = [i for i in group if i.state == "open"]
    offered = offered_for(primary(open_items).kind) if open_items else set()
    flags = list(dict.fromkeys(f for i in group for f in (i.flags or [])))
    return {"id": first.id, "kind": first.kind, "kinds": [i.kind for i in group],
            "item_ids": [i.id for i in group], "flags": flags,
            "household_id": first.household_id, "label": household[0] if household else None,
            "project": household[1] if household else None, "op_id": first.op_id,
            "collector": users.get(first.collector_id), "collector_name": names.get(first.collector_id),
            "created_at": iso_utc(first.created_at), "state": "open" if open_items else "resolved",
            "decision": first.decision, "reason": first.reason,
            "details": {k: v for i in group for k, v in (i.details or {}).items()} | (first.details or {}),
            "decisions": sorted(offered),
            "payment": None if payment is None else {
                "receipt_no": payment.receipt_no, "amount_fen": payment.amount_fen, "method": payment.method,
                "state": payment.state, "collected_at": iso_utc(payment.collected_at)}}


def detail(item_id: int) -> dict:
    """One entry with what a clerk needs to decide it, side by side."""
    item = db.session.get(ReviewItem, item_id) if 0 < item_id <= MAX_ID else None
    if item is None:
        raise ApiError("not_found")
    first = item.id if not item.op_id else db.session.scalar(
        sa.select(sa.func.min(ReviewItem.id)).where(ReviewItem.op_id == item.op_id))
    [entry] = entries([first])
    operation = db.session.scalar(sa.select(Operation).where(Operation.op_id == item.op_id)) if item.op_id else None
    entry["operation"] = None if operation is None else {
        "type": operation.type, "status": operation.status, "received_at": iso_utc(operation.received_at),
        "as_sent": operation.payload, "result": operation.result}
    payment = db.session.get(Payment, item.payment_id) if item.payment_id else None
    entry["bills"] = _bills_around(item.household_id, payment)
    entry["related_payments"] = _related(entry, payment)
    return entry


def _bills_around(household_id, payment) -> list[dict]:
    """The household's bills now, and before this payment's allocations (what it changed)."""
    if not household_id:
        return []
    touched = {}
    if payment is not None and payment.state in ("recorded", "void_requested"):
        touched = dict(db.session.execute(sa.select(Allocation.bill_id, sa.func.sum(Allocation.amount_fen))
                                          .where(Allocation.payment_id == payment.id)
                                          .group_by(Allocation.bill_id)).all())
    return [{"season": b.season_id, "due_fen": b.due_fen, "paid_before_fen": b.paid_fen - int(touched.get(b.id, 0)),
             "paid_fen": b.paid_fen, "this_payment_fen": int(touched.get(b.id, 0)),
             "balance_fen": max(b.due_fen - b.paid_fen, 0)}
            for b in db.session.scalars(sa.select(Bill).where(Bill.household_id == household_id)
                                        .order_by(Bill.season_id))]


def _related(entry: dict, payment) -> list[dict]:
    """The payment itself, and the one a duplicate suspect may repeat."""
    ids = [payment.op_id] if payment is not None and payment.op_id else []
    twin = entry["details"].get("other_op_id")
    if twin:
        ids.append(twin)
    rows = db.session.execute(sa.select(Payment, User.username, User.name)
                              .outerjoin(User, User.id == Payment.collector_id)
                              .where(Payment.op_id.in_(ids))).all() if ids else []
    by_op = {p.op_id: (p, u, n) for p, u, n in rows}
    return [{"role": "this" if op_id == ids[0] and payment is not None else "twin", "op_id": p.op_id,
             "receipt_no": p.receipt_no, "amount_fen": p.amount_fen, "method": p.method,
             "collected_at": iso_utc(p.collected_at), "state": p.state, "collector": u, "collector_name": n,
             "device_id": p.device_id, "payer": p.payer, "note": p.note}
            for op_id in ids if op_id in by_op for p, u, n in [by_op[op_id]]]
