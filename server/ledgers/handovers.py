"""交款: each collector's cash counted by the cashier on the day it was taken (DOMAIN.md §5; OFFICE.md, Cash).

The expected cash of a collector and posting date is what their synced cash receipts of that date carry, not
voided; the cashier's count stands beside it and over/short = counted − expected (长款 > 0, 短款 < 0). A count
is never edited: a correction is a new record on the day it is made, and the first one stays.
"""
from datetime import date

import sqlalchemy as sa

from sync.merge import posting_date

from ..changes import audit, begin_write
from ..errors import ApiError
from ..extensions import db
from ..models import Payment, User, fen_sum, utcnow
from ..models.ledger import CashHandover, DayClose
from ..timefmt import iso_utc

_LIVE = ("recorded", "void_requested")  # a voided receipt carries no cash; a held one is not money yet


def expected_cash(day: date) -> dict[int, int]:
    """collector id → the cash their receipts posted on `day` carry (payments, not voided, method cash)."""
    rows = db.session.execute(sa.select(Payment.collector_id, fen_sum(Payment.amount_fen)).where(
        Payment.posted_on == day, Payment.kind == "payment", Payment.method == "cash", Payment.state.in_(_LIVE),
        Payment.collector_id.is_not(None)).group_by(Payment.collector_id)).all()
    return {collector: int(fen) for collector, fen in rows if fen}


def _latest(day: date) -> dict[int, list[CashHandover]]:
    """collector id → their records for `day`, first to latest."""
    chains: dict[int, list[CashHandover]] = {}
    for h in db.session.scalars(sa.select(CashHandover).where(CashHandover.posted_on == day)
                                .order_by(CashHandover.collector_id, CashHandover.seq)):
        chains.setdefault(h.collector_id, []).append(h)
    return chains


def _record(h: CashHandover, names: dict) -> dict:
    return {"id": h.id, "date": h.posted_on.isoformat(), "collector": names.get(h.collector_id), "seq": h.seq,
            "expected_cash_fen": h.expected_cash_fen, "counted_fen": h.counted_fen,
            "over_short_fen": h.over_short_fen, "slip_no": h.slip_no, "reason": h.reason,
            "corrects_id": h.corrects_id, "recorded_on": h.recorded_on.isoformat(),
            "recorded_by": names.get(h.recorded_by), "recorded_at": iso_utc(h.recorded_at)}


def _names(ids) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(User.id, User.username).where(User.id.in_(ids))).all())


def day_rows(day: date) -> list[dict]:
    """Per collector with cash on `day` or a hand-over for it: expected (now), the latest count, over/short
    against the expected cash now, and the state: handed_over, corrected or missing."""
    expected, chains = expected_cash(day), _latest(day)
    ids = set(expected) | set(chains)
    names = _names(ids | {h.recorded_by for chain in chains.values() for h in chain})
    rows = []
    for collector_id in sorted(ids, key=lambda i: names.get(i) or ""):
        chain = chains.get(collector_id, [])
        latest = chain[-1] if chain else None
        cash = expected.get(collector_id, 0)
        rows.append({
            "collector": names.get(collector_id), "expected_cash_fen": cash,
            "counted_fen": latest.counted_fen if latest else None,
            "over_short_fen": latest.counted_fen - cash if latest else None,
            "slip_no": next((h.slip_no for h in reversed(chain) if h.slip_no), None),
            "state": "missing" if latest is None else "corrected" if latest.seq else "handed_over",
            "handover_id": chain[0].id if chain else None,
            "records": [_record(h, names) for h in chain]})
    return rows


def listing(day: date) -> dict:
    """GET /handovers?date=: the day's collectors, who is missing, and corrections made on that day for
    earlier dates (a correction shows on the day it is made)."""
    rows = day_rows(day)
    later = db.session.scalars(sa.select(CashHandover).where(
        CashHandover.recorded_on == day, CashHandover.posted_on < day, CashHandover.seq > 0)
        .order_by(CashHandover.id)).all()
    names = _names({h.collector_id for h in later} | {h.recorded_by for h in later})
    close = db.session.scalar(sa.select(DayClose).where(DayClose.posted_on == day))
    return {"date": day.isoformat(), "items": rows, "total": len(rows),
            "missing": [r["collector"] for r in rows if r["state"] == "missing"],
            "closed": close is not None, "corrections_made": [_record(h, names) for h in later]}


