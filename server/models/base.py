"""Shared column helpers. Every DateTime column holds naive UTC; shown in Asia/Shanghai at the edge."""
from datetime import datetime, timezone
from uuid import uuid4

import sqlalchemy as sa
from sqlalchemy.orm import mapped_column

from ..extensions import db

Model = db.Model


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def new_id() -> str:
    return str(uuid4())


def uuid_pk():
    return mapped_column(sa.String(36), primary_key=True, default=new_id)


def created_at():
    return mapped_column(sa.DateTime, nullable=False, default=utcnow)


def fen_sum(column):
    """SUM of a fen column as an integer on every engine (PostgreSQL's SUM(bigint) is numeric)."""
    return sa.cast(sa.func.coalesce(sa.func.sum(column), 0), sa.BigInteger)
