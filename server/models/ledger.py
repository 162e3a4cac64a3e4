"""Day close (日帐日结) and the collectors' cash hand-overs (交款) it waits for (DOMAIN.md §5, §6)."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model, created_at


class DayClose(Model):
    """One closed posting date. The totals are a snapshot taken at the close; `digest` fingerprints the
    journal entries of the day, so anyone can recompute it and see that a closed day never changed
    (DESIGN.md inv. 6). `over_short_fen` = counted cash − the day's cash in the journal: > 0 长款, < 0 短款;
    null when the day was closed by the scheduler without a count."""
    __tablename__ = "day_close"
    id: Mapped[int] = mapped_column(primary_key=True)
    posted_on: Mapped[date] = mapped_column(unique=True)
    count: Mapped[int]
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    cash_fen: Mapped[int] = mapped_column(sa.BigInteger)
    by_method: Mapped[dict] = mapped_column(sa.JSON)
    cash_counted_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    over_short_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    deposit_ref: Mapped[str | None] = mapped_column(sa.String(80))
    digest: Mapped[str] = mapped_column(sa.String(64))
    # Each collector's hand-over as it stood at the close (the cashier's part of the closed day).
    handovers: Mapped[list | None] = mapped_column(sa.JSON)
    # {payment id: state} of the day's entries not plainly recorded at the close: the closed day reprints as
    # it was closed, though a payment of it is voided later (its reversal is on the later day).
    entry_states: Mapped[dict | None] = mapped_column(sa.JSON)
    closed_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))  # null: the scheduled close
    closed_at: Mapped[datetime] = created_at()


class CashHandover(Model):
    """交款: one collector's cash counted by the cashier for one posting date (DOMAIN.md §5).

    Records are never edited: the first count has `seq` 0; a correction is a new row with the next `seq`
    on the day it is made (`recorded_on`), naming the record it corrects and why. The latest row of a
    collector and date is what the cashier holds. `expected_cash_fen` is the cash the collector's synced
    receipts of `posted_on` carried when the row was written; over/short = counted − expected."""
    __tablename__ = "cash_handover"
    __table_args__ = (sa.UniqueConstraint("posted_on", "collector_id", "seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    posted_on: Mapped[date]
    collector_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    seq: Mapped[int]  # 0: the hand-over; 1, 2, …: its corrections in order
    expected_cash_fen: Mapped[int] = mapped_column(sa.BigInteger)
    counted_fen: Mapped[int] = mapped_column(sa.BigInteger)
    over_short_fen: Mapped[int] = mapped_column(sa.BigInteger)
    slip_no: Mapped[str | None] = mapped_column(sa.String(80))  # the bank deposit slip (缴款单)
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cash_handover.id"))
    reason: Mapped[str | None] = mapped_column(sa.String(200))
    recorded_on: Mapped[date]
    recorded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = created_at()
