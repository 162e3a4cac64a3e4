"""The same payment captured by two collectors offline (DOMAIN.md case 5, PROTOCOL.md duplicate_suspect)."""

from datetime import datetime, timedelta, timezone

import pytest

from sync.duplicates import CapturedPayment, duplicate_suspects, is_resend

BEIJING = timezone(timedelta(hours=8))
AT = datetime(2026, 11, 20, 10, 0, tzinfo=BEIJING)
FIRST = CapturedPayment("op-c01-1", "3-2-0502", 205440, AT, "2026-2027")

CASES = [
    # (what happens, other capture, suspect?)
    ("second collector, same flat and amount, an hour later", CapturedPayment("op-c02-7", "3-2-0502", 205440, AT + timedelta(hours=1)), True),
    ("exactly 24 h apart is still within the window", CapturedPayment("op-c02-7", "3-2-0502", 205440, AT + timedelta(hours=24)), True),
    ("captured earlier than the first", CapturedPayment("op-c02-7", "3-2-0502", 205440, AT - timedelta(hours=3)), True),
    ("same moment given in UTC", CapturedPayment("op-c02-7", "3-2-0502", 205440, datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)), True),
    ("another season named: still a suspect", CapturedPayment("op-c02-7", "3-2-0502", 205440, AT, "2025-2026"), True),
    ("more than 24 h apart", CapturedPayment("op-c02-7", "3-2-0502", 205440, AT + timedelta(hours=24, seconds=1)), False),
    ("another amount", CapturedPayment("op-c02-7", "3-2-0502", 100000, AT), False),
    ("another flat", CapturedPayment("op-c02-7", "3-2-0501", 205440, AT), False),
    ("the same op_id re-sent by one device", CapturedPayment("op-c01-1", "3-2-0502", 205440, AT), False),
]


@pytest.mark.parametrize("other, suspect", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_a_second_capture_of_the_same_amount_on_the_same_flat_within_24_hours_is_a_suspect(other, suspect):
    assert (duplicate_suspects(other, [FIRST]) == [FIRST]) is suspect


def test_a_resend_of_the_same_operation_is_deduplicated_not_flagged():
    resend = CapturedPayment("op-c01-1", "3-2-0502", 205440, AT)
    assert is_resend(resend, FIRST)
    assert duplicate_suspects(resend, [FIRST]) == []


def test_all_earlier_captures_that_match_are_returned_for_the_supervisor():
    second = CapturedPayment("op-c02-7", "3-2-0502", 205440, AT + timedelta(hours=2))
    unrelated = CapturedPayment("op-c03-1", "3-2-0502", 5000, AT)
    third = CapturedPayment("op-c03-2", "3-2-0502", 205440, AT + timedelta(hours=5))
    assert duplicate_suspects(third, [FIRST, second, unrelated]) == [FIRST, second]


def test_the_window_is_configurable():
    later = CapturedPayment("op-c02-7", "3-2-0502", 205440, AT + timedelta(hours=30))
    assert duplicate_suspects(later, [FIRST], window=timedelta(hours=48)) == [FIRST]


def test_naive_collection_times_are_refused_because_phone_clocks_differ():
    with pytest.raises(ValueError):
        CapturedPayment("op", "3-2-0502", 205440, datetime(2026, 11, 20, 10, 0))


def test_a_float_amount_is_refused():
    with pytest.raises(TypeError):
        CapturedPayment("op", "3-2-0502", 2054.40, AT)
