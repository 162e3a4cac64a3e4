"""Who owes a season bill and how a corrected area changes it (DOMAIN.md cases 2 and 7, extra rules)."""

from datetime import date
from decimal import Decimal

import pytest

from sync.billing import Account, ArrearsAgreement, correct_area, opening_due_fen, payer_of_record
from sync.money import OpenBill, allocate, bill_due_fen
from sync.rules import Approval, ApprovalRequired, Season

SELLER_AND_BUYER = [
    Account("seller", date(2015, 6, 1), date(2025, 1, 10)),
    Account("buyer", date(2025, 1, 10)),
]


@pytest.mark.parametrize(
    "issued_on, season, payer",
    [
        (date(2024, 11, 15), "2024-2025", "seller"),   # issued before the transfer: the seller owes it
        (date(2023, 11, 15), "2023-2024", "seller"),   # old arrears stay claimable from the seller
        (date(2025, 1, 9), "2024-2025", "seller"),
        (date(2025, 1, 10), "2024-2025", "buyer"),     # the buyer's account starts on the registration day
        (date(2025, 11, 15), "2025-2026", "buyer"),
    ],
)
def test_an_ownership_transfer_mid_season_leaves_the_bill_with_the_payer_of_record_at_issue(
    issued_on, season, payer
):
    assert payer_of_record(SELLER_AND_BUYER, issued_on, season) == payer


def test_a_transferred_season_bill_is_not_prorated():
    # Case 2: the seller owes the whole 2024-2025 season, not the days until 2025-01-10.
    due = bill_due_fen("85.60", "24")
    assert payer_of_record(SELLER_AND_BUYER, date(2024, 11, 15), "2024-2025") == "seller"
    assert due == 205440


def test_a_written_agreement_moves_one_seasons_debt_to_the_buyer():
    agreements = [ArrearsAgreement("2024-2025", "buyer")]
    assert payer_of_record(SELLER_AND_BUYER, date(2024, 11, 15), "2024-2025", agreements) == "buyer"
    assert payer_of_record(SELLER_AND_BUYER, date(2023, 11, 15), "2023-2024", agreements) == "seller"


def test_a_developer_holding_an_unsold_flat_owes_the_season_in_which_it_sells():
    accounts = [Account("developer", date(2024, 6, 1), date(2025, 2, 1)), Account("first owner", date(2025, 2, 1))]
    assert payer_of_record(accounts, date(2024, 11, 15), "2024-2025") == "developer"


def test_a_handover_agreement_can_put_the_season_on_the_first_owner():
    accounts = [Account("developer", date(2024, 6, 1), date(2025, 2, 1)), Account("first owner", date(2025, 2, 1))]
    agreements = [ArrearsAgreement("2024-2025", "first owner")]
    assert payer_of_record(accounts, date(2024, 11, 15), "2024-2025", agreements) == "first owner"


def test_an_employer_that_bears_the_heating_cost_is_the_payer():
    accounts = [Account("employer: 京暖示范机械厂", date(2010, 1, 1))]
    assert payer_of_record(accounts, date(2026, 11, 15), "2026-2027") == "employer: 京暖示范机械厂"


def test_a_bill_with_no_account_covering_its_issue_date_has_no_payer_to_guess():
    with pytest.raises(LookupError):
        payer_of_record(SELLER_AND_BUYER, date(2014, 11, 15), "2014-2015")


def test_overlapping_accounts_are_a_data_error():
    accounts = [Account("a", date(2020, 1, 1)), Account("b", date(2024, 1, 1))]
    with pytest.raises(ValueError):
        payer_of_record(accounts, date(2024, 11, 15))


def test_an_account_valid_for_no_day_is_refused():
    with pytest.raises(ValueError):
        Account("x", date(2025, 1, 10), date(2025, 1, 10))


CORRECTIONS = [
    # (what happens, new area, paid, new due, delta, balance, overpaid)
    ("certificate shows more area after full payment: 42.00 补缴", "87.35", 205440, 209640, 4200, 4200, 0),
    ("certificate shows less area after full payment: 84.00 overpaid", "82.10", 205440, 197040, -8400, 0, 8400),
    ("less area on an unpaid bill: only the balance shrinks", "82.10", 0, 197040, -8400, 197040, 0),
    ("less area after a partial payment below the new due", "82.10", 100000, 197040, -8400, 97040, 0),
    ("same area: nothing changes", "85.60", 205440, 205440, 0, 0, 0),
]


