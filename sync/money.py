"""Money: integer fen, one rounding per calculation, allocation of payments, 大写 amounts.

Pure (STYLE.md habit 1): no I/O, no clock. Every amount is an ``int`` of fen; a Decimal lives only
inside a calculation that rounds once, half-up (DOMAIN.md §8(b) ``rounding``). Floats are refused with
TypeError wherever money or area comes in, because a float has already rounded before we see it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

__all__ = [
    "MAX_AREA_M2",
    "MAX_DAXIE_FEN",
    "Allocation",
    "OpenBill",
    "allocate",
    "bill_due_fen",
    "daxie",
    "format_yuan",
    "legal_days",
    "parse_area",
    "refund_low_temp_fen",
    "product_fen",
    "refund_no_heat_fen",
    "to_decimal",
]

MAX_AREA_M2 = Decimal("100000")
# 大写 is written up to 仟亿; 万亿 would need a second 万 group the PBOC rules do not show.
MAX_DAXIE_FEN = 10**14 - 1

_AREA_PATTERN = re.compile(r"[0-9]{1,6}(?:\.[0-9]{1,2})?", re.ASCII)


# --- guards ---------------------------------------------------------------------------------------

def _require_int(name: str, value: object) -> int:
    """An int that is not a bool; floats are a TypeError, never silently truncated."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    return value


