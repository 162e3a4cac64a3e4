"""The merge core: given an operation and the household as the server knows it, decide its effect.

Pure (STYLE.md habit 1): the server loads state, calls `decide`, writes what it returns. A batch of
operations on one household is decided in order against the same in-memory `HouseholdState`, which
`decide` advances, so the second payment of a batch sees the first one's allocations.
Anomalies are flags and review items, never refusals: money is never refused (PROTOCOL.md, principle 3).
"""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from .duplicates import CapturedPayment, duplicate_suspects
from .money import OpenBill, allocate
from .ops import EARLIEST, LATEST, SHANGHAI, Op

SKEW_LIMIT = timedelta(minutes=10)  # PROTOCOL.md, Push: "beyond 10 minutes apart"
AREA_TOLERANCE = Decimal("0.5")  # area_check: more than 0.5 m² off the record becomes a review item
DUNNING_ORDER = ("none", "reminder", "notice_delivered", "lawyer_letter", "lawsuit", "judgment", "closed")


def advanced(stage: str, reached: str) -> str:
    """The dunning stage once `reached` has happened: the record moves forward, never back (DOMAIN.md §3).
    An unknown stage (an old record) counts as the start."""
    now = DUNNING_ORDER.index(stage) if stage in DUNNING_ORDER else 0
    return reached if DUNNING_ORDER.index(reached) > now else stage


@dataclass(slots=True)
class BillState:
    season: str
    due_fen: int
    paid_fen: int

    @property
    def balance_fen(self) -> int:
        return max(self.due_fen - self.paid_fen, 0)


@dataclass(slots=True)
class PaymentSeen:
    """A payment already in the journal (or earlier in this batch) on this household."""
    op_id: str | None
    amount_fen: int
    collected_at: datetime  # naive UTC
    state: str
    receipt_no: str | None = None  # named in a duplicate_suspect review item, for the clerk to find the slip


@dataclass(slots=True)
class HouseholdState:
    id: str
    status: str
    area_m2: Decimal
    dunning_stage: str
    bills: list[BillState]  # oldest season first; those with nothing owing may be left out
    payments: list[PaymentSeen] = field(default_factory=list)
    # (valid_from, valid_to) of the pushing collector's assignments to this household's building, UTC naive
    assignments: list[tuple[datetime, datetime | None]] = field(default_factory=list)


@dataclass(frozen=True)
class Context:
    """What holds for the whole request: the pushing device, the clock, the seasons."""
    now: datetime  # server time, naive UTC
    skew: timedelta  # phone clock minus server clock (from X-Client-Time)
    device_revoked: bool
    seasons_open: dict  # season id -> bool (every season the server knows)
    used_receipts: dict  # receipt_no -> op_id of the payment that used it (grows within a batch)


@dataclass(slots=True)
class Decision:
    status: str  # applied | held | rejected
    flags: list[str] = field(default_factory=list)
    error: tuple[str, dict] | None = None
    collected_at: datetime | None = None  # corrected, naive UTC
    allocations: list = field(default_factory=list)  # [money.Allocation]
    credit_fen: int = 0
    review: list[tuple[str, dict]] = field(default_factory=list)  # (kind, details) items to open
    household_changes: dict = field(default_factory=dict)  # e.g. {"dunning_stage": ...}
    season_id: str | None = None  # which season's list the payment shows in on the phone
    demand: str | None = None  # a delivered demand to record (催缴, DOMAIN.md §3), e.g. "notice_delivered"


def skew_of(client_time: datetime | None, server_now_utc: datetime) -> timedelta:
    """Phone clock minus server clock; zero when the phone sent no usable X-Client-Time."""
    if client_time is None:
        return timedelta(0)
    return client_time.astimezone(timezone.utc).replace(tzinfo=None) - server_now_utc


_EARLIEST, _LATEST = EARLIEST.replace(tzinfo=None), LATEST.replace(tzinfo=None)


def corrected_time(op: Op, ctx: Context) -> tuple[datetime, bool]:
    """The collection time in naive UTC, and whether the phone's clock was wrong (the flag clock_skew).

    Corrected by the request's skew when beyond the limit (PROTOCOL.md, Push: Clock). A clock so far off
    that the correction would leave the times a phone may send (sync.ops.EARLIEST … LATEST) leaves the time
    as sent, flagged. A collection time still later than the server's clock allows was recorded by a
    wrong clock too, one set right before this push: flagged, as money is never refused."""
    at = op.at.astimezone(timezone.utc).replace(tzinfo=None)
    if abs(ctx.skew) > SKEW_LIMIT:
        try:
            corrected = at - ctx.skew
        except OverflowError:  # beyond the year 9999 or before the year 1
            return at, True
        return (corrected if _EARLIEST <= corrected <= _LATEST else at), True
    return at, at > ctx.now + SKEW_LIMIT


