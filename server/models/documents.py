"""Generated documents (催缴通知书, 律师函 drafts) and the background jobs that make them."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model, created_at


class Job(Model):
    """A background job. Its state lives here, not in a worker's memory, so any worker answers for it."""
    __tablename__ = "job"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))  # notices | lawyer_letters
    state: Mapped[str] = mapped_column(sa.String(10), default="queued")  # queued | running | done | failed
    params: Mapped[dict] = mapped_column(sa.JSON)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    result: Mapped[dict | None] = mapped_column(sa.JSON)  # skipped households and why, the error if failed
    file_name: Mapped[str | None] = mapped_column(sa.String(80))  # under DOCUMENTS_DIR
    file_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = created_at()
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class Document(Model):
    """One notice or letter for one household (the register, OFFICE.md "Dunning and documents"): its number
    (文号), the data it was printed from, the template version it was printed with, and its own PDF file
    (`file_name` under DOCUMENTS_DIR, `pdf_sha256` of its bytes; `data.page` is its first page in the job's
    combined file). DOMAIN.md §4: the software drafts; the snapshot and the hash are the record.
    `state`: a notice is `issued`; a lawyer letter is a `draft` until signed, then `signed`; either becomes
    `delivered` or `refused` by its latest delivery."""
    __tablename__ = "document"
    __table_args__ = (sa.Index("ix_document_household_kind", "household_id", "kind"),
                      sa.Index("ix_document_state_kind", "kind", "state"))
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))  # notice | lawyer_letter
    number: Mapped[str | None] = mapped_column(sa.String(60), unique=True)
    household_id: Mapped[str] = mapped_column(sa.ForeignKey("household.id"))
    season_id: Mapped[str] = mapped_column(sa.ForeignKey("season.id"))
    job_id: Mapped[str | None] = mapped_column(sa.ForeignKey("job.id"), index=True)
    data: Mapped[dict] = mapped_column(sa.JSON)
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    file_name: Mapped[str | None] = mapped_column(sa.String(80))
    template_version: Mapped[str | None] = mapped_column(sa.String(20))
    state: Mapped[str] = mapped_column(sa.String(10), default="issued")  # draft|signed|issued|delivered|refused
    delivered_on: Mapped[date | None]
    signed_at: Mapped[datetime | None]
    signed_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", name="fk_document_signed_by"))
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = created_at()


class DocumentDelivery(Model):
    """One attempt to deliver a document (送达), as the tear-off receipt records it: how, when, to whom,
    refused or not, and the photo that proves it. Attempts are kept, none replaced; the latest decides
    the document's state."""
    __tablename__ = "document_delivery"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("document.id"), index=True)
    method: Mapped[str] = mapped_column(sa.String(16))  # in_person | left_at_door | post | posted_on_door
    delivered_on: Mapped[date]
    recipient: Mapped[str | None] = mapped_column(sa.String(50))
    refused: Mapped[bool] = mapped_column(default=False)
    proof_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    source: Mapped[str] = mapped_column(sa.String(10), default="office")  # office | phone
    recorded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = created_at()


class ScheduleRun(Model):
    """One run of a scheduled job for one slot of its schedule (server/jobs.py). The unique (name, due_at)
    is what makes a slot run once, whichever worker or server claims it first."""
    __tablename__ = "schedule_run"
    __table_args__ = (sa.UniqueConstraint("name", "due_at", name="uq_schedule_run_name_due_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(40))
    due_at: Mapped[datetime]  # the slot, UTC
    state: Mapped[str] = mapped_column(sa.String(10), default="running")  # running | done | failed
    worker: Mapped[str] = mapped_column(sa.String(80))  # host:pid that claimed it
    started_at: Mapped[datetime] = created_at()
    finished_at: Mapped[datetime | None]
    result: Mapped[dict | None] = mapped_column(sa.JSON)
