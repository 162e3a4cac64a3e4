"""The change log that pulls read, the audit log of every change of money or billing state, and meta."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model, created_at

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # SQLite autoincrements INTEGER PKs only


class ChangeLog(Model):
    """One row per change of a household's record, written in the same transaction (DESIGN.md inv. 7)."""
    __tablename__ = "change_log"
    __table_args__ = (sa.Index("ix_change_log_household_seq", "household_id", "change_seq"),)
    change_seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    household_id: Mapped[str] = mapped_column(sa.String(36))
    at: Mapped[datetime] = created_at()


class AuditLog(Model):
    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_entity", "entity", "entity_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = created_at()
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(sa.String(40))
    entity: Mapped[str] = mapped_column(sa.String(30))
    entity_id: Mapped[str] = mapped_column(sa.String(40))
    before: Mapped[dict | None] = mapped_column(sa.JSON)
    after: Mapped[dict | None] = mapped_column(sa.JSON)
    reason: Mapped[str | None] = mapped_column(sa.String(500))


class Meta(Model):
    """Key/value facts about this database, e.g. the cursor epoch made when it was created."""
    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    value: Mapped[str] = mapped_column(sa.String(200))
