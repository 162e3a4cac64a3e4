"""Refunds for an outage and for rooms below standard (DOMAIN.md §1, cases 6 and 9)."""

from datetime import date
from decimal import Decimal

import pytest

from sync.money import daxie
from sync.refunds import TempReading, assess_low_temperature, no_heat_refund_fen
from sync.rules import FeeRules

RULES = FeeRules()
SEASON = RULES.season(2026)          # 121 legal days
DUE = 205440                         # 85.60 m² × 24 元


def test_ten_days_without_heat_refund_169_79_rounded_half_up_once():
    refund = no_heat_refund_fen(DUE, SEASON, 10)
    assert refund == 16979
    assert daxie(refund) == "壹佰陆拾玖元柒角玖分"


def test_the_same_outage_in_a_leap_season_refunds_a_little_less():
    assert no_heat_refund_fen(DUE, RULES.season(2027), 10) == 16839


def bedroom(day: int, value: str = "16.5", signed: bool = True, outdoor: str | None = None) -> TempReading:
    return TempReading("主卧", Decimal("30.5"), date(2026, 12, day), Decimal(value), signed,
                       None if outdoor is None else Decimal(outdoor))


SIX_COLD_DAYS = [bedroom(day) for day in range(1, 7)]


def test_signed_low_readings_refund_those_days_only_and_keep_the_rest_due():
    # Case 9: 16.5 ℃ on 6 days in a 30.5 m² bedroom: 24 ÷ 121 × 30.5 × 6 = 36.2975… → 36.30 元.
    assessment = assess_low_temperature(DUE, SIX_COLD_DAYS, "24", SEASON, "1", RULES)
    assert assessment.refund_fen == 3630
    assert assessment.due_after_refund_fen == 201810
    assert len(assessment.failing_room_days) == 6
    assert not assessment.high_litigation_risk


def test_the_contracts_refund_ratio_scales_the_refund():
    assert assess_low_temperature(DUE, SIX_COLD_DAYS, "24", SEASON, "0.5", RULES).refund_fen == 1815


def test_a_refusal_to_pay_with_no_temperature_records_is_flagged_high_litigation_risk():
    assessment = assess_low_temperature(DUE, [], "24", SEASON, "1", RULES)
    assert assessment.high_litigation_risk
    assert (assessment.refund_fen, assessment.due_after_refund_fen) == (0, DUE)


def test_unsigned_readings_refund_nothing_and_leave_the_risk_high():
    unsigned = [bedroom(day, signed=False) for day in range(1, 7)]
    assessment = assess_low_temperature(DUE, unsigned, "24", SEASON, "1", RULES)
    assert assessment.high_litigation_risk and assessment.refund_fen == 0


def test_signed_readings_that_pass_lower_the_risk_and_refund_nothing():
    warm = [bedroom(day, "18.0") for day in range(1, 4)]
    assessment = assess_low_temperature(DUE, warm, "24", SEASON, "1", RULES)
    assert not assessment.high_litigation_risk and assessment.refund_fen == 0


def test_several_readings_of_one_room_on_one_day_count_as_one_failing_day():
    readings = SIX_COLD_DAYS + [bedroom(1, "17.0"), bedroom(1, "18.5")]
    assert assess_low_temperature(DUE, readings, "24", SEASON, "1", RULES).refund_fen == 3630


def test_readings_in_weather_colder_than_minus_9_do_not_count_as_failing():
    readings = SIX_COLD_DAYS[:5] + [bedroom(6, outdoor="-10.5")]
    assert len(assess_low_temperature(DUE, readings, "24", SEASON, "1", RULES).failing_room_days) == 5


def test_two_failing_rooms_are_summed_before_the_single_rounding():
    # 24 ÷ 121 × 10 m² = 1.98347… 元 per room-day; rounding per room would give 1.98 + 1.98 = 3.96.
    readings = [TempReading(room, Decimal("10.00"), date(2026, 12, 1), Decimal("17.2"), True) for room in ("次卧", "书房")]
    assert assess_low_temperature(DUE, readings, "24", SEASON, "1", RULES).refund_fen == 397


def test_a_bedroom_and_a_living_room_failing_on_different_days_are_both_refunded():
    living = TempReading("客厅", Decimal("25.3"), date(2026, 12, 9), Decimal("17.2"), True)
    # 24 ÷ 121 × (30.5 × 6 + 25.3 × 1) = 41.3157… 元
    assessment = assess_low_temperature(DUE, SIX_COLD_DAYS + [living], "24", SEASON, "1", RULES)
    assert assessment.refund_fen == 4132
    assert ("客厅", date(2026, 12, 9)) in assessment.failing_room_days


def test_a_company_with_a_16_degree_standard_configures_it():
    rules = FeeRules(room_standard_c=Decimal("16"))
    assert assess_low_temperature(DUE, SIX_COLD_DAYS, "24", SEASON, "1", rules).refund_fen == 0


def test_a_reading_outside_the_season_is_refused():
    with pytest.raises(ValueError):
        assess_low_temperature(DUE, [TempReading("主卧", Decimal("30.5"), date(2027, 4, 1), Decimal("15"), True)],
                               "24", SEASON, "1", RULES)


def test_a_temperature_reading_refuses_floats():
    with pytest.raises(TypeError):
        TempReading("主卧", 30.5, date(2026, 12, 1), Decimal("16.5"), True)
    with pytest.raises(TypeError):
        TempReading("主卧", Decimal("30.5"), date(2026, 12, 1), 16.5, True)
