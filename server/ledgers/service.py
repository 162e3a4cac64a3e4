"""收费台账: the daily, weekly, monthly and season ledgers, derived from the journal (DESIGN.md inv. 5, 6).

A ledger is never stored: it is read from the journal every time, by posting date (PROTOCOL.md, Ledger
dates). Only the day close is stored, as a snapshot with a digest of the day's entries.
"""
import hashlib
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from sync.merge import posting_date

from ..changes import audit, begin_write
from ..errors import ApiError
from ..extensions import db
from ..models import Allocation, Bill, Building, Household, Payment, Project, Season, User, utcnow
from ..models.ledger import DayClose
from ..estate.address import flat_label
from . import handovers
from ..timefmt import iso_utc, shanghai_date

_reversal = aliased(Payment)
_original = aliased(Payment)  # the payment a reversal reverses


def posted_entries():
    """The journal entries that are money on their posting date.

    Held payments are excluded: they are not money yet (a revoked device's cash waits for a clerk,
    PROTOCOL.md, Authentication). A held payment the clerk then voided never counted and has no reversal,
    so it stays out too. A payment voided later stays on its own day; its reversal (negative) is on the
    day of the reversal (DOMAIN.md §6: later fixes appear on the day they are made).
    """
    reversed_ids = sa.select(_reversal.reverses_id).where(_reversal.kind == "reversal",
                                                          _reversal.reverses_id.is_not(None))
    return sa.or_(Payment.kind == "reversal", Payment.state.in_(("recorded", "void_requested")),
                  sa.and_(Payment.state == "voided", Payment.id.in_(reversed_ids)))


def _where(start: date, end: date, collector: str | None, project: str | None) -> list:
    where = [Payment.posted_on >= start, Payment.posted_on <= end, posted_entries()]
    if collector:
        where.append(User.username == collector)
    if project:
        where.append(Project.name == project)
    return where


def _joined(stmt):
    return (stmt.join(Household, Household.id == Payment.household_id)
            .join(Building, Building.id == Household.building_id).join(Project, Project.id == Building.project_id)
            .outerjoin(User, User.id == Payment.collector_id))


def _check_filters(collector: str | None, project: str | None):
    if collector and db.session.scalar(sa.select(User.id).where(User.username == collector)) is None:
        raise ApiError("bad_request", {"fields": {"collector": [f"unknown collector: {collector}"]}})
    if project and db.session.scalar(sa.select(Project.id).where(Project.name == project)) is None:
        raise ApiError("bad_request", {"fields": {"project": [f"unknown project: {project}"]}})


def _totals(rows) -> dict:
    """rows of (method, count, amount_fen) → {"count", "amount_fen", "by_method"}."""
    by_method = defaultdict(int)
    count = 0
    for method, n, amount in rows:
        by_method[method] += int(amount or 0)
        count += n
    return {"count": count, "amount_fen": sum(by_method.values()), "by_method": dict(sorted(by_method.items()))}


def _entry(p: Payment, unit, room, building, project, collector, collector_name=None, reverses_posted_on=None,
           states: dict | None = None) -> dict:
    """One line of the daily ledger. `states`: a closed day's entry states as they were at the close (a
    payment voided later reads as it was closed, beside the total that counts it; its reversal is a line of
    the day it was made, naming the day of the payment it reverses: DOMAIN.md §6, DESIGN.md inv. 6)."""
    return {"receipt_no": p.receipt_no, "household_id": p.household_id, "label": flat_label(building, unit, room),
            "project": project, "collector": collector, "collector_name": collector_name, "method": p.method,
            "amount_fen": p.amount_fen,
            "collected_at": iso_utc(p.collected_at), "posted_on": p.posted_on.isoformat(),
            # 补录: collected on an earlier Shanghai date than it was posted (PROTOCOL.md, Ledger dates)
            "late": shanghai_date(p.collected_at) < p.posted_on, "kind": p.kind,
            "season": p.season_id,
            "state": p.state if states is None else states.get(str(p.id), "recorded"),
            "reverses_posted_on": reverses_posted_on.isoformat() if reverses_posted_on else None}


def _states_at_close(day: date) -> dict:
    """{payment id: state} of the day's entries that were not plainly recorded when the day was closed."""
    return {str(i): state for i, state in db.session.execute(sa.select(Payment.id, Payment.state).where(
        Payment.posted_on == day, posted_entries(), Payment.state != "recorded"))}


