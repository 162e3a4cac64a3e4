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
from sync.rules import Approval, FeeRules, RuleError, Season, month_day, require_date

__all__ = [
    "SuspensionRebill",
    "VacancyDecision",
    "VacancyInspection",
    "decide_vacancy_application",
    "rebill_violated_suspension",
    "suspended_due_fen",
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


def suspended_due_fen(
    area_m2: Decimal | str,
    price_yuan_per_m2: Decimal | str,
    rules: FeeRules,
    legacy: bool = False,
) -> int:
    """The basic fee of a suspended flat: ratio × season total (30 % now, 60 % under 2010 contracts)."""
    ratio = rules.legacy_suspension_ratio if legacy else rules.suspension_ratio
    return bill_due_fen(area_m2, price_yuan_per_m2, ratio)


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
