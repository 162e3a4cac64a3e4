"""Finding a household and everything about it (OFFICE.md, Estate and households; issue 12, item 3).

A clerk answering a payer on the phone finds the flat by owner name, pinyin initials (zsm), room
(3-2-501), household number or the last four digits of a phone, and opens one page that holds its
owners and payers, bills, payments, adjustments, every field record as the phone recorded it, documents,
and its debts with their limitation dates (sync/arrears.py, DOMAIN.md case 10)."""
import re
from collections import defaultdict

import sqlalchemy as sa

from sync.receipts import masked_phone

from ..complaints import service as complaints
from ..documents.register import of_household
from ..dunning.service import debts
from ..errors import ApiError
from ..extensions import db
from ..models import (Account, Assignment, Bill, BillAdjustment, Building, FieldRecord,
                      Household, Party, Payment, Project, ReviewItem, Season, SuspensionApplication, User)
from ..refunds import service as refunds
from ..suspensions import service as suspensions
from . import accounts
from ..estate.address import flat_label
from ..timefmt import iso_utc

_ADDRESS = re.compile(r"^\s*([^\s-]+)-([^\s-]+)-([^\s-]+)\s*$")  # 楼-单元-室, as DOMAIN.md writes a flat code


def _balances():
    return (sa.select(Bill.household_id, sa.func.sum(Bill.due_fen - Bill.paid_fen).label("balance"))
            .group_by(Bill.household_id).subquery())


def _collectors():
    """The collector each building is assigned to now (the first by username, should there be two)."""
    first = (sa.select(Assignment.building_id, sa.func.min(User.username).label("username"))
             .join(User, User.id == Assignment.user_id).where(Assignment.valid_to.is_(None))
             .group_by(Assignment.building_id).subquery())
    # with the collector's name: a clerk reads names, not usernames (issue 12), and may not list the users
    return (sa.select(first.c.building_id, first.c.username, User.name.label("name"))
            .join(User, User.username == first.c.username).subquery())


def _numbers():
    """Each household's current household number (户号: its account valid now)."""
    return (sa.select(Account.household_id, sa.func.max(Account.number).label("number"))
            .where(Account.valid_to.is_(None)).group_by(Account.household_id).subquery())


def _matches(q: str, numbers):
    """Every way a clerk may name a flat, as one OR."""
    q = q.strip()
    ways = [Party.name.contains(q, autoescape=True), numbers.c.number == q, Household.room == q]
    if q.isascii() and q.isalpha():
        ways.append(Household.owner_initials.startswith(q.lower(), autoescape=True))
    if q.isdigit() and len(q) == 4:
        ways.append(Party.phone.endswith(q, autoescape=True))
    m = _ADDRESS.match(q)
    if m:
        building, unit, room = m.groups()
        ways.append(sa.and_(Building.name == building, Household.unit == unit,
                            sa.or_(Household.room == room, Household.room == room.lstrip("0"),
                                   Household.room == room.zfill(4))))
    return sa.or_(*ways)


def _household_rows():
    """Households with what a row shows: building, project, owner, balance, collector and household number."""
    balances, collectors, numbers = _balances(), _collectors(), _numbers()
    query = (sa.select(Household, Building.name, Project.name, Party.name, Party.phone, balances.c.balance,
                       collectors.c.username, numbers.c.number, collectors.c.name)
             .join(Building, Building.id == Household.building_id).join(Project, Project.id == Building.project_id)
             .join(Party, Party.id == Household.owner_id)
             .outerjoin(balances, balances.c.household_id == Household.id)
             .outerjoin(collectors, collectors.c.building_id == Building.id)
             .outerjoin(numbers, numbers.c.household_id == Household.id))
    return query, balances, numbers


