"""The append-only journal: a payment on the wrong flat is corrected by reversal (DOMAIN.md case 4)."""

from datetime import date

import pytest

from sync.journal import ClosedDayError, Journal, JournalEntry, move_payment, reverse
from sync.rules import RuleError

COLLECTED = date(2026, 11, 20)
CORRECTED = date(2026, 11, 23)
WRONG, RIGHT = "3-2-0501", "3-2-0502"

PAYMENT = JournalEntry("pay-1", WRONG, 205440, COLLECTED, receipt_no="K7Q-000012")


def closed_journal() -> Journal:
    return Journal().post(PAYMENT).close_day(COLLECTED)


def test_a_payment_on_the_wrong_flat_is_reversed_there_and_posted_anew_on_the_right_flat_today():
    journal = move_payment(closed_journal(), PAYMENT, RIGHT, CORRECTED, "录错户：应为0502", "pay-2",
                           receipt_no="K7Q-000013")
    assert journal.paid_fen(WRONG) == 0
    assert journal.paid_fen(RIGHT) == 205440
    # The closed day still holds exactly the original payment; both corrections are on today's ledger.
    assert journal.entries_posted_on(COLLECTED) == (PAYMENT,)
    assert [e.kind for e in journal.entries_posted_on(CORRECTED)] == ["reversal", "payment"]


def test_the_audit_trail_links_the_original_its_reversal_and_the_new_payment():
    journal = move_payment(closed_journal(), PAYMENT, RIGHT, CORRECTED, "录错户", "pay-2")
    original, reversal, moved = journal.trail("pay-1")
    assert original == PAYMENT
    assert (reversal.reverses, reversal.amount_fen, reversal.household) == ("pay-1", -205440, WRONG)
    assert (moved.replaces, moved.amount_fen, moved.household) == ("pay-1", 205440, RIGHT)


def test_the_original_payment_is_never_edited():
    before = closed_journal()
    after = move_payment(before, PAYMENT, RIGHT, CORRECTED, "录错户", "pay-2")
    assert after.entry("pay-1") == PAYMENT
    assert before.entries == (PAYMENT,)          # posting returns a new journal
    with pytest.raises(AttributeError):
        PAYMENT.amount_fen = 0                   # entries are frozen


def test_nothing_can_be_posted_to_a_closed_day():
    with pytest.raises(ClosedDayError):
        closed_journal().post(reverse(PAYMENT, COLLECTED, "录错户"))
    with pytest.raises(ClosedDayError):
        closed_journal().post(JournalEntry("late", RIGHT, 1000, COLLECTED))


def test_a_failed_post_adds_none_of_its_entries():
    journal = closed_journal()
    with pytest.raises(ClosedDayError):
        journal.post(JournalEntry("ok", RIGHT, 1000, CORRECTED), JournalEntry("closed", RIGHT, 1000, COLLECTED))
    assert journal.entries == (PAYMENT,)


def test_a_payment_is_reversed_at_most_once():
    journal = closed_journal().post(reverse(PAYMENT, CORRECTED, "作废"))
    with pytest.raises(RuleError):
        journal.post(reverse(PAYMENT, CORRECTED, "again", entry_id="rev-2"))
    assert journal.is_reversed("pay-1")


def test_a_reversal_is_final_and_cannot_itself_be_reversed():
    reversal = reverse(PAYMENT, CORRECTED, "作废")
    with pytest.raises(RuleError):
        reverse(reversal, CORRECTED, "undo")


@pytest.mark.parametrize(
    "entry",
    [
        JournalEntry("r", WRONG, -1000, CORRECTED, kind="reversal", reverses="pay-1", reason="x"),   # wrong amount
        JournalEntry("r", RIGHT, -205440, CORRECTED, kind="reversal", reverses="pay-1", reason="x"),  # wrong flat
        JournalEntry("r", WRONG, -205440, CORRECTED, kind="reversal", reverses="nope", reason="x"),   # no original
    ],
    ids=["amount differs", "household differs", "unknown original"],
)
def test_a_reversal_must_cancel_exactly_an_existing_payment_on_the_same_flat(entry):
    with pytest.raises((RuleError, LookupError)):
        closed_journal().post(entry)


def test_a_reversal_needs_a_reason():
    with pytest.raises(ValueError):
        reverse(PAYMENT, CORRECTED, "  ")


def test_a_reversal_cannot_be_dated_before_its_payment():
    with pytest.raises(RuleError):
        reverse(PAYMENT, date(2026, 11, 19), "录错户")


def test_entry_ids_are_never_reused():
    with pytest.raises(RuleError):
        closed_journal().post(JournalEntry("pay-1", RIGHT, 1000, CORRECTED))


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"amount_fen": 0}, ValueError),
        ({"amount_fen": -5}, ValueError),
        ({"amount_fen": 2054.40}, TypeError),
        ({"kind": "edit"}, ValueError),
    ],
)
def test_a_journal_entry_refuses_zero_negative_float_or_unknown_payments(kwargs, error):
    arguments = {"entry_id": "x", "household": WRONG, "amount_fen": 100, "posted_on": CORRECTED} | kwargs
    with pytest.raises(error):
        JournalEntry(**arguments)


def test_moving_a_payment_to_the_same_flat_is_refused():
    with pytest.raises(RuleError):
        move_payment(closed_journal(), PAYMENT, WRONG, CORRECTED, "x", "pay-2")
