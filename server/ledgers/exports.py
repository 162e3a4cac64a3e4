"""A ledger too long to render as PDF inside a request becomes a job (issue 11).

WeasyPrint lays out ~150 ledger rows a second here: a busy day of 25,000 entries takes minutes, past any
worker's timeout, and the clerk saw nothing. Above PDF_INLINE_ENTRIES the request answers 202 with a job
(GET /api/v1/jobs/<id> for progress, /file for the PDF), rendered in chunks of CHUNK entries so that the
progress moves and each chunk's layout is let go once its pages are kept.
"""
from flask import render_template

from ..documents import service as documents
from ..documents.pdf import render_many
from . import service

PDF_INLINE_ENTRIES = 1000
CHUNK = 500
KIND = "ledger_pdf"


def wants_job(ledger: dict) -> bool:
    return len(ledger.get("entries") or ()) > PDF_INLINE_ENTRIES


def start_daily_pdf(day, collector, project, title: str, name: str, entries: int, user_id: int) -> str:
    """Queue the daily ledger of `day` as PDF; returns the job's id."""
    params = {"ledger": "daily", "date": day.isoformat(), "collector": collector, "project": project,
              "title": title, "name": name}
    return documents.queue(KIND, params, total=entries, user_id=user_id)


def make(job) -> None:
    """The job's work: read the ledger as it is now, render it a chunk at a time, keep one file."""
    from datetime import date
    p = job.params
    ledger = service.daily(date.fromisoformat(p["date"]), p["collector"], p["project"])
    entries = ledger["entries"]
    htmls = []
    for start in range(0, max(len(entries), 1), CHUNK):
        # The totals head the first chunk; every chunk repeats the table's header row.
        part = dict(ledger, entries=entries[start:start + CHUNK], continued=start > 0)
        htmls.append(render_template("documents/ledger.html", ledger=part, title=p["title"], name=p["name"]))
    job_id, total = job.id, len(entries)

    def on_each(done_chunks):
        documents.progress(job_id, min(done_chunks * CHUNK, total))

    body, _ = render_many(htmls, on_each)
    documents.finish(job_id, body, f"{p['name']}.pdf", {"entries": total})


documents.MAKERS[KIND] = make
