"""The household record a phone caches (PROTOCOL.md, Pull), built for many households in a few queries."""
from collections import defaultdict
from datetime import datetime, timezone

import sqlalchemy as sa

from sync.ops import SHANGHAI
from sync.receipts import masked_phone

from ..billing.service import credits_of
from ..estate.address import flat_label
from ..extensions import db
from ..models import Bill, Building, ChangeLog, FieldRecord, Household, Party, Payment, Project, ReviewItem, Season
from ..timefmt import iso_utc


_PAYMENT_COLUMNS = (Payment.id, Payment.household_id, Payment.op_id, Payment.receipt_no, Payment.amount_fen,
                    Payment.method, Payment.collected_at, Payment.state, Payment.flags, Payment.named_season_id,
                    Payment.season_id)
_CHUNK = 5000


def seasons() -> list[Season]:
    return list(db.session.scalars(sa.select(Season).order_by(Season.starts_on)))


def payment_seasons(all_seasons: list[Season]) -> list[str]:
    """The open season and the one before it: the payments a collector may be asked about at the door."""
    ids = [s.id for s in all_seasons]
    open_ids = [s.id for s in all_seasons if s.open]
    if not open_ids:
        return ids[-2:]
    i = ids.index(open_ids[-1])
    return ids[max(i - 1, 0):i + 1]


def payments_since(all_seasons: list[Season], recent: list[str]) -> datetime | None:
    """Payments collected since the payment window of the previous season opened (May 1, DOMAIN.md §1)
    are listed too, whatever old season they paid: the collector took them this year."""
    first = next((s for s in all_seasons if s.id in recent), None)
    if first is None:
        return None
    return datetime(first.starts_on.year, 5, 1, tzinfo=SHANGHAI).astimezone(timezone.utc).replace(tzinfo=None)


def household_records(ids: list[str], all_seasons: list[Season] | None = None) -> list[dict]:
    if not ids:
        return []
    all_seasons = all_seasons if all_seasons is not None else seasons()
    order = {s.id: i for i, s in enumerate(all_seasons)}
    rows = db.session.execute(
        sa.select(Household, Building.name, Project.name, Party.name, Party.phone)
        .join(Building, Building.id == Household.building_id).join(Project, Project.id == Building.project_id)
        .join(Party, Party.id == Household.owner_id).where(Household.id.in_(ids))
        .execution_options(populate_existing=False)).all()
    bills, payments, visits = defaultdict(list), defaultdict(list), defaultdict(list)
    # The version is the number of the household's change-log rows (DESIGN.md inv. 7): every change writes one,
    # none is ever deleted. A count, not the latest change_seq: small numbers that repeat compress in the
    # gzipped snapshot (issue 3, ≤ 150 B per household). Read from the index (household_id, change_seq) alone.
    versions = dict(db.session.execute(sa.select(ChangeLog.household_id, sa.func.count())
                                       .where(ChangeLog.household_id.in_(ids))
                                       .group_by(ChangeLog.household_id)).all())
    for b in db.session.execute(sa.select(Bill.household_id, Bill.season_id, Bill.due_fen, Bill.paid_fen)
                                .where(Bill.household_id.in_(ids))):
        bills[b.household_id].append({"season": b.season_id, "due_fen": b.due_fen, "paid_fen": b.paid_fen,
                                      "balance_fen": max(b.due_fen - b.paid_fen, 0)})
    recent = set(payment_seasons(all_seasons))
    cutoff = payments_since(all_seasons, list(recent))
    # Driven from the households alone, through the index (household_id, collected_at): every payment of
    # the page's households is read and those the phone does not list are dropped here. The old form also
    # asked for `season_id IN (recent) OR collected_at >= cutoff` in SQL, and SQLite without statistics
    # planned that as a union of index lookups, one of them every payment of the two recent seasons: on a
    # journal of 1,000,000 that read 654,841 rows for a collector's 40 households (549–584 ms instead of
    # ~2 ms; bench/big_db.py). A household has a payment or two a season, so reading its older ones too
    # costs little, and no planner, statistics or not, can choose a scan of the journal for this query.
    shown = {}
    for p in db.session.execute(sa.select(*_PAYMENT_COLUMNS).where(Payment.household_id.in_(ids),
                                                                    Payment.kind == "payment")
                                .order_by(Payment.household_id, Payment.collected_at)):
        if p.season_id in recent or (cutoff is not None and p.collected_at >= cutoff):
            shown[p.id] = p
    decisions = defaultdict(list)
    # By the review items' own index on payment_id (migration 0006), in pieces: the bound parameters of one
    # statement are limited (32,766 on SQLite) and a page of 5,000 households lists more payments.
    shown_ids = list(shown)
    for k in range(0, len(shown_ids), _CHUNK):
        for r in db.session.execute(sa.select(ReviewItem.payment_id, ReviewItem.kind, ReviewItem.state,
                                              ReviewItem.decision)
                                    .where(ReviewItem.payment_id.in_(shown_ids[k:k + _CHUNK]))
                                    .order_by(ReviewItem.id)):
            decisions[r.payment_id].append({"kind": r.kind, "state": r.state, "decision": r.decision})
    for p in sorted(shown.values(), key=lambda p: p.collected_at):
        record = {"op_id": p.op_id, "receipt_no": p.receipt_no, "amount_fen": p.amount_fen, "method": p.method,
                  "collected_at": iso_utc(p.collected_at), "state": p.state, "flags": p.flags or [],
                  "season": p.named_season_id}
        if p.id in decisions:  # extensions to PROTOCOL.md are sent only when they say something
            record["review"] = decisions[p.id]
        payments[p.household_id].append(record)
    for v in db.session.execute(sa.select(FieldRecord.household_id, FieldRecord.kind, FieldRecord.at,
                                          FieldRecord.data).where(FieldRecord.household_id.in_(ids))
                                .order_by(FieldRecord.at.desc())):
        if len(visits[v.household_id]) < 3:
            visits[v.household_id].append({"kind": v.kind, "at": iso_utc(v.at),
                                           "finding": (v.data or {}).get("finding") or (v.data or {}).get("kind")})
    from ..complaints.service import for_cards  # it labels its lists with label() above
    complaints = for_cards(ids)
    credits = credits_of(ids)  # 预存: the phone's 楼盘表 shows it (sync/grid.py); sent only when there is some
    out = []
    # Neighbours next to each other: similar records compress better in the gzipped page (issue 3, Speed).
    rows.sort(key=lambda r: (r[2], r[1].zfill(6), r[0].unit.zfill(4), r[0].room.zfill(6)))
    for h, building, project, owner, phone in rows:
        record = {
            "id": h.id, "version": versions.get(h.id, 0), "project": project, "building": building, "unit": h.unit,
            "room": h.room, "label": flat_label(building, h.unit, h.room), "owner_name": owner,
            "owner_initials": h.owner_initials, "phone_masked": masked_phone(phone), "area_m2": f"{h.area_m2:.2f}",
            "category": h.category, "status": h.status,
            "bills": sorted(bills[h.id], key=lambda b: order.get(b["season"], 0)),
            "payments": payments[h.id], "dunning_stage": h.dunning_stage}
        if phone:
            record["phone"] = phone  # the collector taps to call; the card shows phone_masked
        if visits[h.id]:
            record["visits"] = visits[h.id]
        if h.id in credits:
            record["credit_fen"] = credits[h.id]
        if complaints.get(h.id):  # optional, sent only when there is one: old clients ignore it
            record["complaints"] = complaints[h.id]
        out.append(record)
    return out
