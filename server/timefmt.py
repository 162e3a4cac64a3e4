"""Times at the edge: stored as naive UTC, sent as ISO 8601 UTC, shown in Asia/Shanghai."""
from datetime import date, datetime, timezone

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
