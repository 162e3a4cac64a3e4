"""What phones sent: every operation with its raw payload and first answer, quarantine, sessions."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model, created_at


class Operation(Model):
    """One field operation. The unique op_id is the permanent idempotency key (PROTOCOL.md, Push)."""
    __tablename__ = "operation"
    id: Mapped[int] = mapped_column(primary_key=True)
    op_id: Mapped[str] = mapped_column(sa.String(36), unique=True)
    device_id: Mapped[str | None] = mapped_column(sa.String(36))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    seq: Mapped[int | None] = mapped_column(sa.BigInteger)
    type: Mapped[str] = mapped_column(sa.String(20))
    household_id: Mapped[str | None] = mapped_column(sa.String(36))
    payload: Mapped[dict] = mapped_column(sa.JSON)
    payload_hash: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(10))  # applied | held | rejected
    result: Mapped[dict] = mapped_column(sa.JSON)  # the first answer, returned again on a duplicate
    at_corrected: Mapped[datetime | None]
    sync_session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sync_session.id"))
    received_at: Mapped[datetime] = created_at()


class Quarantine(Model):
    """Operations that could not be understood, kept as sent for clerks (PROTOCOL.md principle 3)."""
    __tablename__ = "quarantine"
    id: Mapped[int] = mapped_column(primary_key=True)
    op_id: Mapped[str | None] = mapped_column(sa.String(80), index=True)
    device_id: Mapped[str | None] = mapped_column(sa.String(36))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    raw: Mapped[str] = mapped_column(sa.Text)
    error_code: Mapped[str] = mapped_column(sa.String(40))
    received_at: Mapped[datetime] = created_at()


class DeviceSeq(Model):
    """Seqs a device delivered beyond a gap in its run (device.seq_contiguous): once the gap fills, the run
    jumps over them. Seqs within the run need no row."""
    __tablename__ = "device_seq"
    device_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    seq: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)


class SyncSession(Model):
    __tablename__ = "sync_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(8))  # push | pull | import
    device_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    app_version: Mapped[str | None] = mapped_column(sa.String(40))
    outbox_depth: Mapped[int | None]
    counts: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    bytes_in: Mapped[int] = mapped_column(default=0)
    ms: Mapped[int] = mapped_column(default=0)
    skew_seconds: Mapped[int | None]
    started_at: Mapped[datetime] = created_at()