@pytest.mark.parametrize(
    "new_area, paid, new_due, delta, balance, overpaid",
    [case[1:] for case in CORRECTIONS],
    ids=[case[0] for case in CORRECTIONS],
)
def test_an_area_correction_rebills_the_season_and_shows_top_up_or_overpayment(
    new_area, paid, new_due, delta, balance, overpaid
):
    correction = correct_area(
        "85.60", new_area, "24", paid_fen=paid, area_source="certificate",
        measured_on=date(2026, 12, 2), season_closed=False,
    )
    assert correction.old_due_fen == 205440
    assert (correction.new_due_fen, correction.delta_fen) == (new_due, delta)
    assert (correction.balance_fen, correction.overpaid_fen) == (balance, overpaid)
    assert correction.area_source == "certificate"
    assert correction.measured_on == date(2026, 12, 2)


def test_an_area_correction_of_a_closed_season_needs_an_approval():
    with pytest.raises(ApprovalRequired):
        correct_area("85.60", "87.35", "24", paid_fen=205440, area_source="survey",
                     measured_on=date(2026, 12, 2), season_closed=True)
    approval = Approval("财务 李娜", "测绘报告 2026-118")
    correction = correct_area("85.60", "87.35", "24", paid_fen=205440, area_source="survey",
                              measured_on=date(2026, 12, 2), season_closed=True, approval=approval)
    assert correction.delta_fen == 4200
    assert correction.approval == approval


def test_an_area_correction_of_a_suspended_season_keeps_the_suspension_ratio():
    correction = correct_area("85.60", "87.35", "24", paid_fen=61632, area_source="certificate",
                              measured_on=date(2026, 12, 2), season_closed=False, ratio="0.30")
    assert (correction.old_due_fen, correction.new_due_fen) == (61632, 62892)


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"area_source": "guess"}, ValueError),
        ({"paid_fen": 2054.40}, TypeError),
        ({"paid_fen": -1}, ValueError),
    ],
)
def test_an_area_correction_refuses_unknown_sources_and_bad_amounts(kwargs, error):
    arguments = {"paid_fen": 0, "area_source": "certificate", "measured_on": date(2026, 12, 2),
                 "season_closed": False} | kwargs
    with pytest.raises(error):
        correct_area("85.60", "87.35", "24", **arguments)


def test_an_area_correction_refuses_a_float_area():
    with pytest.raises(TypeError):
        correct_area("85.60", 87.35, "24", paid_fen=0, area_source="certificate",
                     measured_on=date(2026, 12, 2), season_closed=False)


def test_an_overpayment_rolls_forward_as_credit_for_the_next_season():
    allocations, credit = allocate(250000, [OpenBill("2025-2026", 205440)])
    assert credit == 44560
    # Next season the credit is applied like a payment without a season.
    next_allocations, left = allocate(credit, [OpenBill("2026-2027", 205440)])
    assert next_allocations[0].amount_fen == 44560 and left == 0


def test_a_rate_change_between_seasons_leaves_old_bills_at_the_old_rate():
    old_bill = bill_due_fen(Decimal("85.60"), "24")   # computed once, stored as fen
    new_bill = bill_due_fen(Decimal("85.60"), "26")
    assert (old_bill, new_bill) == (205440, 222560)


SEASON = Season("2026-2027", date(2026, 11, 15), date(2027, 3, 15))


@pytest.mark.parametrize(
    "opened_on, due",
    [
        (date(2026, 10, 1), 205440),     # opened before the season: the whole fee
        (date(2026, 11, 15), 205440),    # on its first day: the whole fee
        (date(2026, 11, 25), 205440 - 16979),  # ten days without heat, the case-6 formula: 16,979 less
        (date(2027, 3, 15), 1698),       # the last day: one day's heat (205,440 ÷ 121, half up)
    ],
)
def test_a_flat_opened_during_the_season_owes_the_fee_less_the_days_before_its_heat(opened_on, due):
    assert opening_due_fen(205440, SEASON, opened_on) == due


def test_a_flat_opened_after_the_season_owes_nothing_of_it_and_says_so():
    with pytest.raises(ValueError, match="after the last day"):
        opening_due_fen(205440, SEASON, date(2027, 3, 16))
