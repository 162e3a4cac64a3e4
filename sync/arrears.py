"""Limitation dates (诉讼时效) of unpaid season bills and the lawyer-letter queue (DOMAIN.md §3, case 10).

Three years from the due date (民法典 art. 188); each demand that was delivered, with proof, restarts the
clock (art. 195, [verify] wording). An undelivered or unproven demand counts for nothing: the Xicheng
case turned on an undated courier slip (§3). Pure: no I/O, no clock; "today" comes in as an argument.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sync.rules import FeeRules, require_date

__all__ = [
    "Debt",
    "Demand",
    "QueuedDebt",
    "add_years",
    "lawyer_letter_queue",
    "limitation_date",
]


def add_years(day: date, years: int) -> date:
    """The same calendar day some years later; Feb 29 falls back to Feb 28 in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Demand:
    """A demand for payment (催缴): notice, lawyer letter, call … and whether it provably arrived."""

    kind: str
    sent_on: date
    delivered_on: date | None = None
    proof: str = ""     # 送达回执, courier tracking, photo of the posted notice, call log id

    def __post_init__(self) -> None:
        require_date("sent_on", self.sent_on)
        if self.delivered_on is not None:
            require_date("delivered_on", self.delivered_on)
            if self.delivered_on < self.sent_on:
                raise ValueError("a demand cannot arrive before it was sent")

    @property
    def counts(self) -> bool:
        """Only a delivered demand with proof restarts the limitation period."""
        return self.delivered_on is not None and bool(self.proof.strip())


def limitation_date(due_on: date, demands: Iterable[Demand] = (), years: int = 3) -> date:
    """The last day a debt can be claimed in court without a time-bar defence (case 10).

    Due 2021-12-31 → 2024-12-31; a demand delivered with proof on 2024-06-01 → 2027-06-01. A demand
    that arrives after the period has run out does not revive it.
    """
    require_date("due_on", due_on)
    limit = add_years(due_on, years)
    delivered = sorted(d.delivered_on for d in demands if d.counts and d.delivered_on is not None)
    for delivered_on in delivered:
        if delivered_on > limit:
            break
        limit = max(limit, add_years(delivered_on, years))
    return limit


@dataclass(frozen=True)
class Debt:
    """One unpaid season bill of one household, with the demands made for it."""

    household: str
    season: str
    due_on: date
    outstanding_fen: int
    demands: tuple[Demand, ...] = ()

    def __post_init__(self) -> None:
        require_date("due_on", self.due_on)
        if isinstance(self.outstanding_fen, bool) or not isinstance(self.outstanding_fen, int):
            raise TypeError("outstanding_fen must be an int")
        if self.outstanding_fen < 0:
            raise ValueError("outstanding_fen must not be negative")


@dataclass(frozen=True)
class QueuedDebt:
    """A debt's place in the lawyer-letter queue."""

    debt: Debt
    limitation_on: date
    days_left: int          # negative once the period has run out

    @property
    def time_barred(self) -> bool:
        return self.days_left < 0


def lawyer_letter_queue(debts: Sequence[Debt], today: date, rules: FeeRules) -> list[QueuedDebt]:
    """Open debts, nearest limitation date first; time-barred ones last (DOMAIN.md case 10).

    Ties go to the larger amount, then household and season, so the queue is stable. Time-barred
    debts stay listed (the debtor may still pay; only a court applies the bar) but after all others.
    """
    require_date("today", today)
    queued = [
        QueuedDebt(debt, limit, (limit - today).days)
        for debt in debts
        if debt.outstanding_fen > 0
        for limit in [limitation_date(debt.due_on, debt.demands, rules.limitation_years)]
    ]
    return sorted(
        queued,
        key=lambda q: (q.time_barred, q.limitation_on, -q.debt.outstanding_fen, q.debt.household, q.debt.season),
    )
