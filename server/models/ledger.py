"""Day close (日帐日结): a posting date locked with its totals and the cash hand-over (DOMAIN.md §5, §6)."""
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
    closed_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))  # null: the scheduled close
    closed_at: Mapped[datetime] = created_at()