def collection_span(first: Op, last: Op, ctx: Context) -> tuple[datetime, datetime]:
    """Bounds of the corrected collection times (corrected_time) of operations sent from `first.at` to
    `last.at`: each is its time shifted by the skew, or as sent when the shift would leave the calendar."""
    lo = first.at.astimezone(timezone.utc).replace(tzinfo=None)
    hi = last.at.astimezone(timezone.utc).replace(tzinfo=None)
    if abs(ctx.skew) > SKEW_LIMIT:
        lo, hi = min(lo, _shifted(lo, -ctx.skew)), max(hi, _shifted(hi, -ctx.skew))
    return lo, hi


def _shifted(at: datetime, delta: timedelta) -> datetime:
    """at + delta, held within EARLIEST … LATEST."""
    try:
        return min(max(at + delta, _EARLIEST), _LATEST)
    except OverflowError:
        return _LATEST if delta > timedelta(0) else _EARLIEST


def in_scope(hh: HouseholdState, at: datetime) -> bool:
    """Was the household's building assigned to this collector at the (corrected) collection time?"""
    return any(start <= at and (end is None or at < end) for start, end in hh.assignments)


def _common_flags(hh: HouseholdState, at: datetime, skewed: bool, ctx: Context) -> list[str]:
    flags = []
    if not in_scope(hh, at):
        flags.append("out_of_scope")
    if skewed:
        flags.append("clock_skew")
    if ctx.device_revoked:
        flags.append("device_revoked")
    return flags


def _skew_details(op: Op, ctx: Context) -> dict:
    """What a clock_skew review item tells the clerk: the phone's offset and the time as it sent it."""
    return {"skew_seconds": int(ctx.skew.total_seconds()), "at_sent": op.at_raw}


def _open_bills(hh: HouseholdState) -> list[OpenBill]:
    return [OpenBill(b.season, balance) for b in hh.bills if (balance := b.balance_fen) > 0]


def decide_payment(op: Op, hh: HouseholdState, ctx: Context) -> Decision:
    at, skewed = corrected_time(op, ctx)
    flags = _common_flags(hh, at, skewed, ctx)
    amount, season = op.data["amount_fen"], op.data.get("season")
    details = {}  # what each flag's review item shows the clerk besides the payment itself
    if season is not None and season not in ctx.seasons_open:
        # Money is never refused (PROTOCOL.md principle 3): a season the server does not know is no season to
        # pay first; the money goes oldest-first and a clerk sees what the phone named.
        flags.append("season_unknown")
        details["season_unknown"] = {"season": season}
        season = None
    elif season is not None and not ctx.seasons_open[season]:
        flags.append("season_closed")
    other = ctx.used_receipts.get(op.data["receipt_no"])
    if other is not None and other != op.op_id:
        flags.append("receipt_duplicate")
    utc = timezone.utc
    live = [p for p in hh.payments if p.state != "voided"]
    known = [CapturedPayment(p.op_id or "", hh.id, p.amount_fen, p.collected_at.replace(tzinfo=utc)) for p in live]
    suspects = duplicate_suspects(CapturedPayment(op.op_id, hh.id, amount, at.replace(tzinfo=utc)), known) \
        if known else []
    if suspects:
        flags.append("duplicate_suspect")
        first = next(p for p in live if (p.op_id or "") == suspects[0].op_id)
        details["duplicate_suspect"] = {"other_receipt_no": first.receipt_no, "other_op_id": first.op_id,
                                        "other_collected_at": first.collected_at.isoformat() + "Z"}
    if skewed:
        details["clock_skew"] = _skew_details(op, ctx)
    decision = Decision("held" if ctx.device_revoked else "applied", collected_at=at)
    if not ctx.device_revoked:
        # Held money touches no balance until a clerk accepts it (PROTOCOL.md, Authentication).
        decision.allocations, decision.credit_fen = allocate(amount, _open_bills(hh), season)
        if decision.credit_fen > 0:
            flags.append("overpaid")
        by_season = {b.season: b for b in hh.bills}
        for a in decision.allocations:
            by_season[a.season].paid_fen += a.amount_fen
    decision.flags = flags
    decision.review = [(flag, details.get(flag, {})) for flag in flags]
    decision.season_id = season or (decision.allocations[0].season if decision.allocations else None) \
        or next((s for s, is_open in ctx.seasons_open.items() if is_open), None)
    hh.payments.append(PaymentSeen(op.op_id, amount, at, "held" if ctx.device_revoked else "recorded",
                                   op.data["receipt_no"]))
    ctx.used_receipts.setdefault(op.data["receipt_no"], op.op_id)
    return decision


