"""投诉处理档案: complaints and their follow-ups (回访) (DOMAIN.md §7 Complaints; OFFICE.md "A household's life")."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model


class Complaint(Model):
    """A complaint from a phone's visit, the office's counter or a property company, kept until closed with its
    resolution; compensation above zero is an admin's (需要赔付: the regional manager's, DOMAIN.md §7)."""
    __tablename__ = "complaint"
    __table_args__ = (sa.Index("ix_complaint_household_state", "household_id", "state"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[str] = mapped_column(sa.ForeignKey("household.id"))
    category: Mapped[str] = mapped_column(sa.String(12))  # temperature | billing | service | other
    text: Mapped[str] = mapped_column(sa.String(2000))
    source: Mapped[str] = mapped_column(sa.String(20))  # phone | office | property_company
    state: Mapped[str] = mapped_column(sa.String(8), default="open")  # open | closed
    opened_at: Mapped[datetime]
    opened_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    # The phone's visit it came from: unique, so a replayed push never opens a second one.
    field_record_id: Mapped[int | None] = mapped_column(sa.ForeignKey("field_record.id"), unique=True)
    resolution: Mapped[str | None] = mapped_column(sa.String(2000))
    satisfaction: Mapped[int | None]  # 1..5
    compensation_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    compensation_state: Mapped[str] = mapped_column(sa.String(10), default="none")  # none | proposed | approved
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))


class ComplaintFollowUp(Model):
    """回访: a call or a visit after a complaint, with the owner's satisfaction if asked."""
    __tablename__ = "complaint_follow_up"
    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(sa.ForeignKey("complaint.id"), index=True)
    text: Mapped[str] = mapped_column(sa.String(2000))
    satisfaction: Mapped[int | None]
    by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    at: Mapped[datetime]
    field_record_id: Mapped[int | None] = mapped_column(sa.ForeignKey("field_record.id"), unique=True)
