"""Who owes a season bill, and how a bill changes when its area is corrected (DOMAIN.md cases 2 and 7).

A bill is a season bill: it is never prorated by days, edited silently or moved to another party
without a written agreement. Every change of what is due is an adjustment with a reason
(DESIGN.md invariant 4). Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sync.money import bill_due_fen, parse_area, refund_no_heat_fen
from sync.rules import Approval, Season, require_approval_if_closed, require_date

__all__ = [
    "Account",
    "AreaCorrection",
    "ArrearsAgreement",
    "correct_area",
    "opening_due_fen",
    "payer_of_record",
]

AREA_SOURCES = frozenset({"certificate", "drawing", "survey"})


@dataclass(frozen=True)
class Account:
    """One party's heating contract (户号 / 供热合同) for a flat, valid over [valid_from, valid_to).

    valid_to is exclusive, so a transfer registered on 2025-01-10 ends the seller's account and starts
    the buyer's on the same date without overlap. The party may be an owner, a developer holding
    unsold flats, a public-housing tenant or an employer that bears the cost (DOMAIN.md §1 art. 17).
    """

    party: str
    valid_from: date
    valid_to: date | None = None

    def __post_init__(self) -> None:
        require_date("valid_from", self.valid_from)
        if self.valid_to is not None:
            require_date("valid_to", self.valid_to)
            if self.valid_to <= self.valid_from:
                raise ValueError("an account must be valid for at least one day")

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


@dataclass(frozen=True)
class ArrearsAgreement:
    """A written buyer/seller (or handover) agreement that moves one season's debt to another party."""

    season: str
    payer: str


def payer_of_record(
    accounts: Sequence[Account],
    issued_on: date,
    season: str | None = None,
    agreements: Sequence[ArrearsAgreement] = (),
) -> str:
    """The party that owes a bill: the payer of record on the day it was issued (DOMAIN.md case 2).

    An ownership change mid-season does not prorate or move the bill; old arrears stay claimable
    from the seller (Xicheng case, §3). Only a written agreement naming the season moves it.
    """
    require_date("issued_on", issued_on)
    if season is not None:
        moved = {agreement.payer for agreement in agreements if agreement.season == season}
        if len(moved) > 1:
            raise ValueError(f"agreements name more than one payer for {season}")
        if moved:
            return moved.pop()
    covering = [account for account in accounts if account.covers(issued_on)]
    if not covering:
        raise LookupError(f"no account covers {issued_on.isoformat()}")
    if len(covering) > 1:
        # Overlapping contracts are a data error a clerk must fix, not something to guess.
        raise ValueError(f"{len(covering)} accounts overlap on {issued_on.isoformat()}")
    return covering[0].party


def opening_due_fen(season_due_fen: int, season: Season, opened_on: date) -> int:
    """What a flat opened (开通) during a season owes for it: the season fee less the days before its heat
    came, counted by the no-heat formula (season fee ÷ legal days × days, DOMAIN.md §1), so that a flat
    opened on the first day owes the whole season and one day before the last owes one day's heat.

    Opened before the season: the whole fee. Opened after its last day: the season is not its to pay.
    """
    require_date("opened_on", opened_on)
    if isinstance(season_due_fen, bool) or not isinstance(season_due_fen, int) or season_due_fen < 0:
        raise ValueError("season_due_fen must be a non-negative int")
    if opened_on > season.ends_on:
        raise ValueError(f"{opened_on.isoformat()} is after the last day of {season.code}")
    days_without = max(0, (opened_on - season.starts_on).days)
    return season_due_fen - refund_no_heat_fen(season_due_fen, season.legal_days, days_without)


@dataclass(frozen=True)
class AreaCorrection:
    """A bill adjustment (kind area_fix) for a corrected charging area (DOMAIN.md case 7, §7)."""

    old_area_m2: Decimal
    new_area_m2: Decimal
    old_due_fen: int
    new_due_fen: int
    paid_fen: int
    area_source: str
    measured_on: date
    approval: Approval | None

    @property
    def delta_fen(self) -> int:
        """Change of what is due: positive = 补缴 (top-up), negative = the bill got smaller."""
        return self.new_due_fen - self.old_due_fen

    @property
    def balance_fen(self) -> int:
        """What stays to pay on the corrected bill; never below zero (DESIGN.md invariant 2)."""
        return max(0, self.new_due_fen - self.paid_fen)

    @property
    def overpaid_fen(self) -> int:
        """What was paid beyond the corrected bill: becomes credit (预存) or a refund."""
        return max(0, self.paid_fen - self.new_due_fen)


def correct_area(
    old_area_m2: Decimal | str,
    new_area_m2: Decimal | str,
    price_yuan_per_m2: Decimal | str,
    *,
    paid_fen: int,
    area_source: str,
    measured_on: date,
    season_closed: bool,
    ratio: Decimal | str = "1",
    approval: Approval | None = None,
) -> AreaCorrection:
    """Re-bill a season for a corrected area, never a silent edit (DOMAIN.md case 7).

    85.60 → 87.35 m² at 24 元: 2,096.40 due, 42.00 more (补缴). 85.60 → 82.10 after paying 2,054.40:
    1,970.40 due, 84.00 overpaid. A closed season is re-billed only with an approval.
    """
    if area_source not in AREA_SOURCES:
        raise ValueError(f"area_source must be one of {sorted(AREA_SOURCES)}")
    require_date("measured_on", measured_on)
    if isinstance(paid_fen, bool) or not isinstance(paid_fen, int):
        raise TypeError("paid_fen must be an int")
    if paid_fen < 0:
        raise ValueError("paid_fen must not be negative")
    require_approval_if_closed(season_closed, approval)
    old_area = _area(old_area_m2)
    new_area = _area(new_area_m2)
    return AreaCorrection(
        old_area_m2=old_area,
        new_area_m2=new_area,
        old_due_fen=bill_due_fen(old_area, price_yuan_per_m2, ratio),
        new_due_fen=bill_due_fen(new_area, price_yuan_per_m2, ratio),
        paid_fen=paid_fen,
        area_source=area_source,
        measured_on=measured_on,
        approval=approval,
    )


def _area(value: Decimal | str) -> Decimal:
    # The same bounds as an area typed at the door: parse_area refuses floats and odd strings.
    if isinstance(value, Decimal):
        value = str(value)
    return parse_area(value)
