"""Limitation dates of old arrears and the lawyer-letter queue (DOMAIN.md §3, case 10)."""

from datetime import date

import pytest

from sync.arrears import Debt, Demand, add_years, lawyer_letter_queue, limitation_date
from sync.rules import FeeRules

DUE_2021 = date(2021, 12, 31)


def delivered(on: date, proof: str = "送达回执 No.0042") -> Demand:
    return Demand("notice", on, on, proof)


LIMITATIONS = [
    # (what happens, demands, limitation date)
    ("no demand: three years from the due date", [], date(2024, 12, 31)),
    ("a delivered demand with proof restarts the clock", [delivered(date(2023, 3, 1))], date(2026, 3, 1)),
    ("an undelivered demand does not count", [Demand("mail", date(2023, 3, 1))], date(2024, 12, 31)),
    ("a delivered demand without proof does not count", [delivered(date(2023, 3, 1), proof="")], date(2024, 12, 31)),
    ("each delivered demand restarts it again",
     [delivered(date(2023, 3, 1)), delivered(date(2025, 8, 15))], date(2028, 8, 15)),
    ("demands are taken in date order whatever the input order",
     [delivered(date(2025, 8, 15)), delivered(date(2023, 3, 1))], date(2028, 8, 15)),
    ("a demand after the period ran out does not revive it", [delivered(date(2025, 2, 1))], date(2024, 12, 31)),
    ("a demand on the last day still counts", [delivered(date(2024, 12, 31))], date(2027, 12, 31)),
    ("a demand before the due date changes nothing", [delivered(date(2021, 11, 20))], date(2024, 12, 31)),
]


@pytest.mark.parametrize("demands, limit", [case[1:] for case in LIMITATIONS], ids=[case[0] for case in LIMITATIONS])
def test_a_debt_is_time_barred_three_years_after_it_fell_due_unless_a_delivered_demand_restarted_the_clock(
    demands, limit
):
    assert limitation_date(DUE_2021, demands) == limit


def test_february_29_falls_back_to_february_28():
    assert add_years(date(2024, 2, 29), 3) == date(2027, 2, 28)
    assert limitation_date(date(2021, 12, 31), [delivered(date(2024, 2, 29))]) == date(2027, 2, 28)


def test_a_demand_cannot_arrive_before_it_was_sent():
    with pytest.raises(ValueError):
        Demand("notice", date(2024, 3, 2), date(2024, 3, 1), "回执")


def test_the_lawyer_letter_queue_puts_the_debts_nearest_their_limitation_date_first():
    debts = [
        Debt("3-2-0502", "2023-2024", date(2023, 12, 31), 205440),
        Debt("1-1-0101", "2021-2022", DUE_2021, 203730),
        Debt("2-1-0301", "2021-2022", DUE_2021, 205440, (delivered(date(2024, 6, 1)),)),
        Debt("4-1-0201", "2022-2023", date(2022, 12, 31), 0),          # paid: not queued
        Debt("5-1-0101", "2020-2021", date(2020, 12, 31), 190000),     # already time-barred
    ]
    queue = lawyer_letter_queue(debts, date(2024, 11, 1), FeeRules())
    assert [q.debt.household for q in queue] == ["1-1-0101", "3-2-0502", "2-1-0301", "5-1-0101"]
    assert [q.limitation_on for q in queue] == [
        date(2024, 12, 31), date(2026, 12, 31), date(2027, 6, 1), date(2023, 12, 31),
    ]
    assert queue[0].days_left == 60 and not queue[0].time_barred
    assert queue[-1].time_barred


def test_debts_with_the_same_limitation_date_are_queued_larger_amount_first():
    debts = [Debt("a", "2021-2022", DUE_2021, 1000), Debt("b", "2021-2022", DUE_2021, 205440)]
    assert [q.debt.household for q in lawyer_letter_queue(debts, date(2024, 1, 1), FeeRules())] == ["b", "a"]


def test_the_limitation_period_is_configurable():
    rules = FeeRules(limitation_years=2)
    [queued] = lawyer_letter_queue([Debt("a", "2021-2022", DUE_2021, 1000)], date(2022, 1, 1), rules)
    assert queued.limitation_on == date(2023, 12, 31)


def test_a_debt_refuses_a_float_amount():
    with pytest.raises(TypeError):
        Debt("a", "2021-2022", DUE_2021, 2054.40)