def to_decimal(name: str, value: object) -> Decimal:
    """A finite Decimal from a Decimal, str or int; a float is refused (it has already rounded)."""
    if isinstance(value, float):
        raise TypeError(f"{name} must not be a float; pass a decimal string or Decimal")
    if isinstance(value, bool) or not isinstance(value, (Decimal, str, int)):
        raise TypeError(f"{name} must be a Decimal, str or int, got {type(value).__name__}")
    try:
        number = Decimal(value)
    except ArithmeticError:
        raise ValueError(f"{name} is not a decimal number: {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"{name} must be finite: {value!r}")
    return number


def _round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half-up, exactly (integer arithmetic, non-negative only)."""
    if numerator < 0 or denominator <= 0:
        raise ValueError("rounding expects a non-negative quotient")
    return (2 * numerator + denominator) // (2 * denominator)


def product_fen(factors: Sequence[Decimal], divisor: int = 1) -> int:
    """product(factors) × 100 / divisor in fen, rounded half-up once, at the very end (non-negative).

    Each Decimal becomes an exact integer ratio, so no intermediate step can round (case 6:
    169.785 → 169.79 must come from the exact quotient, not from a rounded daily fee).
    """
    numerator, denominator = 100, divisor
    for factor in factors:
        top, bottom = factor.as_integer_ratio()
        numerator *= top
        denominator *= bottom
    return _round_half_up(numerator, denominator)


# --- area and bills -------------------------------------------------------------------------------

def parse_area(text: str) -> Decimal:
    """A charging area (计费面积, DOMAIN.md §1) from a decimal string: > 0, < 100000 m², ≤ 2 decimals."""
    if isinstance(text, float):
        raise TypeError("area must be a decimal string, not a float")
    if not isinstance(text, str):
        raise TypeError(f"area must be a decimal string, got {type(text).__name__}")
    if not _AREA_PATTERN.fullmatch(text):
        raise ValueError(f"area must be a decimal string like '85.60', got {text!r}")
    area = Decimal(text)
    if not Decimal(0) < area < MAX_AREA_M2:
        raise ValueError(f"area must be above 0 and below {MAX_AREA_M2} m², got {text!r}")
    return area.quantize(Decimal("0.01"))


def bill_due_fen(
    area_m2: Decimal | str,
    price_yuan_per_m2: Decimal | str,
    ratio: Decimal | str = "1",
) -> int:
    """Season fee = area × price × ratio, half-up to the fen once (DOMAIN.md §1, §2, §8(b)).

    85.60 m² × 24 元 = 205440 fen; × 0.30 (暂停供热基本费) = 61632 fen.
    """
    area = to_decimal("area_m2", area_m2)
    price = to_decimal("price_yuan_per_m2", price_yuan_per_m2)
    share = to_decimal("ratio", ratio)
    if area < 0 or price < 0:
        raise ValueError("area and price must not be negative")
    if not Decimal(0) <= share <= Decimal(1):
        raise ValueError(f"ratio must be between 0 and 1, got {ratio!r}")
    return product_fen((area, price, share))


# --- allocation of a payment ----------------------------------------------------------------------

@dataclass(frozen=True)
class OpenBill:
    """A season bill's outstanding balance; callers pass them oldest season first."""

    season: str
    balance_fen: int

    def __post_init__(self) -> None:
        _require_int("balance_fen", self.balance_fen)
        if self.balance_fen < 0:
            raise ValueError("a bill's balance is never below zero (DESIGN.md invariant 2)")


@dataclass(frozen=True)
class Allocation:
    """The part of one payment that settles one season's bill."""

    season: str
    amount_fen: int


def allocate(
    amount_fen: int,
    bills: Sequence[OpenBill],
    season: str | None = None,
) -> tuple[list[Allocation], int]:
    """Split a payment over open bills; return (allocations, credit_fen) (DOMAIN.md §3, case 1).

    The payer may name the season a payment settles (民法典 arts. 560–561): that bill is served
    first. Everything else goes oldest season first; what is left after every open bill is
    credit (预存). amount_fen == sum(allocations) + credit_fen (DESIGN.md invariant 3).
    """
    remaining = _require_int("amount_fen", amount_fen)
    if remaining < 0:
        raise ValueError("a payment amount is never negative; corrections are reversals")
    seasons = [bill.season for bill in bills]
    if len(set(seasons)) != len(seasons):
        raise ValueError("each season may appear once among the open bills")

    # A named season with no open bill falls through to plain oldest-first.
    named = [bill for bill in bills if bill.season == season and bill.balance_fen > 0]
    order = named + [bill for bill in bills if not (bill.season == season and bill.balance_fen > 0)] \
        if named else bills

    allocations: list[Allocation] = []
    for bill in order:
        if remaining == 0:
            break
        paid = min(remaining, bill.balance_fen)
        if paid > 0:
            allocations.append(Allocation(bill.season, paid))
            remaining -= paid
    return allocations, remaining


# --- days and refunds -----------------------------------------------------------------------------

def legal_days(starts_on: date, ends_on: date) -> int:
    """Legal heating days of a season, both ends included (DOMAIN.md §1: 121, or 122 with Feb 29)."""
    for name, value in (("starts_on", starts_on), ("ends_on", ends_on)):
        # A datetime is a date subclass; refusing it keeps time zones out of day counts.
        if isinstance(value, datetime) or not isinstance(value, date):
            raise TypeError(f"{name} must be a date")
    if ends_on < starts_on:
        raise ValueError("a season cannot end before it starts")
    return (ends_on - starts_on).days + 1


def _check_days(legal: int, days: int) -> None:
    _require_int("legal_days", legal)
    _require_int("days", days)
    if legal <= 0:
        raise ValueError("legal_days must be positive")
    if not 0 <= days <= legal:
        raise ValueError(f"days must be between 0 and {legal}, got {days}")


def refund_no_heat_fen(season_due_fen: int, legal_days: int, days: int) -> int:
    """No-heat refund = season fee ÷ legal days × days without heat (DOMAIN.md §1, case 6).

    205440 ÷ 121 × 10 = 16978.5… → 16979: rounded half-up once, at the end.
    """
    _require_int("season_due_fen", season_due_fen)
    _check_days(legal_days, days)
    if season_due_fen < 0:
        raise ValueError("season_due_fen must not be negative")
    return _round_half_up(season_due_fen * days, legal_days)


def refund_low_temp_fen(
    price_yuan_per_m2: Decimal | str,
    area_m2: Decimal | str,
    legal_days: int,
    days: int,
    ratio: Decimal | str,
) -> int:
    """Low-temperature refund = price ÷ legal days × failing area × failing days × refund ratio.

    DOMAIN.md §1 (2010 model contract); the area is that of the failing bedrooms and living rooms
    only, the ratio is the contract's 退费比例. One rounding, half-up, at the end.
    """
    price = to_decimal("price_yuan_per_m2", price_yuan_per_m2)
    area = to_decimal("area_m2", area_m2)
    share = to_decimal("ratio", ratio)
    _check_days(legal_days, days)
    if price < 0 or area < 0:
        raise ValueError("price and area must not be negative")
    if not Decimal(0) <= share <= Decimal(1):
        raise ValueError(f"ratio must be between 0 and 1, got {ratio!r}")
    return product_fen((price, area, Decimal(days), share), divisor=legal_days)


# --- 大写 and display ------------------------------------------------------------------------------

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_GROUP_UNITS = ("", "万", "亿")


def _integer_daxie(yuan: int) -> str:
    """The 元 part: one 零 for any run of zeros; a zero 万 position before a digit keeps its 零."""
    digits = str(yuan)
    out: list[str] = []
    pending_zero = False
    group_has_digit = False
    for index, char in enumerate(digits):
        power = len(digits) - 1 - index
        digit = int(char)
        if digit == 0:
            pending_zero = True
        else:
            if pending_zero:
                out.append("零")
                pending_zero = False
            # PBOC: 10–19 are written 壹拾…, never a bare 拾.
            out.append(_DIGITS[digit] + _SMALL_UNITS[power % 4])
            group_has_digit = True
        if power % 4 == 0 and power > 0:
            if group_has_digit:
                out.append(_GROUP_UNITS[power // 4])
            group_has_digit = False
    return "".join(out)


def daxie(fen: int, prefix: bool = False) -> str:
    """Chinese upper-case amount (大写) by the PBOC rules of DOMAIN.md §4.

    Chosen forms, used consistently: 整 after 元 only (never after 角 or 分); a zero in the 元 or 万
    position before a non-zero digit is written 零 (1680.32 → 壹仟陆佰捌拾元零叁角贰分,
    107000.53 → 壹拾万零柒仟元零伍角叁分); an amount under one 元 has no 元 (0.05 → 伍分).
    """
    _require_int("fen", fen)
    if fen < 0:
        raise ValueError("大写 is written for amounts of zero or more")
    if fen > MAX_DAXIE_FEN:
        raise ValueError("大写 is written for amounts below 万亿元")
    head = "人民币" if prefix else ""
    if fen == 0:
        return head + "零元整"
    yuan, cents = divmod(fen, 100)
    jiao, fen_digit = divmod(cents, 10)
    parts = [head]
    if yuan:
        parts.append(_integer_daxie(yuan) + "元")
    if cents == 0:
        parts.append("整")
        return "".join(parts)
    if yuan and (jiao == 0 or yuan % 10 == 0):
        # 元零X分 is required; 元零X角 is the chosen form for a zero 元 digit.
        parts.append("零")
    if jiao:
        parts.append(_DIGITS[jiao] + "角")
    if fen_digit:
        parts.append(_DIGITS[fen_digit] + "分")
    return "".join(parts)


def format_yuan(fen: int) -> str:
    """Fen as yuan with thousands separators, for display at the edge: 205440 → '2,054.40'."""
    _require_int("fen", fen)
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan:,}.{cents:02d}"
