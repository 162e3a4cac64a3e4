"""Seasons, rate rules, settings, bills (应收), their adjustments, suspension applications (报停) and refunds (退费)."""
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model, created_at


class Season(Model):
    """采暖期, as data (DOMAIN.md §1): the city may move its dates."""
    __tablename__ = "season"
    id: Mapped[str] = mapped_column(sa.String(9), primary_key=True)  # "2026-2027"
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    open: Mapped[bool] = mapped_column(default=False)
    due_on: Mapped[date | None]  # end of the payment window; limitation runs from here (DOMAIN.md case 10)


class RateRule(Model):
    """Price per m² of building area for one season, use and heat source; old bills keep old rates."""
    __tablename__ = "rate_rule"
    __table_args__ = (sa.UniqueConstraint("season_id", "category", "heat_source", "zone",
                                          name="uq_rate_rule_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    season_id: Mapped[str] = mapped_column(sa.ForeignKey("season.id"))
    category: Mapped[str] = mapped_column(sa.String(16))  # residential | non_residential
    heat_source: Mapped[str] = mapped_column(sa.String(20), default="city_network")
    zone: Mapped[str] = mapped_column(sa.String(10), default="")  # core6 | other for non-residential
    price_yuan: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2))
    suspension_ratio: Mapped[Decimal] = mapped_column(sa.Numeric(5, 4), default=Decimal("0.30"))
    doc_ref: Mapped[str | None] = mapped_column(sa.String(80))


class Setting(Model):
    """Fee rules an admin changes without code (DOMAIN.md §8b): one JSON value per key."""
    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    value: Mapped[dict] = mapped_column(sa.JSON)
    updated_at: Mapped[datetime] = created_at()


BILL_FILLFACTOR = 70  # per cent of each page filled by inserts (migration 0005)


class Bill(Model):
    """应收 of one household for one season. `paid_fen` is a cache of its allocations, kept in the
    same transaction (DESIGN.md inv. 2); `due_fen` moves only through a BillAdjustment (inv. 4)."""
    __tablename__ = "bill"
    __table_args__ = (sa.UniqueConstraint("household_id", "season_id", name="uq_bill_household_season"),
                      # PostgreSQL: room on each page for the new version of a row whose paid_fen a payment
                      # changes, so the update stays on its page and touches none of the four indexes (HOT).
                      {"postgresql_with": {"fillfactor": BILL_FILLFACTOR}})
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[str] = mapped_column(sa.ForeignKey("household.id"), index=True)
    season_id: Mapped[str] = mapped_column(sa.ForeignKey("season.id"), index=True)
    account_id: Mapped[int | None] = mapped_column(sa.ForeignKey("account.id"))
    area_m2: Mapped[Decimal] = mapped_column(sa.Numeric(9, 2))
    price_yuan: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2))
    ratio: Mapped[Decimal] = mapped_column(sa.Numeric(5, 4), default=Decimal("1"))
    due_fen: Mapped[int] = mapped_column(sa.BigInteger)
    paid_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    issued_on: Mapped[date]


class BillAdjustment(Model):
    """Every change of a bill's due amount, with its reason and approver (never a silent edit)."""
    __tablename__ = "bill_adjustment"
    id: Mapped[int] = mapped_column(primary_key=True)
    bill_id: Mapped[int] = mapped_column(sa.ForeignKey("bill.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))  # area_fix | vacancy_grant | vacancy_revoke | refund_no_heat | refund_temp | write_off
    before_fen: Mapped[int] = mapped_column(sa.BigInteger)
    after_fen: Mapped[int] = mapped_column(sa.BigInteger)
    reason: Mapped[str] = mapped_column(sa.String(500))
    approved_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    review_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("review_item.id"))
    created_at: Mapped[datetime] = created_at()


class SuspensionApplication(Model):
    """报停: a whole flat for whole seasons (京管发〔2022〕22号, DOMAIN.md §2). The bill of its season follows
    its state (sync/vacancy.py season_due_fen); each change of state is audited."""
    __tablename__ = "suspension_application"
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[str] = mapped_column(sa.ForeignKey("household.id"), index=True)
    season_id: Mapped[str] = mapped_column(sa.ForeignKey("season.id"))
    applied_on: Mapped[date]
    ratio: Mapped[Decimal] = mapped_column(sa.Numeric(5, 4))
    status: Mapped[str] = mapped_column(sa.String(12), default="approved")  # applied|approved|rejected|violated|resumed
    agreement_no: Mapped[str | None] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = created_at()
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    on_time: Mapped[bool | None]  # applied by the season's deadline (Sept 30)
    overridden: Mapped[bool | None]  # a late application approved by an admin's override (case 3)
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    decided_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(sa.String(500))
    ended_on: Mapped[date | None]  # 恢复供热: heat back from this day
    review_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("review_item.id"))


class Refund(Model):
    """退费 (DOMAIN.md §1 refund formulas, §8(d) cases 6 and 9; OFFICE.md "A household's life"): proposed,
    then approved or rejected, then paid out. The original payment is never edited: a no-heat or
    low-temperature refund lowers the bill through a BillAdjustment, and the payout is a journal entry of kind
    "refund" (negative) on the day it was paid."""
    __tablename__ = "refund"
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[str] = mapped_column(sa.ForeignKey("household.id"), index=True)
    season_id: Mapped[str] = mapped_column(sa.ForeignKey("season.id"))
    bill_id: Mapped[int | None] = mapped_column(sa.ForeignKey("bill.id"))
    kind: Mapped[str] = mapped_column(sa.String(16))  # no_heat | low_temperature | overpayment | suspension
    days: Mapped[int | None]
    area_m2: Mapped[Decimal | None] = mapped_column(sa.Numeric(9, 2))
    ratio: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 4))
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    state: Mapped[str] = mapped_column(sa.String(10), default="proposed")  # proposed|approved|paid|rejected
    reason: Mapped[str] = mapped_column(sa.String(500))
    proposed_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    decided_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(sa.String(500))
    method: Mapped[str | None] = mapped_column(sa.String(12))
    paid_on: Mapped[date | None]
    paid_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    receipt_no: Mapped[str | None] = mapped_column(sa.String(12), unique=True)  # TF000001, TF000002…
    adjustment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("bill_adjustment.id"))
    payment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payment.id"))  # the payout's journal entry
    created_at: Mapped[datetime] = created_at()
