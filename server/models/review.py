"""Review items: anomalies turned into work for clerks, with a decision and a reason once resolved."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model, created_at


class ReviewItem(Model):
    __tablename__ = "review_item"
    __table_args__ = (sa.Index("ix_review_item_state_kind", "state", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    flags: Mapped[list] = mapped_column(sa.JSON, default=list)
    household_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    op_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    # indexed: a pull lists each shown payment's review decisions by it (server/sync_api/records.py)
    payment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payment.id"), index=True)
    field_record_id: Mapped[int | None] = mapped_column(sa.ForeignKey("field_record.id"))
    collector_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    state: Mapped[str] = mapped_column(sa.String(10), default="open")  # open | resolved
    decision: Mapped[str | None] = mapped_column(sa.String(10))
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    decided_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = created_at()
