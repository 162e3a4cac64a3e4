"""退费: a refund proposed, approved or rejected, then paid out (DOMAIN.md §1 refund formulas, §8(d) cases 6
and 9; OFFICE.md "A household's life").

The amounts are sync's: sync.refunds.no_heat_refund_fen (case 6) and assess_low_temperature (case 9, from the
household's signed temperature_check records); an overpayment or a suspension refunds credit (预存,
billing.credit_of). The original payment is never edited: approval of a no-heat or low-temperature refund
lowers the bill through a BillAdjustment (the money paid beyond the new due becomes credit), and the payout is
a journal entry of kind "refund", negative, on the day it was paid, which the daily ledger lists and which
credit_of subtracts. Each function owns its transaction; every change is audited.
"""
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from sync.merge import posting_date
from sync.ops import SHANGHAI, parse_time
from sync.refunds import TempReading, assess_low_temperature, no_heat_refund_fen
from sync.rules import Approval, ApprovalRequired, require_approval_if_closed
from sync.vacancy import APPROVED as SUSPENDED, RESUMED

from ..billing import service as billing
from ..changes import audit, begin_write, touch
from ..errors import ApiError
from ..extensions import db
from ..fees.rules import fee_rules
from ..models import (Allocation, Bill, FieldRecord, Household, Payment, Refund, Season, SuspensionApplication, User,
                      fen_sum, utcnow)
from ..models.ledger import DayClose
from ..suspensions.service import is_closed, rule_season
from ..timefmt import iso_utc

KINDS = ("no_heat", "low_temperature", "overpayment", "suspension")
STATES = PROPOSED, APPROVED, PAID, REJECTED = ("proposed", "approved", "paid", "rejected")
# The bill adjustment an approval makes; the other kinds refund credit and leave the bills as they are.
ADJUSTMENT = {"no_heat": "refund_no_heat", "low_temperature": "refund_temp"}
_FROM_CREDIT = ("overpayment", "suspension")
RECEIPT_PREFIX = "TF"


def out(r: Refund) -> dict:
    """A refund as the API and the household page show it."""
    ids = [i for i in (r.proposed_by, r.decided_by, r.paid_by) if i]
    names = dict(db.session.execute(sa.select(User.id, User.username).where(User.id.in_(ids))).all()) if ids else {}
    return {"id": r.id, "household_id": r.household_id, "season": r.season_id, "bill_id": r.bill_id, "kind": r.kind,
            "days": r.days, "area_m2": None if r.area_m2 is None else str(r.area_m2),
            "ratio": None if r.ratio is None else str(r.ratio), "amount_fen": r.amount_fen, "state": r.state,
            "reason": r.reason, "proposed_by": names.get(r.proposed_by), "decided_by": names.get(r.decided_by),
            "decided_at": iso_utc(r.decided_at) if r.decided_at else None, "decision_reason": r.decision_reason,
            "method": r.method, "paid_on": r.paid_on.isoformat() if r.paid_on else None,
            "paid_by": names.get(r.paid_by), "receipt_no": r.receipt_no, "adjustment_id": r.adjustment_id,
            "created_at": iso_utc(r.created_at)}


def of_household(household_id: str) -> list[dict]:
    return [out(r) for r in db.session.scalars(sa.select(Refund).where(Refund.household_id == household_id)
                                               .order_by(Refund.created_at, Refund.id))]


def list_refunds(state: str | None, household_id: str | None, page: int, per_page: int) -> dict:
    where = []
    if state:
        where.append(Refund.state == state)
    if household_id:
        where.append(Refund.household_id == household_id)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Refund).where(*where))
    rows = db.session.scalars(sa.select(Refund).where(*where).order_by(Refund.id.desc())
                              .limit(per_page).offset((page - 1) * per_page))
    return {"items": [out(r) for r in rows], "page": page, "per_page": per_page, "total": total}


def _snapshot(r: Refund) -> dict:
    return {"state": r.state, "amount_fen": r.amount_fen, "adjustment_id": r.adjustment_id,
            "receipt_no": r.receipt_no, "paid_on": r.paid_on.isoformat() if r.paid_on else None}


def _load(refund_id: int) -> Refund:
    r = db.session.get(Refund, refund_id, with_for_update=True)
    if r is None:
        raise ApiError("not_found", {"refund_id": refund_id})
    return r


def _require_state(r: Refund, *states: str):
    if r.state not in states:
        raise ApiError("refund_state", {"state": r.state, "allowed": list(states)})


def _bill(household_id: str, season_id: str) -> Bill | None:
    return db.session.scalar(sa.select(Bill).where(Bill.household_id == household_id, Bill.season_id == season_id)
                             .with_for_update())


def _invalid(field: str, why: str):
    return ApiError("validation_failed", {"fields": {field: [why]}})


# --- proposal ------------------------------------------------------------------------------------------