def missing(day: date) -> list[str]:
    """Usernames of the collectors with cash on `day` and no hand-over for it."""
    handed = set(db.session.scalars(sa.select(CashHandover.collector_id).where(CashHandover.posted_on == day)))
    ids = [i for i in expected_cash(day) if i not in handed]
    return sorted(_names(ids).values())


def _collector(username: str, day: date) -> User:
    """A collector, or anyone whose receipts carry cash that day (a collector since made a clerk still hands
    over what they took: the day waits for them)."""
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None or (user.role != "collector" and user.id not in expected_cash(day)):
        db.session.rollback()
        raise ApiError("bad_request", {"fields": {"collector": [f"unknown collector: {username}"]}})
    return user


def hand_over(day: date, username: str, cash_fen: int, slip_no: str | None, user_id: int | None,
              now=None) -> dict:
    """Record a collector's hand-over for `day`: on the day itself (collectors hand in their cash at the end
    of it, one by one) or later while the day is open (a cashier who counts the next morning); never for a
    day to come. Once per collector and date (409 handover_exists; a wrong count is corrected, not recounted)."""
    now = now or utcnow()
    today = posting_date(now)
    if day > today:
        raise ApiError("handover_future", {"date": day.isoformat(), "today": today.isoformat()})
    begin_write()
    collector = _collector(username, day)
    first = db.session.scalar(sa.select(CashHandover).where(
        CashHandover.posted_on == day, CashHandover.collector_id == collector.id, CashHandover.seq == 0))
    if first is not None:
        db.session.rollback()
        raise ApiError("handover_exists", {"date": day.isoformat(), "collector": username, "id": first.id})
    if db.session.scalar(sa.select(DayClose.id).where(DayClose.posted_on == day)) is not None:
        db.session.rollback()
        raise ApiError("day_closed", {"date": day.isoformat()})
    expected = expected_cash(day).get(collector.id, 0)
    h = CashHandover(posted_on=day, collector_id=collector.id, seq=0, expected_cash_fen=expected,
                     counted_fen=cash_fen, over_short_fen=cash_fen - expected, slip_no=slip_no, recorded_on=today,
                     recorded_by=user_id, recorded_at=now)
    db.session.add(h)
    db.session.flush()
    audit("handover.recorded", "cash_handover", h.id, None, _audited(h, username), None, user_id, now)
    out = _record(h, _names({collector.id, user_id}))
    db.session.commit()
    return out


def correct(handover_id: int, cash_fen: int, reason: str, user_id: int | None, now=None) -> dict:
    """A correction of a count: a new record (the next seq) on the day it is made; the first one stays.
    Expected cash is taken again now, so the correction's over/short is against the receipts as they are."""
    now = now or utcnow()
    begin_write()
    first = db.session.get(CashHandover, handover_id)
    if first is None:
        db.session.rollback()
        raise ApiError("not_found", {"handover": handover_id})
    chain = db.session.scalars(sa.select(CashHandover).where(
        CashHandover.posted_on == first.posted_on, CashHandover.collector_id == first.collector_id)
        .order_by(CashHandover.seq)).all()
    latest = chain[-1]
    expected = expected_cash(first.posted_on).get(first.collector_id, 0)
    h = CashHandover(posted_on=first.posted_on, collector_id=first.collector_id, seq=latest.seq + 1,
                     expected_cash_fen=expected, counted_fen=cash_fen, over_short_fen=cash_fen - expected,
                     slip_no=latest.slip_no, corrects_id=latest.id, reason=reason, recorded_on=posting_date(now),
                     recorded_by=user_id, recorded_at=now)
    db.session.add(h)
    db.session.flush()
    names = _names({first.collector_id, user_id})
    audit("handover.corrected", "cash_handover", h.id, _audited(latest, names.get(first.collector_id)),
          _audited(h, names.get(first.collector_id)), reason, user_id, now)
    out = _record(h, names)
    db.session.commit()
    return out


def _audited(h: CashHandover, username: str | None) -> dict:
    return {"date": h.posted_on.isoformat(), "collector": username, "seq": h.seq,
            "expected_cash_fen": h.expected_cash_fen, "counted_fen": h.counted_fen,
            "over_short_fen": h.over_short_fen, "slip_no": h.slip_no}