def daily(day: date, collector: str | None = None, project: str | None = None, page: int = 1,
          per_page: int | None = None) -> dict:
    """日帐: exactly the journal entries posted on `day` (posted_on, Asia/Shanghai), held payments excluded."""
    _check_filters(collector, project)
    where = _where(day, day, collector, project)
    rows = db.session.execute(_joined(sa.select(Payment.method, sa.func.count(), sa.func.sum(Payment.amount_fen)))
                              .where(*where).group_by(Payment.method)).all()
    totals = _totals(rows)
    stmt = _joined(sa.select(Payment, Household.unit, Household.room, Building.name, Project.name, User.username,
                             User.name, _original.posted_on)).outerjoin(_original, _original.id == Payment.reverses_id) \
        .where(*where).order_by(Payment.posted_at, Payment.id)
    if per_page:
        stmt = stmt.limit(per_page).offset((page - 1) * per_page)
    close = db.session.scalar(sa.select(DayClose).where(DayClose.posted_on == day))
    states = close.entry_states if close is not None else None  # None: open, or closed before states were kept
    entries = [_entry(*row, states=states) for row in db.session.execute(stmt)]
    return {"date": day.isoformat(), "entries": entries, "totals": totals,
            "closed": close_record(close) if close else None,
            "page": page, "per_page": per_page or totals["count"], "total": totals["count"]}


def period(start: date, end: date, collector: str | None = None, project: str | None = None) -> dict:
    """周帐 / 月帐: the same journal entries as the daily ledgers of the period, by day and by project."""
    _check_filters(collector, project)
    where = _where(start, end, collector, project)
    rows = db.session.execute(_joined(sa.select(Payment.posted_on, Project.name, Payment.method, sa.func.count(),
                                                sa.func.sum(Payment.amount_fen)))
                              .where(*where).group_by(Payment.posted_on, Project.name, Payment.method)).all()
    days, projects = defaultdict(list), defaultdict(list)
    for posted_on, project_name, method, n, amount in rows:
        days[posted_on].append((method, n, amount))
        projects[project_name].append((method, n, amount))
    households = dict(db.session.execute(_joined(sa.select(Project.name, sa.func.count(
        sa.distinct(Payment.household_id)))).where(*where, Payment.kind == "payment").group_by(Project.name)).all())
    by_day = [{"date": d.isoformat(), **_totals(days[d])} for d in _dates(start, end)]
    by_project = [{"project": name, "households": households.get(name, 0), **_totals(projects[name])}
                  for name in sorted(projects)]
    return {"start": start.isoformat(), "end": end.isoformat(),
            "totals": _totals([(m, n, a) for _, _, m, n, a in rows]), "by_day": by_day, "by_project": by_project}


def _dates(start: date, end: date):
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


# --- season total (总帐) -----------------------------------------------------------------------------

