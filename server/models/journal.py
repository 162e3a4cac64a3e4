"""The journal: payments and their reversals, the source of truth for money (DESIGN.md).

Money columns are written once. `state` and `flags` follow a clerk's decisions (each change audited);
a wrong payment is never edited: a reversal entry with negative amount and allocations undoes it.
"""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model, created_at


class Payment(Model):
    __tablename__ = "payment"
    __table_args__ = (sa.Index("ix_payment_household_collected", "household_id", "collected_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10), default="payment")  # payment | reversal | refund
    op_id: Mapped[str | None] = mapped_column(sa.String(36), unique=True)
    household_id: Mapped[str] = mapped_column(sa.ForeignKey("household.id"))
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    method: Mapped[str] = mapped_column(sa.String(12))
    receipt_no: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    paper_receipt_no: Mapped[str | None] = mapped_column(sa.String(40))
    payer: Mapped[str | None] = mapped_column(sa.String(50))
    note: Mapped[str | None] = mapped_column(sa.String(200))
    named_season_id: Mapped[str | None] = mapped_column(sa.String(9))
    season_id: Mapped[str | None] = mapped_column(sa.String(9), index=True)  # for the phone's payment list
    collected_at: Mapped[datetime]  # the phone's time, corrected for skew, UTC
    at_raw: Mapped[str | None] = mapped_column(sa.String(40))
    posted_at: Mapped[datetime] = created_at()
    posted_on: Mapped[date] = mapped_column(index=True)  # Asia/Shanghai date of posting (日帐)
    collector_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    device_id: Mapped[str | None] = mapped_column(sa.String(36))
    state: Mapped[str] = mapped_column(sa.String(16), default="recorded")  # recorded|held|void_requested|voided
    flags: Mapped[list] = mapped_column(sa.JSON, default=list)
    reverses_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payment.id"), index=True)
    reason: Mapped[str | None] = mapped_column(sa.String(500))


class Allocation(Model):
    """payment → bill. A reversal carries the negative of each allocation it undoes."""
    __tablename__ = "allocation"
    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(sa.ForeignKey("payment.id"), index=True)
    bill_id: Mapped[int] = mapped_column(sa.ForeignKey("bill.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    rule: Mapped[str] = mapped_column(sa.String(12))  # designated | oldest_first | credit | reversal
    created_at: Mapped[datetime] = created_at()
