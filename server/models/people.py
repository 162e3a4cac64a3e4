"""Users (collectors, clerks, admins), their enrolled devices, sign-in attempts and assignments."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model, created_at


class User(Model):
    __tablename__ = "user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    role: Mapped[str] = mapped_column(sa.String(16))  # collector | clerk | admin
    password_hash: Mapped[str] = mapped_column(sa.String(200))
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = created_at()


class Device(Model):
    """One sign-in of one phone or browser: a bearer token (stored hashed) and a receipt prefix."""
    __tablename__ = "device"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    code: Mapped[str] = mapped_column(sa.String(5), unique=True)
    secret: Mapped[str] = mapped_column(sa.String(64))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    token_expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    signed_out_at: Mapped[datetime | None]  # POST /auth/logout: the token is refused from then on
    last_seen_at: Mapped[datetime | None]
    seq_contiguous: Mapped[int] = mapped_column(sa.BigInteger, default=0)  # device_last_seq
    seq_max: Mapped[int] = mapped_column(sa.BigInteger, default=0)  # > seq_contiguous: a gap to show
    app_version: Mapped[str | None] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = created_at()


class ConsoleSession(Model):
    """A clerk's or admin's sign-in at the console (OFFICE.md, Users and sessions): a bearer token like a
    device's, but no phone: no receipt code, no seq, no outbox, and never listed among devices."""
    __tablename__ = "console_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]  # signed out, or the user deactivated
    created_at: Mapped[datetime] = created_at()


class LoginAttempt(Model):
    """Every failed sign-in, by username known or not: the rate limit counts these (PROTOCOL.md)."""
    __tablename__ = "login_attempt"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(80), index=True)
    at: Mapped[datetime] = created_at()


class Assignment(Model):
    """A collector's building for a period; scope = the rows valid now (valid_to null)."""
    __tablename__ = "assignment"
    __table_args__ = (sa.Index("ix_assignment_building", "building_id", "valid_to"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    building_id: Mapped[int] = mapped_column(sa.ForeignKey("building.id"))
    valid_from: Mapped[datetime]
    valid_to: Mapped[datetime | None]
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
