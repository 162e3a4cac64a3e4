"""Generated documents (催缴通知书, 律师函 drafts) and the background jobs that make them."""
from datetime import datetime

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
    """One notice or letter for one household: its number (文号), the data it was printed from, and the
    sha256 of the PDF file it was issued in (the job's file, kept; `data.page` is its first page there).
    DOMAIN.md §4: the software drafts; the snapshot and the hash are the record."""
    __tablename__ = "document"
    __table_args__ = (sa.Index("ix_document_household_kind", "household_id", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))  # notice | lawyer_letter
    number: Mapped[str | None] = mapped_column(sa.String(60), unique=True)
    household_id: Mapped[str] = mapped_column(sa.ForeignKey("household.id"))
    season_id: Mapped[str] = mapped_column(sa.ForeignKey("season.id"))
    job_id: Mapped[str | None] = mapped_column(sa.ForeignKey("job.id"), index=True)
    data: Mapped[dict] = mapped_column(sa.JSON)
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
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
