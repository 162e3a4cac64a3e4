"""Spotting a payment that may have been captured twice (DOMAIN.md case 5, PROTOCOL.md flag duplicate_suspect).

Two collectors offline may both record the same cash. The rule only *flags*: a supervisor checks cash
and receipts, because the owner may truly have paid twice (STYLE.md habit 7: anomalies are data).
One device re-sending the same op_id is not a suspect at all: it is the same operation, deduplicated.
Pure: no I/O, no clock; collection times come in as aware datetimes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["CapturedPayment", "duplicate_suspects", "is_resend"]

DEFAULT_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class CapturedPayment:
    """What the duplicate rule needs to know about one payment operation."""

    op_id: str
    household: str
    amount_fen: int
    collected_at: datetime
    season: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.amount_fen, bool) or not isinstance(self.amount_fen, int):
            raise TypeError("amount_fen must be an int")
        if not isinstance(self.collected_at, datetime):
            raise TypeError("collected_at must be a datetime")
        # Naive times from two phones cannot be compared honestly (PROTOCOL.md: clock skew).
        if self.collected_at.utcoffset() is None:
            raise ValueError("collected_at must be time-zone aware")


def is_resend(new: CapturedPayment, known: CapturedPayment) -> bool:
    """The same operation sent again (same op_id): deduplicated silently (PROTOCOL.md principle 2)."""
    return new.op_id == known.op_id


def duplicate_suspects(
    new: CapturedPayment,
    known: Iterable[CapturedPayment],
    window: timedelta = DEFAULT_WINDOW,
) -> list[CapturedPayment]:
    """Known payments the new one may duplicate: same household, same amount, within the window
    (inclusive, either direction in time), another op_id.

    The season is deliberately not compared: PROTOCOL.md defines the flag without it, and a
    collector who picked the wrong season on one phone must still be caught.
    """
    if window <= timedelta(0):
        raise ValueError("window must be positive")
    return [
        other
        for other in known
        if not is_resend(new, other)
        and other.household == new.household
        and other.amount_fen == new.amount_fen
        and abs(other.collected_at - new.collected_at) <= window
    ]