def propose(household_id: str, season_id: str, kind: str, days: int | None, area_m2: Decimal | None,
            ratio: Decimal | None, reason: str, user: User) -> dict:
    """Propose a refund; its amount is computed now, by the rule of its kind, and kept with its figures."""
    begin_write()
    household = db.session.get(Household, household_id[:36])
    if household is None:
        raise ApiError("not_found", {"household_id": household_id[:36]})
    season = db.session.get(Season, season_id)
    if season is None:
        raise ApiError("not_found", {"season": season_id})
    bill = _bill(household.id, season.id)
    r = Refund(household_id=household.id, season_id=season.id, bill_id=bill.id if bill else None, kind=kind,
               state=PROPOSED, reason=reason, proposed_by=user.id, created_at=utcnow())
    if kind == "no_heat":
        _no_heat(r, bill, season, days)
    elif kind == "low_temperature":
        _low_temperature(r, bill, season, ratio)
    else:
        _from_credit(r, bill, household.id, season.id)
    db.session.add(r)
    db.session.flush()
    audit("refund.proposed", "refund", r.id, None, {"household_id": r.household_id, "season": r.season_id,
          "kind": kind, "days": r.days, "area_m2": None if r.area_m2 is None else str(r.area_m2),
          "ratio": None if r.ratio is None else str(r.ratio), "amount_fen": r.amount_fen}, reason, user.id)
    db.session.commit()
    return out(r)


def _require_bill(bill: Bill | None, season: Season) -> Bill:
    if bill is None:
        raise ApiError("nothing_to_refund", {"season": season.id, "bill": None})
    return bill


def _no_heat(r: Refund, bill: Bill | None, season: Season, days: int | None):
    """Case 6: season fee ÷ legal days × days without heat, rounded once (sync.refunds.no_heat_refund_fen)."""
    bill = _require_bill(bill, season)
    rules_season = rule_season(season)
    if days is None:
        raise _invalid("days", "required for a no-heat refund")
    if not 1 <= days <= rules_season.legal_days:
        raise _invalid("days", f"between 1 and the season's {rules_season.legal_days} legal days")
    r.days, r.amount_fen = days, no_heat_refund_fen(bill.due_fen, rules_season, days)
    if r.amount_fen <= 0:
        raise ApiError("nothing_to_refund", {"due_fen": bill.due_fen})


def temperature_readings(household_id: str, season: Season) -> list[TempReading]:
    """The household's recorded temperature_check readings taken within the season (Asia/Shanghai days). Only
    signed records (or refusals before a witness) are ever recorded: sync.ops refuses the others."""
    readings = []
    for data in db.session.scalars(sa.select(FieldRecord.data).where(
            FieldRecord.household_id == household_id, FieldRecord.kind == "temperature_check",
            FieldRecord.state == "recorded").order_by(FieldRecord.at, FieldRecord.id)):
        signed = bool(data.get("signed") or (data.get("refused") and data.get("witness")))
        outdoor = data.get("outdoor_mean_c")
        for room in data.get("rooms") or []:
            for reading in room.get("readings") or []:
                at = parse_time(reading.get("at"))
                day = at.astimezone(SHANGHAI).date() if at else None
                if day is None or not season.starts_on <= day <= season.ends_on:
                    continue
                readings.append(TempReading(room["room"], Decimal(room["area_m2"]), day, Decimal(reading["value_c"]),
                                            signed, Decimal(outdoor) if outdoor is not None else None))
    return readings


def _low_temperature(r: Refund, bill: Bill | None, season: Season, ratio: Decimal | None):
    """Case 9: only the signed failing room-days, price ÷ legal days × area × days × ratio; with no signed
    records nothing is refunded and the answer says the litigation risk is high."""
    bill = _require_bill(bill, season)
    if ratio is None:
        raise _invalid("ratio", "the contract's refund ratio (退费比例) is required for a low-temperature refund")
    readings = temperature_readings(r.household_id, season)
    if not any(reading.signed for reading in readings):
        raise ApiError("temperature_records_missing", {"season": season.id, "high_litigation_risk": True})
    try:
        assessment = assess_low_temperature(bill.due_fen, readings, bill.price_yuan, rule_season(season), ratio,
                                            fee_rules())
    except ValueError as e:
        raise ApiError("validation_failed", {"reason": str(e)}) from None
    if assessment.refund_fen <= 0:
        raise ApiError("nothing_to_refund", {"failing_room_days": []})
    failing = assessment.failing_room_days
    areas = {reading.room: reading.room_area_m2 for reading in readings}
    r.days = len({day for _, day in failing})
    r.area_m2 = sum((areas[room] for room in {room for room, _ in failing}), Decimal(0))
    r.ratio, r.amount_fen = ratio, assessment.refund_fen


def _pending_from_credit(household_id: str) -> int:
    """Credit promised already: refunds of credit proposed or approved and not yet paid."""
    return int(db.session.scalar(sa.select(fen_sum(Refund.amount_fen)).where(
        Refund.household_id == household_id, Refund.kind.in_(_FROM_CREDIT),
        Refund.state.in_((PROPOSED, APPROVED)))) or 0)


