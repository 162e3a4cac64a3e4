"""The ledger date a payment posts to (PROTOCOL.md, Ledger dates), kept apart so the push can ask cheaply."""
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from sync.merge import posting_date

from ..extensions import db
from ..models.ledger import DayClose


def open_posting_date(now: datetime) -> date:
    """Today in Asia/Shanghai, or, once today is closed (every collector handed over, issue 14), the next day
    that is open: what is synced after the close is a late entry (补录) of the open day, never a change of a
    closed one (DESIGN.md inv. 6). Read under the write lock, so a close and a push never cross."""
    day = posting_date(now)
    closed = set(db.session.scalars(sa.select(DayClose.posted_on).where(
        DayClose.posted_on >= day, DayClose.posted_on <= day + timedelta(days=7))))
    while day in closed:
        day += timedelta(days=1)
    return day
