"""How one payment is split over a household's open season bills (DOMAIN.md §3, case 1)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.money import Allocation, OpenBill, allocate

TWO_SEASONS = [OpenBill("2023-2024", 205440), OpenBill("2024-2025", 205440)]


def test_a_partial_payment_without_a_season_pays_the_oldest_season_first():
    # Case 1: 3,000.00 over two seasons of 2,054.40 → 2,054.40 + 945.60; 1,108.80 stays due.
    allocations, credit = allocate(300000, TWO_SEASONS)
    assert allocations == [Allocation("2023-2024", 205440), Allocation("2024-2025", 94560)]
    assert credit == 0
    assert TWO_SEASONS[1].balance_fen - allocations[1].amount_fen == 110880


def test_a_payment_that_names_a_season_pays_that_season_first():
    allocations, credit = allocate(300000, TWO_SEASONS, season="2024-2025")
    assert allocations == [Allocation("2024-2025", 205440), Allocation("2023-2024", 94560)]
    assert credit == 0


CASES = [
    # (what happens, amount, bills, season, allocations, credit)
    ("exact payment of one bill", 205440, [("2024-2025", 205440)], None,
     [("2024-2025", 205440)], 0),
    ("small payment touches only the oldest", 1000, [("2023-2024", 205440), ("2024-2025", 205440)], None,
     [("2023-2024", 1000)], 0),
    ("overpayment becomes credit (预存)", 250000, [("2024-2025", 205440)], None,
     [("2024-2025", 205440)], 44560),
    ("no open bill: all credit", 100000, [], None, [], 100000),
    ("paid-up bills get nothing", 100000, [("2023-2024", 0), ("2024-2025", 50000)], None,
     [("2024-2025", 50000)], 50000),
    ("named season already paid falls through to oldest-first", 100000,
     [("2023-2024", 30000), ("2024-2025", 0), ("2025-2026", 205440)], "2024-2025",
     [("2023-2024", 30000), ("2025-2026", 70000)], 0),
    ("named season without a bill falls through", 100000, [("2023-2024", 30000)], "2030-2031",
     [("2023-2024", 30000)], 70000),
    ("named season, rest oldest-first over the others, rest credit", 500000,
     [("2022-2023", 100000), ("2023-2024", 100000), ("2024-2025", 205440)], "2024-2025",
     [("2024-2025", 205440), ("2022-2023", 100000), ("2023-2024", 100000)], 94560),
    ("named season takes the whole of a small payment", 5000,
     [("2023-2024", 205440), ("2024-2025", 205440)], "2024-2025", [("2024-2025", 5000)], 0),
    ("a zero payment allocates nothing", 0, [("2024-2025", 205440)], None, [], 0),
    ("a suspended season's reduced bill is paid like any other", 70000,
     [("2024-2025", 61632), ("2025-2026", 205440)], None,
     [("2024-2025", 61632), ("2025-2026", 8368)], 0),
]


@pytest.mark.parametrize(
    "amount, bills, season, expected, credit",
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_allocation_table(amount, bills, season, expected, credit):
    open_bills = [OpenBill(name, balance) for name, balance in bills]
    assert allocate(amount, open_bills, season) == (
        [Allocation(name, part) for name, part in expected],
        credit,
    )


def test_a_negative_payment_is_refused_because_corrections_are_reversals():
    with pytest.raises(ValueError):
        allocate(-1, TWO_SEASONS)


def test_a_bill_balance_below_zero_is_refused():
    with pytest.raises(ValueError):
        OpenBill("2024-2025", -1)


def test_the_same_season_twice_among_open_bills_is_refused():
    with pytest.raises(ValueError):
        allocate(1000, [OpenBill("2024-2025", 100), OpenBill("2024-2025", 100)])


seasons = [f"{year}-{year + 1}" for year in range(2015, 2027)]
bill_lists = st.lists(st.integers(min_value=0, max_value=10_000_000), max_size=len(seasons)).map(
    lambda balances: [OpenBill(seasons[i], balance) for i, balance in enumerate(balances)]
)
named_season = st.one_of(st.none(), st.sampled_from(seasons + ["1999-2000"]))


@given(st.integers(min_value=0, max_value=100_000_000), bill_lists, named_season)
def test_allocation_conserves_money_never_overpays_a_bill_and_leaves_credit_non_negative(
    amount, bills, season
):
    allocations, credit = allocate(amount, bills, season)
    balances = {bill.season: bill.balance_fen for bill in bills}
    assert sum(a.amount_fen for a in allocations) + credit == amount
    assert credit >= 0
    assert all(a.amount_fen > 0 for a in allocations)
    assert all(a.amount_fen <= balances[a.season] for a in allocations)
    assert len({a.season for a in allocations}) == len(allocations)
    # Credit only exists once every open bill is paid in full.
    if credit > 0:
        assert {a.season: a.amount_fen for a in allocations} == {
            name: balance for name, balance in balances.items() if balance > 0
        }


@given(st.integers(min_value=0, max_value=100_000_000), bill_lists)
def test_without_a_named_season_no_newer_bill_is_touched_while_an_older_one_is_open(amount, bills):
    allocations, _ = allocate(amount, bills)
    paid = {a.season: a.amount_fen for a in allocations}
    open_bills = [bill for bill in bills if bill.balance_fen > 0]
    for older, newer in zip(open_bills, open_bills[1:]):
        if paid.get(newer.season):
            assert paid.get(older.season) == older.balance_fen


@given(st.integers(min_value=1, max_value=100_000_000), bill_lists, st.sampled_from(seasons))
def test_a_named_open_season_is_always_served_first(amount, bills, season):
    allocations, _ = allocate(amount, bills, season)
    if any(bill.season == season and bill.balance_fen > 0 for bill in bills):
        assert allocations[0].season == season