def _from_credit(r: Refund, bill: Bill | None, household_id: str, season_id: str):
    """overpayment: the household's credit (预存); suspension: what was paid beyond a suspended bill's due,
    released to credit when the suspension lowered the bill (billing.adjust_bill), as far as it is still there."""
    available = billing.credit_of(household_id) - _pending_from_credit(household_id)
    if r.kind == "suspension":
        suspended = db.session.scalar(sa.select(sa.func.count()).select_from(SuspensionApplication).where(
            SuspensionApplication.household_id == household_id, SuspensionApplication.season_id == season_id,
            SuspensionApplication.status.in_((SUSPENDED, RESUMED))))
        released = 0 if bill is None or not suspended else -int(db.session.scalar(
            sa.select(fen_sum(Allocation.amount_fen)).where(Allocation.bill_id == bill.id,
                                                            Allocation.rule == "release")) or 0)
        available = min(available, released)
    if available <= 0:
        raise ApiError("nothing_to_refund", {"credit_fen": billing.credit_of(household_id)})
    r.amount_fen = available


# --- decisions -------------------------------------------------------------------------------------------

def _decide(r: Refund, state: str, reason: str, user: User):
    before = _snapshot(r)
    now = utcnow()
    r.state, r.decision_reason, r.decided_by, r.decided_at = state, reason, user.id, now
    audit(f"refund.{state}", "refund", r.id, before, _snapshot(r), reason, user.id, now)


def approve(refund_id: int, reason: str, user: User) -> dict:
    """Approve a refund. A no-heat or low-temperature one lowers the season's bill by its amount (a
    BillAdjustment; money paid beyond the new due becomes credit, case 6); a closed season's only by an admin."""
    begin_write()
    r = _load(refund_id)
    _require_state(r, PROPOSED)
    if r.kind in ADJUSTMENT:
        bill = db.session.get(Bill, r.bill_id, with_for_update=True)
        season = db.session.get(Season, r.season_id)
        try:
            require_approval_if_closed(is_closed(season),
                                       Approval(user.username, reason) if user.role == "admin" else None)
        except ApprovalRequired:
            raise ApiError("season_closed_needs_approval", {"season": season.id}) from None
        if r.amount_fen > bill.due_fen:
            raise ApiError("refund_exceeds_credit", {"amount_fen": r.amount_fen, "due_fen": bill.due_fen})
        adjustment = billing.adjust_bill(bill, ADJUSTMENT[r.kind], reason, user.id,
                                         due_fen=bill.due_fen - r.amount_fen)  # touches the phones' change log
        r.adjustment_id = adjustment.id if adjustment else None
    _decide(r, APPROVED, reason, user)
    db.session.commit()
    return out(r)


def reject(refund_id: int, reason: str, user: User) -> dict:
    """Refuse a proposed refund, with the reason; nothing changes on the bills."""
    begin_write()
    r = _load(refund_id)
    _require_state(r, PROPOSED)
    _decide(r, REJECTED, reason, user)
    db.session.commit()
    return out(r)


def _next_receipt_no() -> str:
    """TF000001, TF000002…: drawn under the write lock, so two payouts never share one."""
    last = db.session.scalar(sa.select(sa.func.max(Refund.receipt_no)).where(
        Refund.receipt_no.like(f"{RECEIPT_PREFIX}%")))
    return f"{RECEIPT_PREFIX}{(int(last[len(RECEIPT_PREFIX):]) if last else 0) + 1:06d}"


def pay(refund_id: int, method: str, paid_on: date, user: User) -> dict:
    """Pay an approved refund out: a journal entry of kind "refund", negative, posted on `paid_on` (日帐), which
    lowers the household's credit. Never more than the credit, never on a closed day or a day to come."""
    begin_write()
    r = _load(refund_id)
    _require_state(r, APPROVED)
    now = utcnow()
    if paid_on > posting_date(now):
        raise _invalid("paid_on", "a refund cannot be paid on a day still to come")
    if r.decided_at is not None and paid_on < posting_date(r.decided_at):
        raise _invalid("paid_on", "before the refund was approved")
    close = db.session.scalar(sa.select(DayClose).where(DayClose.posted_on == paid_on))
    if close is not None:
        raise ApiError("day_closed", {"date": paid_on.isoformat(), "closed_at": iso_utc(close.closed_at)})
    credit = billing.credit_of(r.household_id)
    if r.amount_fen > credit:
        raise ApiError("refund_exceeds_credit", {"amount_fen": r.amount_fen, "credit_fen": credit})
    before = _snapshot(r)
    r.receipt_no = _next_receipt_no()
    entry = Payment(kind="refund", household_id=r.household_id, amount_fen=-r.amount_fen, method=method,
                    receipt_no=r.receipt_no, season_id=r.season_id, collected_at=now, posted_at=now, posted_on=paid_on,
                    collector_id=user.id, state="recorded", flags=[], reason=r.reason)
    db.session.add(entry)
    db.session.flush()
    r.state, r.method, r.paid_on, r.paid_by, r.payment_id = PAID, method, paid_on, user.id, entry.id
    audit("refund.paid", "refund", r.id, before, dict(_snapshot(r), method=method, payment_id=entry.id),
          r.decision_reason, user.id, now)
    touch([r.household_id], now=now)  # the phones' credit of the household changed
    db.session.commit()
    return out(r)
