"""Areas, season fees, legal days and refunds in integer fen (DOMAIN.md §1, §2, cases 6 and 9)."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from sync.money import (
    OpenBill,
    allocate,
    bill_due_fen,
    daxie,
    format_yuan,
    legal_days,
    parse_area,
    refund_low_temp_fen,
    refund_no_heat_fen,
)


@pytest.mark.parametrize(
    "text, area",
    [
        ("85.60", Decimal("85.60")),
        ("85.6", Decimal("85.60")),
        ("85", Decimal("85.00")),
        ("0.01", Decimal("0.01")),
        ("99999.99", Decimal("99999.99")),
        ("30.5", Decimal("30.50")),
    ],
)
def test_an_area_is_read_from_a_decimal_string_with_at_most_two_decimals(text, area):
    assert parse_area(text) == area
    assert parse_area(text).as_tuple().exponent == -2


@pytest.mark.parametrize(
    "text",
    ["", "0", "0.00", "-5", "100000", "100000.00", "85.601", "85.", ".5", "1e2", "NaN",
     "Infinity", " 85.60", "85,60", "８５.６０", "85.60m2", "+85"],
)
def test_an_area_that_is_not_a_plain_positive_amount_below_100000_m2_is_refused(text):
    with pytest.raises(ValueError):
        parse_area(text)


@pytest.mark.parametrize(
    "area, price, ratio, due_fen",
    [
        ("85.60", "24", "1", 205440),        # the example flat of DOMAIN.md §8(d)
        ("85.60", "24", "0.30", 61632),      # 暂停供热基本费 at the 2022 ratio
        ("85.60", "24", "0.60", 123264),     # legacy 60 % ratio of the 2010 contract
        ("87.35", "24", "1", 209640),        # case 7, corrected area
        ("82.10", "24", "1", 197040),        # case 7, smaller area
        ("67.91", "30", "1", 203730),        # the Xicheng case: 2,037.30 元
        ("100.00", "45", "1", 450000),       # non-residential, six core districts
        ("0.01", "24", "0.30", 7),           # 0.072 元 → 0.07
        ("0.05", "24", "0.30", 36),          # 0.36 元 exactly
        ("10.05", "30", "0.35", 10553),      # 105.525 元 → 105.53: half-up, not banker's
    ],
)
def test_a_season_fee_is_area_times_price_times_ratio_rounded_half_up_once(area, price, ratio, due_fen):
    assert bill_due_fen(area, price, ratio) == due_fen
    assert bill_due_fen(Decimal(area), Decimal(price), Decimal(ratio)) == due_fen


def test_a_full_season_fee_needs_no_ratio():
    assert bill_due_fen("85.60", "24") == 205440


@pytest.mark.parametrize("ratio", ["-0.1", "1.01"])
def test_a_ratio_outside_zero_to_one_is_refused(ratio):
    with pytest.raises(ValueError):
        bill_due_fen("85.60", "24", ratio)


@pytest.mark.parametrize(
    "starts_on, ends_on, days",
    [
        (date(2026, 11, 15), date(2027, 3, 15), 121),
        (date(2027, 11, 15), date(2028, 3, 15), 122),   # February 2028 has 29 days
        (date(2023, 11, 15), date(2024, 3, 15), 122),
        (date(2025, 11, 15), date(2026, 3, 15), 121),
        (date(2026, 11, 15), date(2026, 11, 15), 1),
    ],
)
def test_legal_heating_days_count_both_the_first_and_the_last_day(starts_on, ends_on, days):
    assert legal_days(starts_on, ends_on) == days


def test_a_season_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        legal_days(date(2027, 3, 15), date(2026, 11, 15))


def test_legal_days_refuse_datetimes_so_time_zones_never_shift_a_day_count():
    with pytest.raises(TypeError):
        legal_days(datetime(2026, 11, 15), date(2027, 3, 15))


@pytest.mark.parametrize(
    "due_fen, legal, days, refund_fen",
    [
        (205440, 121, 10, 16979),   # case 6: 169.785… → 169.79
        (205440, 121, 0, 0),
        (205440, 121, 121, 205440),
        (205440, 122, 10, 16839),   # 168.393… in a leap season
        (61632, 121, 10, 5094),     # a suspended flat: 50.935… → 50.94
        (242, 121, 1, 2),           # exactly 2 fen
        (121, 242, 1, 1),           # exactly half a fen rounds up
    ],
)
def test_a_no_heat_refund_is_the_daily_average_fee_times_the_days_rounded_once_at_the_end(
    due_fen, legal, days, refund_fen
):
    assert refund_no_heat_fen(due_fen, legal, days) == refund_fen


def test_the_no_heat_refund_of_case_6_is_not_built_from_a_rounded_daily_fee():
    # A daily fee rounded first (1697.85 → 1698 fen) would give 16980: one fen too much.
    assert refund_no_heat_fen(205440, 121, 10) == 16979


@pytest.mark.parametrize(
    "price, area, legal, days, ratio, refund_fen",
    [
        ("24", "30.5", 121, 6, "1", 3630),        # case 9 bedroom: 36.2975… 元
        ("24", "30.5", 121, 6, "0.5", 1815),      # 18.1487… 元
        ("24", "30.5", 122, 6, "1", 3600),        # 36.0000 元 in a leap season
        ("30", "18.20", 121, 3, "1", 1354),       # 13.5372… 元
        ("24", "30.5", 121, 0, "1", 0),
    ],
)
def test_a_low_temperature_refund_follows_the_contract_formula_for_failing_rooms_and_days(
    price, area, legal, days, ratio, refund_fen
):
    assert refund_low_temp_fen(price, area, legal, days, ratio) == refund_fen


@pytest.mark.parametrize("days", [-1, 122])
def test_refund_days_outside_the_season_are_refused(days):
    with pytest.raises(ValueError):
        refund_no_heat_fen(205440, 121, days)
    with pytest.raises(ValueError):
        refund_low_temp_fen("24", "30.5", 121, days, "1")


FLOAT_CALLS = [
    ("parse_area", lambda: parse_area(85.6)),
    ("bill_due_fen area", lambda: bill_due_fen(85.6, "24")),
    ("bill_due_fen price", lambda: bill_due_fen("85.60", 24.0)),
    ("bill_due_fen ratio", lambda: bill_due_fen("85.60", "24", 0.3)),
    ("allocate amount", lambda: allocate(3000.0, [OpenBill("2024-2025", 205440)])),
    ("OpenBill balance", lambda: OpenBill("2024-2025", 2054.4)),
    ("refund_no_heat_fen due", lambda: refund_no_heat_fen(205440.0, 121, 10)),
    ("refund_no_heat_fen days", lambda: refund_no_heat_fen(205440, 121, 10.0)),
    ("refund_low_temp_fen price", lambda: refund_low_temp_fen(24.0, "30.5", 121, 6, "1")),
    ("refund_low_temp_fen area", lambda: refund_low_temp_fen("24", 30.5, 121, 6, "1")),
    ("refund_low_temp_fen ratio", lambda: refund_low_temp_fen("24", "30.5", 121, 6, 1.0)),
    ("daxie", lambda: daxie(2054.40)),
    ("format_yuan", lambda: format_yuan(2054.40)),
]


@pytest.mark.parametrize("call", [call for _, call in FLOAT_CALLS], ids=[name for name, _ in FLOAT_CALLS])
def test_money_and_area_refuse_floats_because_a_float_has_already_rounded(call):
    with pytest.raises(TypeError):
        call()


@pytest.mark.parametrize(
    "call",
    [lambda: allocate(True, []), lambda: daxie(True), lambda: bill_due_fen(True, "24")],
    ids=["allocate", "daxie", "bill_due_fen"],
)
def test_a_bool_is_not_taken_for_an_amount(call):
    with pytest.raises(TypeError):
        call()
