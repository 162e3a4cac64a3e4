"""Suspension of heating (暂停供热 / 报停): when an application takes effect, and what a violation costs.

DOMAIN.md §2 and cases 3 and 8. Suspension covers whole flats and whole seasons, so an application
after the deadline never reduces the season already running; only a named approver with a reason can
override that. Pure: no I/O, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sync.money import bill_due_fen
from sync.rules import Approval, FeeRules, RuleError, Season, require_ratio, month_day, require_date

__all__ = [
    "SuspensionRebill",
    "VacancyDecision",
    "VacancyInspection",
    "decide_vacancy_application",
    "rebill_violated_suspension",
    "season_due_fen",
    "season_ratio",
]


@dataclass(frozen=True)
class VacancyDecision:
    """Which season a suspension application takes effect in, and why."""

    applied_on: date
    requested_season: str
    deadline: date                  # last day to apply for the requested season
    effective_start_year: int
    approval: Approval | None       # set only when an override made a late application count

    @property
    def takes_effect_this_season(self) -> bool:
        return self.effective_start_year == int(self.requested_season[:4])

    @property
    def effective_season(self) -> str:
        return f"{self.effective_start_year}-{self.effective_start_year + 1}"

    @property
    def overridden(self) -> bool:
        return self.approval is not None


def decide_vacancy_application(
    applied_on: date,
    season: Season,
    rules: FeeRules,
    approval: Approval | None = None,
) -> VacancyDecision:
    """Decide whether a suspension application counts for this season or a later one (case 3).

    The deadline is rules.suspension_apply_by (Sept 30) of the season's start year. Applied
    2024-12-01 for 2024-2025: rejected for 2024-2025, kept for 2025-2026, full fee stays due. An
    approval (approver + reason, checked when the Approval is made) lets a late one count now.
    """
    require_date("applied_on", applied_on)
    if season.code[:4] != str(season.start_year):
        raise ValueError(f"season code {season.code!r} must start with its start year")
    deadline = rules.suspension_deadline(season)
    if applied_on <= deadline:
        return VacancyDecision(applied_on, season.code, deadline, season.start_year, None)
    if approval is not None:
        return VacancyDecision(applied_on, season.code, deadline, season.start_year, approval)
    # Whole seasons only: the application waits for the first season whose deadline it meets.
    year = season.start_year + 1
    while applied_on > month_day(rules.suspension_apply_by, year):
        year += 1
    return VacancyDecision(applied_on, season.code, deadline, year, None)


# The states of a suspension application (DOMAIN.md §8(a) SuspensionApplication.status).
APPLIED, APPROVED, REJECTED, VIOLATED, RESUMED = "applied", "approved", "rejected", "violated", "resumed"
STATES = (APPLIED, APPROVED, REJECTED, VIOLATED, RESUMED)


def season_ratio(state: str, ratio: Decimal, season: Season, resumed_from: date | None = None) -> Decimal:
    """The share of the season total a flat owes, given its suspension of that season (DOMAIN.md §2).

    Approved: the basic-fee ratio (30 % now, 60 % under 2010 contracts). Applied or rejected: in full, an
    owner who never got a suspension uses heat. Violated (case 8): in full. Resumed (恢复供热): suspension
    covers whole seasons and a bill is never prorated by days, so heat back on any day up to the season's
    last day bills that season in full; a resumption after the season ended leaves it suspended.
    """
    if state not in STATES:
        raise ValueError(f"unknown suspension state {state!r}")
    require_ratio("ratio", ratio)
    if state == APPROVED:
        return ratio
    if state == RESUMED:
        if resumed_from is None:
            raise ValueError("a resumed suspension names the day heat came back")
        require_date("resumed_from", resumed_from)
        return ratio if resumed_from > season.ends_on else Decimal(1)
    return Decimal(1)


def season_due_fen(
    area_m2: Decimal | str,
    price_yuan_per_m2: Decimal | str,
    state: str | None,
    ratio: Decimal,
    season: Season,
    resumed_from: date | None = None,
) -> int:
    """What a season bill is for a flat whose suspension of that season is in `state` (None: none).

    85.60 m² at 24 元: approved at 30 % → 616.32; violated or resumed in the season → 2,054.40.
    """
    if state is None:
        return bill_due_fen(area_m2, price_yuan_per_m2)
    return bill_due_fen(area_m2, price_yuan_per_m2, season_ratio(state, ratio, season, resumed_from))


@dataclass(frozen=True)
class VacancyInspection:
    """A check of a suspended flat (空置核查记录, DOMAIN.md §2) as far as a violation depends on it."""

    inspected_on: date
    seal_intact: bool
    heat_in_use: bool               # radiators hot, valves reopened or the flat lived in
    seal_no: str = ""
    photo_ids: tuple[str, ...] = ()
    signed_by: str = ""             # owner's signature …
    witness: str = ""               # … or, when the owner refused to sign, a witness

    @property
    def shows_violation(self) -> bool:
        return not self.seal_intact or self.heat_in_use

    @property
    def evidence_complete(self) -> bool:
        """Photos, the seal number and a signature or a witness: what a court will ask for (§3)."""
        return bool(self.photo_ids and self.seal_no.strip() and (self.signed_by.strip() or self.witness.strip()))


@dataclass(frozen=True)
class SuspensionRebill:
    """A suspended season re-billed in full after a violation (bill adjustment vacancy_revoke)."""

    old_due_fen: int
    new_due_fen: int
    inspection: VacancyInspection

    @property
    def delta_fen(self) -> int:
        return self.new_due_fen - self.old_due_fen


def rebill_violated_suspension(
    suspended_due_fen: int,
    area_m2: Decimal | str,
    price_yuan_per_m2: Decimal | str,
    inspection: VacancyInspection,
) -> SuspensionRebill:
    """Re-bill a suspended flat found heating at the full fee (DOMAIN.md case 8).

    616.32 (30 %) → 2,054.40, delta 1,438.08. 违约金 is not added here: only a contract clause
    allows it (§3, late fees off by default). Whether the evidence is complete is left to the clerk
    to weigh (inspection.evidence_complete), because money is decided by a person, not by a flag.
    """
    if isinstance(suspended_due_fen, bool) or not isinstance(suspended_due_fen, int):
        raise TypeError("suspended_due_fen must be an int")
    if not inspection.shows_violation:
        raise RuleError("the inspection found the seal intact and no heat in use: nothing to re-bill")
    full_fen = bill_due_fen(area_m2, price_yuan_per_m2)
    if not 0 <= suspended_due_fen <= full_fen:
        raise ValueError("a suspended bill lies between zero and the full season fee")
    return SuspensionRebill(suspended_due_fen, full_fen, inspection)