def rate(numerator, denominator) -> str | None:
    """A rate as a decimal string with 4 places, half-up ("0.8123"); None when nothing is due.

    A string, not a float, so a client that sums or compares never meets binary rounding."""
    if not denominator:
        return None
    return str((Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.0001"), ROUND_HALF_UP))


def _figures(due, collected, households, paid_households, area, paid_area) -> dict:
    area, paid_area = Decimal(area or 0), Decimal(paid_area or 0)
    return {"due_fen": int(due or 0), "collected_fen": int(collected or 0),
            "outstanding_fen": int(due or 0) - int(collected or 0), "collection_rate": rate(collected or 0, due),
            "households": int(households or 0), "households_paid": int(paid_households or 0),
            "household_rate": rate(paid_households or 0, households),
            "area_m2": str(area.quantize(Decimal("0.01"))), "area_paid_m2": str(paid_area.quantize(Decimal("0.01"))),
            "area_rate": rate(paid_area, area)}


def season_total(season_id: str | None) -> dict:
    """总帐 of one season: 应收 (due), 实收 (collected), outstanding and rates, company-wide and by project.

    collected = the sum of the allocations to the season's bills as they stand (a reversal's negative
    allocations included, so a voided payment counts for nothing); collection_rate = collected ÷ due of
    the same bills (DOMAIN.md §6, DESIGN.md inv. 5). Credit (预存) allocated to no bill is not collected for
    any season. Household and area rates count the bills with something due, paid when nothing is left.
    """
    season = db.session.get(Season, season_id) if season_id else db.session.scalar(
        sa.select(Season).where(Season.open).order_by(Season.starts_on.desc()))
    if season is None:
        raise ApiError("bad_request", {"fields": {"season": [f"unknown season: {season_id}"]}})
    collected = (sa.select(Allocation.bill_id, sa.func.sum(Allocation.amount_fen).label("fen"))
                 .group_by(Allocation.bill_id).subquery())
    got = sa.func.coalesce(collected.c.fen, 0)
    billed = Bill.due_fen > 0
    paid_up = sa.and_(billed, got >= Bill.due_fen)
    stmt = (sa.select(Project.name, Project.target_rate, sa.func.sum(Bill.due_fen), sa.func.sum(got),
                      sa.func.sum(sa.case((billed, 1), else_=0)), sa.func.sum(sa.case((paid_up, 1), else_=0)),
                      sa.func.sum(sa.case((billed, Bill.area_m2), else_=0)),
                      sa.func.sum(sa.case((paid_up, Bill.area_m2), else_=0)))
            .select_from(Bill).outerjoin(collected, collected.c.bill_id == Bill.id)
            .join(Household, Household.id == Bill.household_id).join(Building, Building.id == Household.building_id)
            .join(Project, Project.id == Building.project_id)
            .where(Bill.season_id == season.id).group_by(Project.name, Project.target_rate).order_by(Project.name))
    by_project, sums = [], [0, 0, 0, 0, Decimal(0), Decimal(0)]
    for name, target, *figures in db.session.execute(stmt):
        sums = [a + (b or 0) for a, b in zip(sums, figures)]
        row = {"project": name, **_figures(*figures)}
        target = Decimal(target)
        target_fen = int((target * row["due_fen"]).quantize(Decimal("1"), ROUND_HALF_UP))
        row.update(target_rate=str(target.quantize(Decimal("0.0001"))), target_fen=target_fen,
                   target_gap_fen=max(target_fen - row["collected_fen"], 0),
                   rate_gap=None if row["collection_rate"] is None
                   else str(target.quantize(Decimal("0.0001")) - Decimal(row["collection_rate"])))
        by_project.append(row)
    return {"season": season.id, **_figures(*sums), "by_project": by_project}


# --- day close (日结) ---------------------------------------------------------------------------------

def _day_fingerprint(day: date) -> tuple[dict, str]:
    """The day's totals and a sha256 over its entries (id, kind, method, amount), in id order."""
    rows = db.session.execute(sa.select(Payment.id, Payment.kind, Payment.method, Payment.amount_fen)
                              .where(Payment.posted_on == day, posted_entries()).order_by(Payment.id)).all()
    digest = hashlib.sha256("\n".join(f"{i}|{k}|{m}|{a}" for i, k, m, a in rows).encode()).hexdigest()
    totals = _totals([(m, 1, a) for _, _, m, a in rows])
    return totals, digest


def close_record(close: DayClose) -> dict:
    _, digest = _day_fingerprint(close.posted_on)
    over = close.over_short_fen
    closer = db.session.get(User, close.closed_by) if close.closed_by else None
    return {"date": close.posted_on.isoformat(), "count": close.count, "amount_fen": close.amount_fen,
            "by_method": close.by_method, "cash_fen": close.cash_fen, "cash_counted_fen": close.cash_counted_fen,
            "over_short_fen": over,
            "over_short": None if over is None else "长款" if over > 0 else "短款" if over < 0 else "相符",
            "deposit_ref": close.deposit_ref, "closed_by": closer.username if closer else None,
            "closed_at": iso_utc(close.closed_at), "digest": close.digest, "unchanged": digest == close.digest,
            "handovers": close.handovers or []}


def close_day(day: date, deposit_ref: str | None, user_id: int | None, now=None) -> dict:
    """日结: lock a posting date with its totals once every collector with cash that day has handed over
    (409 handover_missing naming them otherwise; OFFICE.md, Daily close).

    Today may be closed too: what is synced after the close posts to the next open day as a late entry
    (server/ledgers/days.py), so a closed day never changes (DESIGN.md inv. 6). The close keeps each
    collector's hand-over as it stood; cash_counted_fen and over_short_fen are their sums.
    """
    now = now or utcnow()
    if day > posting_date(now):
        raise ApiError("day_not_over", {"date": day.isoformat(), "today": posting_date(now).isoformat()})
    begin_write()
    close = db.session.scalar(sa.select(DayClose).where(DayClose.posted_on == day))
    if close is not None:
        db.session.rollback()
        raise ApiError("day_closed", {"date": day.isoformat(), "closed_at": iso_utc(close.closed_at)})
    absent = handovers.missing(day)
    if absent:
        db.session.rollback()
        raise ApiError("handover_missing", {"date": day.isoformat(), "collectors": absent})
    rows = [{k: r[k] for k in ("collector", "expected_cash_fen", "counted_fen", "over_short_fen", "slip_no",
                               "state", "handover_id")} for r in handovers.day_rows(day)]
    totals, digest = _day_fingerprint(day)
    counted = [r for r in rows if r["counted_fen"] is not None]
    close = DayClose(posted_on=day, count=totals["count"], amount_fen=totals["amount_fen"],
                     cash_fen=totals["by_method"].get("cash", 0), by_method=totals["by_method"], digest=digest,
                     cash_counted_fen=sum(r["counted_fen"] for r in counted) if counted else None,
                     over_short_fen=sum(r["over_short_fen"] for r in counted) if counted else None,
                     deposit_ref=deposit_ref, handovers=rows, entry_states=_states_at_close(day),
                     closed_by=user_id, closed_at=now)
    db.session.add(close)
    db.session.flush()
    audit("day.closed", "day_close", day.isoformat(), None,
          {"amount_fen": close.amount_fen, "cash_fen": close.cash_fen, "cash_counted_fen": close.cash_counted_fen,
           "over_short_fen": close.over_short_fen, "deposit_ref": close.deposit_ref, "digest": close.digest,
           "handovers": rows}, None, user_id, now)
    record = close_record(close)
    db.session.commit()
    return record


def close_past_days(now=None, lookback_days: int = 31) -> dict:
    """The scheduled close (23:59 Asia/Shanghai): every day of the last weeks that is over, has entries and
    is still open gets closed, unless a collector with cash that day has not handed over: such a day stays
    open and is reported with the collectors it waits for (a clerk sees them on the hand-over screen)."""
    now = now or utcnow()
    today = posting_date(now)
    days = db.session.scalars(sa.select(Payment.posted_on).distinct().where(
        Payment.posted_on < today, Payment.posted_on >= today - timedelta(days=lookback_days), posted_entries(),
        Payment.posted_on.not_in(sa.select(DayClose.posted_on))).order_by(Payment.posted_on)).all()
    closed, left_open = [], {}
    for day in days:
        try:
            close_day(day, None, None, now)
            closed.append(day.isoformat())
        except ApiError as e:  # collectors still to hand over, or another worker closed it first
            db.session.rollback()
            if e.code == "handover_missing":
                left_open[day.isoformat()] = e.details["collectors"]
    return {"closed": closed, "left_open": left_open}


# --- stale devices ---------------------------------------------------------------------------------

def flag_stale_devices(now=None, hours: int = 48) -> int:
    """A collector's device that has synced before but not for `hours` may hold cash in its outbox that
    no ledger shows yet: open one review item `device_stale` per such device (none while one is open)."""
    from ..models import Device, ReviewItem
    now = now or utcnow()
    begin_write()
    open_for = set(db.session.scalars(sa.select(ReviewItem.details["device_id"].as_string()).where(
        ReviewItem.kind == "device_stale", ReviewItem.state == "open")))
    stale = db.session.execute(sa.select(Device, User).join(User, User.id == Device.user_id).where(
        User.role == "collector", Device.revoked_at.is_(None), Device.last_seen_at.is_not(None),
        Device.last_seen_at < now - timedelta(hours=hours))).all()
    opened = 0
    for device, user in stale:
        if device.id in open_for:
            continue
        db.session.add(ReviewItem(kind="device_stale", flags=[], collector_id=user.id, created_at=now, details={
            "device_id": device.id, "device_code": device.code, "last_seen_at": iso_utc(device.last_seen_at),
            "hours": hours, "device_last_seq": device.seq_contiguous, "seq_max": device.seq_max}))
        opened += 1
    db.session.commit()
    return opened
