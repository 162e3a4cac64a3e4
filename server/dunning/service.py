"""Debts and their limitation dates (诉讼时效, DOMAIN.md §3, case 10; OFFICE.md "Dunning and documents").

A debt is a season bill still owed. Its limitation date is three years (FeeRules.limitation_years) from the
season's due date, restarted by each demand that was delivered with proof (sync/arrears.py decides; this
module only reads the records): the phone's `notice_delivered` visit (its operation is the proof) or a
delivery a clerk recorded with a photo. A demand delivered before the debt fell due restarts nothing.
"""
from collections import defaultdict
from datetime import timedelta

import sqlalchemy as sa

from sync.arrears import Debt, Demand, add_years, lawyer_letter_queue, limitation_date
from sync.merge import posting_date
from sync.rules import FeeRules

from ..complaints.service import dunning_paused
from ..errors import ApiError
from ..estate.address import flat_label
from ..extensions import db
from ..models import Bill, Building, CollectionAction, Household, Party, Project, Season, utcnow
from ..timefmt import shanghai_date

RULES = FeeRules()


def _demands(household_ids) -> dict[str, list[tuple[Demand, int | None]]]:
    """The delivered demands of these households, oldest first, with the document each named."""
    out = defaultdict(list)
    for a in db.session.scalars(sa.select(CollectionAction).where(
            CollectionAction.household_id.in_(household_ids), CollectionAction.delivered.is_(True))
            .order_by(CollectionAction.at)):
        day = shanghai_date(a.at)
        out[a.household_id].append((Demand(a.kind, day, day, a.proof_op_id or a.proof_sha256 or ""), a.document_id))
    return out


def _debt_out(bill: Bill, due_on, demands, stage: str) -> dict:
    after = [(d, doc) for d, doc in demands if d.delivered_on >= due_on]
    last = next(((d, doc) for d, doc in reversed(after) if d.counts), None)
    return {"season": bill.season_id, "balance_fen": bill.due_fen - bill.paid_fen, "due_on": due_on.isoformat(),
            "limitation_date": limitation_date(due_on, [d for d, _ in after], RULES.limitation_years).isoformat(),
            "last_demand": {"document_id": last[1], "delivered_on": last[0].delivered_on.isoformat()} if last else None,
            "stage": stage}


def debts(household_id: str, stage: str) -> list[dict]:
    """Each season bill still owed by one household, oldest first, with its limitation date."""
    bills = db.session.execute(sa.select(Bill, Season.due_on).join(Season, Season.id == Bill.season_id)
                               .where(Bill.household_id == household_id, Bill.due_fen > Bill.paid_fen)
                               .order_by(Season.starts_on)).all()
    demands = _demands([household_id])[household_id]
    return [_debt_out(bill, due_on, demands, stage) for bill, due_on in bills if due_on is not None]


def debts_of(household_id: str) -> list[dict]:
    stage = db.session.scalar(sa.select(Household.dunning_stage).where(Household.id == household_id[:36]))
    if stage is None:
        raise ApiError("not_found", {"household_id": household_id[:36]})
    return debts(household_id[:36], stage)


def queue(within_days: int, page: int, per_page: int) -> dict:
    """Debts already past their due date whose limitation date is at most `within_days` away, soonest first
    (the lawyer-letter list starts here; sync/arrears.py orders it). Time-barred debts are not listed: they
    are past saving by a letter."""
    today = posting_date(utcnow())
    rows = db.session.execute(
        sa.select(Bill, Season.due_on, Household.dunning_stage, Building.name, Project.name, Household.unit,
                  Household.room, Party.name)
        .join(Season, Season.id == Bill.season_id).join(Household, Household.id == Bill.household_id)
        .join(Building, Building.id == Household.building_id).join(Project, Project.id == Building.project_id)
        .join(Party, Party.id == Household.owner_id)
        # A demand only moves a limitation date later (due + N years at the earliest), so a debt can be in
        # the window only if it fell due at least N years before the window's end.
        # While a temperature complaint is open the household's dunning is paused (OFFICE.md, Complaints).
        .where(Bill.due_fen > Bill.paid_fen, Season.due_on.is_not(None), Household.id.not_in(dunning_paused()),
               Season.due_on <= add_years(today + timedelta(days=within_days), -RULES.limitation_years))).all()
    demands = _demands(sorted({r[0].household_id for r in rows})) if rows else {}
    about = {}
    debts_ = []
    for bill, due_on, stage, building, project, unit, room, owner in rows:
        mine = [d for d, _ in demands.get(bill.household_id, []) if d.delivered_on >= due_on]
        debts_.append(Debt(bill.household_id, bill.season_id, due_on, bill.due_fen - bill.paid_fen, tuple(mine)))
        about[(bill.household_id, bill.season_id)] = (bill, due_on, stage, building, project, unit, room, owner)
    items = []
    for q in lawyer_letter_queue(debts_, today, RULES):
        if q.time_barred or q.days_left > within_days:
            continue
        bill, due_on, stage, building, project, unit, room, owner = about[(q.debt.household, q.debt.season)]
        items.append({**_debt_out(bill, due_on, demands.get(bill.household_id, []), stage),
                      "household_id": bill.household_id, "label": flat_label(building, unit, room), "project": project,
                      "owner_name": owner, "days_left": q.days_left})
    start = (page - 1) * per_page
    return {"items": items[start:start + per_page], "total": len(items)}

