"""Field records (vacancy checks, area checks, visits, phone updates), dunning actions and photos."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model, created_at


class FieldRecord(Model):
    """An inspection or visit as the collector recorded it: append-only evidence (DOMAIN.md §2, §3)."""
    __tablename__ = "field_record"
    __table_args__ = (sa.Index("ix_field_record_household_at", "household_id", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    op_id: Mapped[str] = mapped_column(sa.String(36), unique=True)
    household_id: Mapped[str] = mapped_column(sa.ForeignKey("household.id"))
    kind: Mapped[str] = mapped_column(sa.String(20))  # vacancy_check | area_check | visit | contact_update
    season_id: Mapped[str | None] = mapped_column(sa.String(9))
    collector_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    device_id: Mapped[str | None] = mapped_column(sa.String(36))
    at: Mapped[datetime]
    data: Mapped[dict] = mapped_column(sa.JSON)
    state: Mapped[str] = mapped_column(sa.String(10), default="recorded")  # recorded | held
    created_at: Mapped[datetime] = created_at()


class CollectionAction(Model):
    """催缴: a demand made (visit, notice, lawyer letter). Only delivered ones restart limitation."""
    __tablename__ = "collection_action"
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[str] = mapped_column(sa.ForeignKey("household.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))  # notice_delivered | lawyer_letter | ...
    at: Mapped[datetime]
    delivered: Mapped[bool] = mapped_column(default=False)
    proof_op_id: Mapped[str | None] = mapped_column(sa.String(36))  # the phone's operation that recorded it
    proof_sha256: Mapped[str | None] = mapped_column(sa.String(64))  # a photo of the delivery (the office's)
    document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("document.id", name="fk_collection_action_document_id"))
    created_at: Mapped[datetime] = created_at()


class Attachment(Model):
    """A photo, named by the sha256 of its bytes; the file lives under ATTACHMENTS_DIR."""
    __tablename__ = "attachment"
    sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    content_type: Mapped[str] = mapped_column(sa.String(20))
    size: Mapped[int]
    uploaded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = created_at()
