"""The phone's clock (PROTOCOL.md, Push: Clock): the corrected collection time, the flag, and the span
the duplicate check loads, at ordinary offsets and at the calendar's ends."""
from datetime import datetime, timedelta, timezone

from hypothesis import example, given, strategies as st

from sync import merge
from sync.ops import EARLIEST, LATEST, parse_op

NOW = datetime(2026, 11, 28, 2, 0)  # server time, naive UTC


def op(at: datetime):
    parsed = parse_op({"op_id": "0b6a7c1e-0000-7000-8000-000000000001", "seq": 1, "type": "visit",
                       "household_id": "h", "at": at.isoformat(), "data": {"kind": "survey", "text": "t"}})
    assert isinstance(parsed, merge.Op), parsed
    return parsed


def ctx(skew: timedelta):
    return merge.Context(now=NOW, skew=skew, device_revoked=False, seasons_open={}, used_receipts={})


UTC = timezone.utc


def test_an_hour_fast_clock_is_corrected_and_flagged():
    at, skewed = merge.corrected_time(op(datetime(2026, 11, 28, 3, 0, tzinfo=UTC)), ctx(timedelta(hours=1)))
    assert (at, skewed) == (datetime(2026, 11, 28, 2, 0), True)


def test_a_right_clock_is_neither_corrected_nor_flagged_and_a_late_entry_is_fine():
    for sent in (NOW - timedelta(days=30), NOW + timedelta(minutes=9)):
        assert merge.corrected_time(op(sent.replace(tzinfo=UTC)), ctx(timedelta(minutes=3))) == (sent, False)


def test_a_collection_time_in_the_future_is_flagged_though_the_clock_is_right_now():
    sent = NOW + timedelta(minutes=11)
    assert merge.corrected_time(op(sent.replace(tzinfo=UTC)), ctx(timedelta(0))) == (sent, True)


def test_a_correction_that_would_leave_the_calendar_keeps_the_time_as_sent():
    sent = datetime(2026, 11, 28, 1, 0)
    skew = datetime(9999, 12, 31, 23, 59) - NOW  # X-Client-Time in the year 9999
    assert merge.corrected_time(op(sent.replace(tzinfo=UTC)), ctx(skew)) == (sent, True)


def test_times_outside_the_calendar_less_a_year_at_each_end_are_malformed():
    for at in ("9999-12-31T00:00:00+00:00", "0001-06-01T00:00:00+00:00", "9999-12-31T23:59:59-12:00"):
        error = parse_op({"op_id": "0b6a7c1e-0000-7000-8000-000000000001", "seq": 1, "type": "visit",
                          "household_id": "h", "at": at, "data": {"kind": "survey", "text": "t"}})
        assert error.code == "invalid_field" and error.details == {"field": "at"}


times = st.datetimes(min_value=EARLIEST.replace(tzinfo=None), max_value=LATEST.replace(tzinfo=None))


@given(st.lists(times, min_size=1, max_size=6), st.timedeltas(min_value=-(LATEST - EARLIEST),
                                                              max_value=LATEST - EARLIEST))
# A clock 2,025 years fast: the earliest operation's correction leaves the calendar (kept as sent, 2026),
# the latest's does not (4000 - 2025 = 1975) and falls before the earliest's time as sent.
@example([datetime(2026, 1, 2), datetime(4000, 1, 1)], timedelta(days=2025 * 365.2425))
def test_every_corrected_time_lies_in_the_span_the_duplicate_check_loads(sent, skew):
    ops = [op(t.replace(tzinfo=UTC)) for t in sent]
    c = ctx(skew)
    lo, hi = merge.collection_span(min(ops, key=lambda o: o.at), max(ops, key=lambda o: o.at), c)
    for o in ops:
        at, _ = merge.corrected_time(o, c)
        assert lo <= at <= hi and EARLIEST.replace(tzinfo=None) <= at <= LATEST.replace(tzinfo=None)
