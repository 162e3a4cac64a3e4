"""Shared column helpers. Every DateTime column holds naive UTC; shown in Asia/Shanghai at the edge."""
import secrets
import threading
import time
from datetime import datetime, timezone
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.orm import mapped_column

from ..extensions import db

Model = db.Model


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def uuid7(stamp: int, rand: int) -> str:
    """A UUIDv7 (RFC 9562 §5.7): `stamp` = Unix milliseconds << 12 | a 12-bit counter within the millisecond
    (the "rand_a" bits used as a counter, §6.2 method 1), then 62 bits of `rand`. Ids sort as their stamps."""
    ms, counter = stamp >> 12, stamp & 0xFFF
    return str(UUID(int=(ms << 80) | (0x7 << 76) | (counter << 64) | (0b10 << 62) | (rand & ((1 << 62) - 1))))


_last_stamp = 0
_stamp_lock = threading.Lock()


def new_id() -> str:
    """A household's id: time-ordered, and growing within this process even inside one millisecond.

    Households are created an estate at a time, in address order (server/demo.py), so one building's
    households get neighbouring ids and sit together in every index keyed by household: payments, bills,
    the change log. A collector's push or pull covers a few buildings and so reads and writes a few pages
    of each; random (v4) ids scattered them over the whole index (issue 3, bench/push_bench.py)."""
    global _last_stamp
    with _stamp_lock:
        _last_stamp = max(time.time_ns() // 1_000_000 << 12, _last_stamp + 1)
        stamp = _last_stamp
    return uuid7(stamp, secrets.randbits(62))


def uuid_pk():
    return mapped_column(sa.String(36), primary_key=True, default=new_id)


def created_at():
    return mapped_column(sa.DateTime, nullable=False, default=utcnow)


def fen_sum(column):
    """SUM of a fen column as an integer on every engine (PostgreSQL's SUM(bigint) is numeric)."""
    return sa.cast(sa.func.coalesce(sa.func.sum(column), 0), sa.BigInteger)
