"""Refunds for heat not supplied or rooms below standard (DOMAIN.md §1 refund formulas, cases 6 and 9).

A refund never edits the original payment: it is a Refund plus a BillAdjustment (case 6). The money
formulas live in sync.money; this module decides which days and rooms count. Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sync.money import product_fen, refund_no_heat_fen, to_decimal
from sync.rules import FeeRules, Season, require_date

__all__ = [
    "LowTempAssessment",
    "TempReading",
    "assess_low_temperature",
    "no_heat_refund_fen",
]


def no_heat_refund_fen(season_due_fen: int, season: Season, outage_days: int) -> int:
    """Refund for days without heat: season fee ÷ the season's legal days × days (case 6)."""
    return refund_no_heat_fen(season_due_fen, season.legal_days, outage_days)


@dataclass(frozen=True)
class TempReading:
    """One room-temperature reading (室温检测记录, DOMAIN.md §7) in a bedroom or living room."""

    room: str
    room_area_m2: Decimal
    measured_on: date
    value_c: Decimal
    signed: bool                      # signed by both sides, or refusal plus witness
    outdoor_mean_c: Decimal | None = None

    def __post_init__(self) -> None:
        require_date("measured_on", self.measured_on)
        for name in ("room_area_m2", "value_c", "outdoor_mean_c"):
            value = getattr(self, name)
            if not (value is None and name == "outdoor_mean_c") and not isinstance(value, Decimal):
                raise TypeError(f"{name} must be a Decimal (floats are refused)")
        if self.room_area_m2 <= 0:
            raise ValueError("a room's area must be positive")


@dataclass(frozen=True)
class LowTempAssessment:
    """What stays due after a low-temperature complaint, and how risky a lawsuit would be."""

    season_due_fen: int
    refund_fen: int
    failing_room_days: tuple[tuple[str, date], ...]
    high_litigation_risk: bool

    @property
    def due_after_refund_fen(self) -> int:
        return self.season_due_fen - self.refund_fen


def assess_low_temperature(
    season_due_fen: int,
    readings: Iterable[TempReading],
    price_yuan_per_m2: Decimal | str,
    season: Season,
    refund_ratio: Decimal | str,
    rules: FeeRules,
) -> LowTempAssessment:
    """Refund only the signed failing room-days and keep the rest due (DOMAIN.md case 9).

    A room-day fails when a signed reading that day is below rules.room_standard_c in normal
    weather (outdoor mean ≥ rules.normal_weather_min_c, or unknown). With no signed readings at all
    nothing is refunded, but the bill is flagged high litigation risk: courts cut fees when the
    company has no spot-check records (Miyun 80 %, the 2024 burden-of-proof case, §3).
    """
    signed = [reading for reading in readings if reading.signed]
    failing: dict[tuple[str, date], Decimal] = {}
    for reading in signed:
        cold_weather = (
            reading.outdoor_mean_c is not None and reading.outdoor_mean_c < rules.normal_weather_min_c
        )
        if reading.value_c < rules.room_standard_c and not cold_weather:
            if not season.starts_on <= reading.measured_on <= season.ends_on:
                raise ValueError(f"reading of {reading.measured_on} lies outside {season.code}")
            failing[(reading.room, reading.measured_on)] = reading.room_area_m2
    refund_fen = _low_temp_total_fen(failing, price_yuan_per_m2, season.legal_days, refund_ratio)
    if refund_fen > season_due_fen:
        raise ValueError("a refund cannot exceed the season fee; check the room areas")
    return LowTempAssessment(
        season_due_fen=season_due_fen,
        refund_fen=refund_fen,
        failing_room_days=tuple(sorted(failing)),
        high_litigation_risk=not signed,
    )


def _low_temp_total_fen(
    failing: dict[tuple[str, date], Decimal],
    price_yuan_per_m2: Decimal | str,
    legal_days: int,
    refund_ratio: Decimal | str,
) -> int:
    # Σ area × days over rooms first, then one rounding for the whole refund (§8(b) rounding).
    price = to_decimal("price_yuan_per_m2", price_yuan_per_m2)
    ratio = to_decimal("refund_ratio", refund_ratio)
    if not Decimal(0) <= ratio <= Decimal(1):
        raise ValueError("refund_ratio must be between 0 and 1")
    area_days = sum(failing.values(), Decimal(0))
    factors: Sequence[Decimal] = (price, area_days, ratio)
    return product_fen(factors, divisor=legal_days)
