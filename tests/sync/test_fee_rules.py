"""Fee rules are configuration with Beijing defaults (DOMAIN.md §8(b)), seasons are data (§1)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from sync.rules import Approval, ApprovalRequired, FeeRules, LateFeeRule, Rate, Season, month_day


def test_the_default_rules_are_the_beijing_demo_rules_of_domain_8b():
    rules = FeeRules()
    assert rules.suspension_ratio == Decimal("0.30")
    assert rules.legacy_suspension_ratio == Decimal("0.60")
    assert rules.suspension_apply_by == "09-30"
    assert rules.late_fee.enabled is False
    assert rules.pay_window == ("05-01", "12-31")
    assert rules.limitation_years == 3
    assert rules.duplicate_window == timedelta(hours=24)


@pytest.mark.parametrize(
    "use, variant, price",
    [
        ("residential", "city_network", Decimal("24")),
        ("residential", "gas_boiler", Decimal("30")),
        ("non_residential", "core6", Decimal("45")),
        ("non_residential", "other", Decimal("43")),
    ],
)
def test_the_default_prices_per_m2_and_season(use, variant, price):
    assert FeeRules().price(use, variant) == price


def test_an_unknown_rate_is_an_error_not_a_zero_price():
    with pytest.raises(LookupError):
        FeeRules().price("residential", "coal")


def test_a_company_can_configure_its_own_ratio_deadline_and_rates():
    rules = FeeRules(
        suspension_ratio=Decimal("0.20"),
        suspension_apply_by="10-15",
        rates=(Rate("residential", "city_network", Decimal("25.50")),),
    )
    assert rules.price("residential", "city_network") == Decimal("25.50")
    assert rules.suspension_deadline(rules.season(2026)) == date(2026, 10, 15)


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"suspension_ratio": 0.3}, TypeError),
        ({"suspension_ratio": Decimal("1.5")}, ValueError),
        ({"suspension_apply_by": "9-30"}, ValueError),
        ({"suspension_apply_by": "09-31"}, ValueError),
        ({"min_whole_seasons": 0}, ValueError),
        ({"rates": (Rate("residential", "x", Decimal(1)), Rate("residential", "x", Decimal(2)))}, ValueError),
    ],
)
def test_rules_that_make_no_sense_are_refused_when_configured(kwargs, error):
    with pytest.raises(error):
        FeeRules(**kwargs)


def test_a_rate_refuses_a_float_price():
    with pytest.raises(TypeError):
        Rate("residential", "city_network", 24.0)


def test_late_fees_cannot_be_switched_on_without_a_contract_rate():
    with pytest.raises(ValueError):
        LateFeeRule(enabled=True)
    assert LateFeeRule(enabled=True, daily_rate=Decimal("0.0005")).enabled


@pytest.mark.parametrize(
    "start_year, code, starts_on, ends_on, days",
    [
        (2026, "2026-2027", date(2026, 11, 15), date(2027, 3, 15), 121),
        (2027, "2027-2028", date(2027, 11, 15), date(2028, 3, 15), 122),
        (2021, "2021-2022", date(2021, 11, 15), date(2022, 3, 15), 121),
    ],
)
def test_a_default_season_runs_from_november_15_to_march_15(start_year, code, starts_on, ends_on, days):
    season = FeeRules().season(start_year)
    assert season == Season(code, starts_on, ends_on)
    assert season.legal_days == days


def test_a_season_moved_by_the_city_is_just_other_data():
    season = Season("2026-2027", date(2026, 11, 7), date(2027, 3, 20))
    assert season.legal_days == 134


def test_month_day_reads_configured_dates():
    assert month_day("09-30", 2024) == date(2024, 9, 30)
    with pytest.raises(ValueError):
        month_day("0930", 2024)


@pytest.mark.parametrize("approver, reason", [("", "owner abroad"), ("王经理", " "), ("  ", "")])
def test_an_approval_needs_a_named_approver_and_a_written_reason(approver, reason):
    with pytest.raises(ApprovalRequired):
        Approval(approver, reason)
