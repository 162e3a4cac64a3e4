"""Fee rules as configuration data, seasons and approvals (DOMAIN.md §1, §2, §3, §8(b)).

The company's own practices are unknown ([verify] in DOMAIN.md), so every ratio, deadline and rate is
a field with the Beijing default, never a constant inside a rule. Pure: no I/O, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from .duplicates import DEFAULT_WINDOW

__all__ = [
    "DEFAULT_RATES",
    "Approval",
    "ApprovalRequired",
    "FeeRules",
    "LateFeeRule",
    "Rate",
    "RuleError",
    "Season",
    "month_day",
    "require_approval_if_closed",
    "require_date",
    "require_ratio",
    "season_closed",
]


class RuleError(ValueError):
    """A request that a fee rule does not allow (the server maps it to its error catalogue)."""


class ApprovalRequired(RuleError):
    """The change is allowed only with a named approver and a written reason."""


def month_day(text: str, year: int) -> date:
    """The date of a configured "MM-DD" in a given year ("09-30", 2024 → 2024-09-30)."""
    month, _, day = text.partition("-")
    if not (len(month) == 2 and len(day) == 2 and month.isdigit() and day.isdigit()):
        raise ValueError(f"expected MM-DD, got {text!r}")
    return date(year, int(month), int(day))


def require_date(name: str, value: object) -> date:
    # A datetime is a date subclass; day rules must not depend on a time zone.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name} must be a date")
    return value


def require_ratio(name: str, value: object) -> Decimal:
    if not isinstance(value, Decimal):
        raise TypeError(f"{name} must be a Decimal (floats are refused), got {type(value).__name__}")
    if not Decimal(0) <= value <= Decimal(1):
        raise ValueError(f"{name} must be between 0 and 1, got {value}")
    return value


@dataclass(frozen=True)
class Approval:
    """Who allowed an exception to a rule, and why (DOMAIN.md case 3 override, case 7 closed season)."""

    approved_by: str
    reason: str

    def __post_init__(self) -> None:
        if not self.approved_by.strip():
            raise ApprovalRequired("an approval needs the approver's name")
        if not self.reason.strip():
            raise ApprovalRequired("an approval needs a written reason")


def require_approval_if_closed(season_closed: bool, approval: Approval | None) -> Approval | None:
    """A closed season's bill changes only with a named approver and a reason (DOMAIN.md case 7): an area
    correction, a suspension granted, ended or found violated alike."""
    if season_closed and approval is None:
        raise ApprovalRequired("a closed season is re-billed only with an approver and a reason")
    return approval


def season_closed(is_open: bool, ends_on: date, today: date) -> bool:
    """A season is closed once it is no longer open and its last day has passed; a season set up ahead and
    not opened yet is not closed (its bills may still be issued and changed)."""
    require_date("ends_on", ends_on)
    require_date("today", today)
    return not is_open and ends_on < today


@dataclass(frozen=True)
class Season:
    """A heating season (采暖期) as data: the city may move its dates (DOMAIN.md §1)."""

    code: str
    starts_on: date
    ends_on: date

    def __post_init__(self) -> None:
        require_date("starts_on", self.starts_on)
        require_date("ends_on", self.ends_on)
        if self.ends_on < self.starts_on:
            raise ValueError("a season cannot end before it starts")

    @property
    def start_year(self) -> int:
        return self.starts_on.year

    @property
    def legal_days(self) -> int:
        """Both ends included: 121, or 122 when February has 29 days."""
        return (self.ends_on - self.starts_on).days + 1


@dataclass(frozen=True)
class Rate:
    """A price per m² of building area per season (DOMAIN.md §1, §8(b) ``rates``)."""

    use: str          # "residential" | "non_residential"
    variant: str      # heat source for residential, zone for non-residential
    price_yuan_per_m2: Decimal
    ref: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.price_yuan_per_m2, Decimal):
            raise TypeError("a price must be a Decimal (floats are refused)")
        if self.price_yuan_per_m2 < 0:
            raise ValueError("a price is never negative")


DEFAULT_RATES: tuple[Rate, ...] = (
    Rate("residential", "city_network", Decimal("24.00"), "京价(商)字〔2001〕372号"),
    Rate("residential", "gas_boiler", Decimal("30.00")),
    Rate("non_residential", "core6", Decimal("45.00"), "京发改〔2019〕1545号"),
    Rate("non_residential", "other", Decimal("43.00")),
)


@dataclass(frozen=True)
class LateFeeRule:
    """违约金: off unless a contract says so; if on, a contract rate, a start and a cap (DOMAIN.md §3)."""

    enabled: bool = False
    daily_rate: Decimal | None = None
    starts: str = "01-01"        # of the year after the season starts (Beijing metering contract)
    cap: str = "principal"

    def __post_init__(self) -> None:
        if self.enabled and self.daily_rate is None:
            raise ValueError("late fees need a contractual daily rate when enabled")
        if self.daily_rate is not None:
            require_ratio("daily_rate", self.daily_rate)


@dataclass(frozen=True)
class FeeRules:
    """The configurable fee rules of DOMAIN.md §8(b), with the Beijing demo defaults."""

    season_start: str = "11-15"
    season_end: str = "03-15"
    pay_window: tuple[str, str] = ("05-01", "12-31")
    rates: tuple[Rate, ...] = DEFAULT_RATES
    # 2022 model contract 30 % [weak, verify]; the 2010 contract's 60 % stays selectable (§2).
    suspension_ratio: Decimal = Decimal("0.30")
    legacy_suspension_ratio: Decimal = Decimal("0.60")
    suspension_apply_by: str = "09-30"       # 京管发〔2022〕22号: Sept 30 of the season's start year
    min_whole_seasons: int = 1
    late_fee: LateFeeRule = field(default_factory=LateFeeRule)
    room_standard_c: Decimal = Decimal("18")  # bedrooms and living rooms, normal weather (§1)
    normal_weather_min_c: Decimal = Decimal("-9")
    limitation_years: int = 3                 # 民法典 art. 188
    duplicate_window: timedelta = DEFAULT_WINDOW  # PROTOCOL.md flag duplicate_suspect (sync/duplicates.py)

    def __post_init__(self) -> None:
        require_ratio("suspension_ratio", self.suspension_ratio)
        require_ratio("legacy_suspension_ratio", self.legacy_suspension_ratio)
        for name in ("season_start", "season_end", "suspension_apply_by"):
            month_day(getattr(self, name), 2024)  # 2024 is a leap year, so 02-29 is accepted
        for text in self.pay_window:
            month_day(text, 2024)
        if self.min_whole_seasons < 1:
            raise ValueError("a suspension covers at least one whole season")
        if self.limitation_years < 1:
            raise ValueError("limitation_years must be positive")
        if self.duplicate_window <= timedelta(0):
            raise ValueError("duplicate_window must be positive")
        keys = [(rate.use, rate.variant) for rate in self.rates]
        if len(set(keys)) != len(keys):
            raise ValueError("each (use, variant) has one rate")

    def price(self, use: str, variant: str) -> Decimal:
        """The season price per m² for a use and a heat source or zone."""
        for rate in self.rates:
            if (rate.use, rate.variant) == (use, variant):
                return rate.price_yuan_per_m2
        raise LookupError(f"no rate for {use}/{variant}")

    def season(self, start_year: int) -> Season:
        """The default season starting in a year, e.g. 2026 → "2026-2027", 11-15 to 03-15."""
        return Season(
            code=f"{start_year}-{start_year + 1}",
            starts_on=month_day(self.season_start, start_year),
            ends_on=month_day(self.season_end, start_year + 1),
        )

    def suspension_deadline(self, season: Season) -> date:
        """Last day to apply for suspension of a season (DOMAIN.md §2: Sept 30 as a rule)."""
        return month_day(self.suspension_apply_by, season.start_year)
