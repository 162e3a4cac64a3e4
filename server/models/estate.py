"""Projects (小区), buildings (楼), households (户) and the parties who pay for them."""
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, created_at, uuid_pk


class Project(Model):
    __tablename__ = "project"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    district: Mapped[str | None] = mapped_column(sa.String(40))
    region: Mapped[str | None] = mapped_column(sa.String(40))
    heat_source: Mapped[str] = mapped_column(sa.String(20), default="city_network")  # | gas_boiler
    pricing_mode: Mapped[str] = mapped_column(sa.String(10), default="area")  # | metered
    collection_mode: Mapped[str] = mapped_column(sa.String(16), default="self")  # | property_agent
    property_company: Mapped[str | None] = mapped_column(sa.String(80))  # 物业代收: who collects (DOMAIN.md §6)
    target_rate: Mapped[Decimal] = mapped_column(sa.Numeric(5, 4), default=Decimal("0.95"))


class Building(Model):
    __tablename__ = "building"
    __table_args__ = (sa.UniqueConstraint("project_id", "name", name="uq_building_project_name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("project.id"))
    name: Mapped[str] = mapped_column(sa.String(20))
    project: Mapped[Project] = relationship(lazy="joined")


class Party(Model):
    """用热人: a person, several co-owners, a company, a developer or an employer."""
    __tablename__ = "party"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(12), default="person")
    name: Mapped[str] = mapped_column(sa.String(120))  # co-owners joined with 、
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    id_no_masked: Mapped[str | None] = mapped_column(sa.String(24))


class Household(Model):
    """户: one flat or shop. Its `version` on the phone is the number of its change-log rows
    (server/sync_api/records.py), so it grows with every change a phone must see (DESIGN.md inv. 7)."""
    __tablename__ = "household"
    __table_args__ = (sa.UniqueConstraint("building_id", "unit", "room", name="uq_household_address"),)
    id: Mapped[str] = uuid_pk()
    building_id: Mapped[int] = mapped_column(sa.ForeignKey("building.id"), index=True)
    unit: Mapped[str] = mapped_column(sa.String(10))
    room: Mapped[str] = mapped_column(sa.String(10))
    area_m2: Mapped[Decimal] = mapped_column(sa.Numeric(9, 2))
    area_source: Mapped[str] = mapped_column(sa.String(12), default="certificate")  # | drawing | survey
    area_checked_on: Mapped[date | None]
    category: Mapped[str] = mapped_column(sa.String(16), default="residential")
    status: Mapped[str] = mapped_column(sa.String(16), default="active")
    loop_type: Mapped[str] = mapped_column(sa.String(12), default="independent")
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("party.id"))
    owner_initials: Mapped[str] = mapped_column(sa.String(40), default="")
    dunning_stage: Mapped[str] = mapped_column(sa.String(20), default="none")
    opened_on: Mapped[date | None]  # 开通: heat from this day (POST /households/<id>/open)
    created_at: Mapped[datetime] = created_at()
    building: Mapped[Building] = relationship(lazy="joined")
    owner: Mapped[Party] = relationship(lazy="joined")


class Account(Model):
    """户号 / contract: who is the payer of record for a period (ownership transfer, DOMAIN.md case 2)."""
    __tablename__ = "account"
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[str] = mapped_column(sa.ForeignKey("household.id"), index=True)
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("party.id"))
    number: Mapped[str] = mapped_column(sa.String(20), unique=True)
    contract_kind: Mapped[str] = mapped_column(sa.String(10), default="de_facto")  # | signed
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]