def search(q, project, building, status, in_arrears, page, per_page) -> dict:
    query, balances, numbers = _household_rows()
    where = []
    if q and q.strip():
        where.append(_matches(q, numbers))
    if project:
        where.append(Project.name == project)
    if building:
        where.append(Building.name == building)
    if status:
        where.append(Household.status == status)
    if in_arrears:
        where.append(balances.c.balance > 0)
    query = query.where(*where)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.with_only_columns(Household.id)
                                                                      .subquery()))
    rows = db.session.execute(query.order_by(Project.name, Building.name, Household.unit, Household.room)
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return {"items": [_row(*r) for r in rows], "total": total}


def _row(h, building, project, owner, phone, balance, collector, number, collector_name=None) -> dict:
    return {"id": h.id, "number": number, "label": flat_label(building, h.unit, h.room), "project": project,
            "building": building, "unit": h.unit, "room": h.room, "owner_name": owner,
            "phone_masked": masked_phone(phone), "area_m2": f"{h.area_m2:.2f}", "status": h.status,
            "balance_fen": max(int(balance or 0), 0), "dunning_stage": h.dunning_stage, "collector": collector,
            "collector_name": collector_name}


def detail(household_id: str) -> dict:
    """The household page: everything recorded about one flat."""
    query, _, _ = _household_rows()
    row = db.session.execute(query.where(Household.id == household_id[:36])).first()
    if row is None:
        raise ApiError("not_found", {"household_id": household_id[:36]})
    h, owner = row[0], row[3]
    out = _row(*row)
    out.update(category=h.category, area_source=h.area_source, loop_type=h.loop_type,
               area_checked_on=h.area_checked_on.isoformat() if h.area_checked_on else None,
               opened_on=h.opened_on.isoformat() if h.opened_on else None,
               owners=[{"name": name, "kind": h.owner.kind, "phone_masked": masked_phone(h.owner.phone)}
                       for name in owner.split("、")],
               payers=_payers(h.id), bills=_bills(h.id), payments=_payments(h.id),
               adjustments=_adjustments(h.id), field_records=_field_records(h.id),
               suspensions=_suspensions(h.id), refunds=refunds.of_household(h.id), documents=of_household(h.id))
    out["complaints"] = complaints.of_household(h.id)
    out["debts"] = debts(h.id, h.dunning_stage)
    return out


def _payers(household_id):
    """Every account of the flat, the current one marked: the seller's stays listed with what it owes."""
    rows = db.session.execute(sa.select(Account, Party).join(Party, Party.id == Account.party_id)
                              .where(Account.household_id == household_id).order_by(Account.valid_from)).all()
    return [{"id": a.id, "number": a.number, "name": p.name, "kind": p.kind, "phone_masked": masked_phone(p.phone),
             "contract_kind": a.contract_kind, "valid_from": a.valid_from.isoformat(),
             "valid_to": a.valid_to.isoformat() if a.valid_to else None, "current": a.valid_to is None}
            for a, p in rows]


def _bills(household_id):
    rows = db.session.execute(sa.select(Bill, Season.due_on).join(Season, Season.id == Bill.season_id)
                              .where(Bill.household_id == household_id).order_by(Season.starts_on)).all()
    payers = accounts.bill_payers(household_id, [b for b, _ in rows])
    names = dict(db.session.execute(sa.select(Party.id, Party.name).where(
        Party.id.in_({a.party_id for a in payers.values() if a is not None}))).all())
    return [{"season": b.season_id, "area_m2": f"{b.area_m2:.2f}", "price_yuan": f"{b.price_yuan:.2f}",
             "ratio": str(b.ratio), "due_fen": b.due_fen, "paid_fen": b.paid_fen,
             "balance_fen": max(b.due_fen - b.paid_fen, 0), "issued_on": b.issued_on.isoformat(),
             "due_on": due_on.isoformat() if due_on else None,
             "payer": names.get(payers[b.id].party_id) if payers[b.id] else None,
             "account_no": payers[b.id].number if payers[b.id] else None} for b, due_on in rows]


def _payments(household_id):
    rows = db.session.execute(sa.select(Payment, User.username, User.name)
                              .outerjoin(User, User.id == Payment.collector_id)
                              .where(Payment.household_id == household_id)
                              .order_by(Payment.collected_at, Payment.id)).all()
    reviews = defaultdict(list)
    for r in db.session.scalars(sa.select(ReviewItem).where(ReviewItem.household_id == household_id,
                                                            ReviewItem.payment_id.is_not(None))):
        reviews[r.payment_id].append({"id": r.id, "kind": r.kind, "state": r.state, "decision": r.decision,
                                      "reason": r.reason})
    return [{"id": p.id, "kind": p.kind, "op_id": p.op_id, "receipt_no": p.receipt_no,
             "paper_receipt_no": p.paper_receipt_no, "amount_fen": p.amount_fen, "method": p.method,
             "season": p.named_season_id, "payer": p.payer, "note": p.note, "collected_at": iso_utc(p.collected_at),
             "posted_on": p.posted_on.isoformat(), "state": p.state, "flags": p.flags or [], "collector": user,
             "collector_name": name, "reverses_id": p.reverses_id, "reason": p.reason,
             "review": reviews.get(p.id, [])} for p, user, name in rows]


def _adjustments(household_id):
    rows = db.session.execute(sa.select(BillAdjustment, Bill.season_id, User.username)
                              .join(Bill, Bill.id == BillAdjustment.bill_id)
                              .outerjoin(User, User.id == BillAdjustment.approved_by)
                              .where(Bill.household_id == household_id).order_by(BillAdjustment.created_at)).all()
    return [{"season": season, "kind": a.kind, "before_fen": a.before_fen, "after_fen": a.after_fen,
             "reason": a.reason, "approved_by": user, "at": iso_utc(a.created_at)} for a, season, user in rows]


def _field_records(household_id):
    rows = db.session.execute(sa.select(FieldRecord, User.username, User.name)
                              .outerjoin(User, User.id == FieldRecord.collector_id)
                              .where(FieldRecord.household_id == household_id)
                              .order_by(FieldRecord.at.desc(), FieldRecord.id.desc())).all()
    return [{"id": f.id, "op_id": f.op_id, "kind": f.kind, "season": f.season_id, "at": iso_utc(f.at),
             "collector": user, "collector_name": name, "state": f.state, "data": f.data or {},
             "photos": list((f.data or {}).get("photo_ids") or [])} for f, user, name in rows]


def _suspensions(household_id):
    return [suspensions.out(s) for s in db.session.scalars(sa.select(SuspensionApplication).where(
        SuspensionApplication.household_id == household_id).order_by(SuspensionApplication.applied_on,
                                                                     SuspensionApplication.id))]
