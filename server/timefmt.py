"""Times at the edge: stored as naive UTC, sent as ISO 8601 UTC, shown in Asia/Shanghai."""
from datetime import date, datetime, time, timedelta, timezone

from sync.ops import SHANGHAI  # noqa: F401  (one definition of the business time zone)


def iso_utc(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def shanghai(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc).astimezone(SHANGHAI)


def shanghai_date(value: datetime) -> date:
    return shanghai(value).date()


def shanghai_text(value: datetime | None) -> str:
    return "" if value is None else shanghai(value).strftime("%Y-%m-%d %H:%M")


def day_start_utc(day) -> datetime:
    """The start of a Shanghai date as the naive UTC time the database stores; past the calendar's first
    day (0001-01-01 starts in year 0 in UTC) the earliest time there is."""
    try:
        return datetime.combine(day, time(), SHANGHAI).astimezone(timezone.utc).replace(tzinfo=None)
    except OverflowError:
        return datetime.min


def day_end_utc(day) -> datetime:
    """The start of the next Shanghai date, as day_start_utc; after 9999-12-31 the latest time there is."""
    try:
        return day_start_utc(day + timedelta(days=1))
    except OverflowError:
        return datetime.max