def decide_void(op: Op, hh: HouseholdState, ctx: Context, target_household: str | None) -> Decision:
    """A request to void a payment: always a review item; money moves only on a clerk's approval."""
    at, skewed = corrected_time(op, ctx)
    if target_household is None:
        return Decision("rejected", error=("unknown_payment", {"field": "payment_op_id"}))
    if target_household != hh.id:
        return Decision("rejected", error=("invalid_field", {"field": "payment_op_id",
                                                             "reason": "payment of another household"}))
    flags = _common_flags(hh, at, skewed, ctx)
    review = [("void_request", {"payment_op_id": op.data["payment_op_id"], "reason": op.data["reason"]})]
    review += [(flag, _skew_details(op, ctx) if flag == "clock_skew" else {}) for flag in flags]
    return Decision("held" if ctx.device_revoked else "applied", flags=flags, collected_at=at, review=review)


def decide_field(op: Op, hh: HouseholdState, ctx: Context) -> Decision:
    """vacancy_check, area_check, visit, contact_update, temperature_check: recorded evidence, review items for
    anomalies (a temperature_check is kept as it is, for a low-temperature refund: DOMAIN.md case 9)."""
    at, skewed = corrected_time(op, ctx)
    flags = _common_flags(hh, at, skewed, ctx)
    d = Decision("held" if ctx.device_revoked else "applied", flags=flags, collected_at=at)
    d.review = [(flag, _skew_details(op, ctx) if flag == "clock_skew" else {}) for flag in flags]
    data = op.data
    if op.type == "vacancy_check":
        if op.data["season"] not in ctx.seasons_open:
            return Decision("rejected", error=("unknown_season", {"field": "season", "season": data["season"]}))
        broken = data.get("seal_intact") is False
        if hh.status == "suspended" and (data["finding"] == "occupied" or broken):
            # DOMAIN.md case 8: a suspended flat found heating; a clerk may re-bill it in full.
            d.review.append(("vacancy_violation", {"finding": data["finding"], "seal_intact": data.get("seal_intact"),
                                                   "seal_no": data.get("seal_no"), "season": data["season"]}))
        elif hh.status == "active" and data["finding"] == "vacant":
            # DOMAIN.md case 3: a late claim does not reduce the current season by itself.
            d.review.append(("vacancy_claim", {"season": data["season"], "valve_sealed": data["valve_sealed"]}))
    elif op.type == "area_check":
        measured = Decimal(data["measured_area_m2"])
        if abs(measured - hh.area_m2) > AREA_TOLERANCE:
            d.review.append(("area_mismatch", {"recorded_m2": str(hh.area_m2), "measured_m2": str(measured)}))
    elif op.type == "visit":
        if data["kind"] == "complaint":
            d.review.append(("complaint", {"text": data["text"][:200]}))
        if data["kind"] == "notice_delivered" and not ctx.device_revoked:
            # Every delivered demand is recorded with its proof (it restarts limitation, and a lawyer letter
            # cites it); the dunning record moves forward, never back (DOMAIN.md §3, case 10).
            d.demand = "notice_delivered"
            if advanced(hh.dunning_stage, "notice_delivered") != hh.dunning_stage:
                d.household_changes["dunning_stage"] = "notice_delivered"
                hh.dunning_stage = "notice_delivered"
    elif op.type == "contact_update" and not ctx.device_revoked:
        d.household_changes["phone"] = data["phone"]
    return d


def posting_date(now_utc: datetime) -> date:
    """The ledger date of a payment applied now: the server's date in Asia/Shanghai (PROTOCOL.md)."""
    return now_utc.replace(tzinfo=timezone.utc).astimezone(SHANGHAI).date()


def result_record(op_id: str, seq, d: Decision, receipt_no: str | None) -> dict:
    """The push result of one operation, as PROTOCOL.md lists its fields."""
    return {"op_id": op_id, "seq": seq, "status": d.status, "flags": list(d.flags), "receipt_no": receipt_no,
            "allocations": [{"season": a.season, "amount_fen": a.amount_fen} for a in d.allocations],
            "credit_fen": d.credit_fen, "error": None}
