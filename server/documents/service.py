"""Arrears notices (催缴通知书) and lawyer-letter drafts (律师函) for many households, as background jobs.

A request makes a Job row (queued) and hands its id to server.jobs; the job reads the households' bills,
takes a data snapshot per household, numbers it (文号), renders one PDF with all of them (kept under
DOCUMENTS_DIR, to print) and records a Document per household with its snapshot, the file's sha256 and
its page in the file (DOMAIN.md §4).
"""
import hashlib
import os
import re
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app, render_template

from sync.merge import posting_date
from sync.money import daxie

from ..changes import begin_write
from ..company import company
from ..complaints.service import dunning_paused
from ..errors import ApiError
from ..estate.address import flat_label
from ..households.accounts import bill_payers
from ..extensions import db
from ..models import (Account, Bill, Building, CollectionAction, Complaint, Household, Party, Project,
                      Season, utcnow)
from ..models.documents import Document, Job
from ..models.ledger import DayClose  # noqa: F401  (one import registers every table of the area)
from ..timefmt import iso_utc, shanghai_date
from . import pdf
from .register import check_link

KINDS = {"notices": ("notice", "documents/notice.html", "催"), "lawyer_letters": ("lawyer_letter",
                                                                                 "documents/lawyer_letter.html", "律")}
TEMPLATES = {doc_kind: template for doc_kind, template, _ in KINDS.values()}
MAX_HOUSEHOLDS = 2000
_versions: dict = {}


def template_version(doc_kind: str) -> str:
    """The version of the template a document is printed with: the first 12 hex digits of the sha256 of the
    template and the print stylesheet, so a changed wording or layout is a new version in the register."""
    if doc_kind not in _versions:
        digest = hashlib.sha256()
        for path in (pdf.TEMPLATES.parent / TEMPLATES[doc_kind], pdf.STYLESHEET):
            digest.update(path.read_bytes())
        _versions[doc_kind] = digest.hexdigest()[:12]
    return _versions[doc_kind]



def _zh(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --- the request --------------------------------------------------------------------------------------

def start(kind: str, season_id: str, household_ids: list[str] | None, project: str | None, building: str | None,
          user_id: int, base_url: str = "") -> str:
    """Check the request, record a queued job and return its id; the work runs in server.jobs.
    `base_url` is the address the request came to: the documents' check links use it when the company
    has set no public_url."""
    if db.session.get(Season, season_id) is None:
        raise ApiError("validation_failed", {"fields": {"season": [f"unknown season: {season_id}"]}})
    if household_ids is not None:
        ids = list(dict.fromkeys(household_ids))
        found = set(db.session.scalars(sa.select(Household.id).where(Household.id.in_(ids))))
        unknown = [i for i in ids if i not in found]
        if unknown:
            raise ApiError("validation_failed", {"fields": {"household_ids": [f"unknown households: {unknown[:20]}"]}})
    else:
        b = db.session.scalar(sa.select(Building).join(Project, Project.id == Building.project_id)
                              .where(Project.name == project, Building.name == building))
        if b is None:
            raise ApiError("validation_failed", {"fields": {"building": [f"unknown building: {project} {building}"]}})
        ids = list(db.session.scalars(sa.select(Household.id).where(Household.building_id == b.id)
                                      .order_by(Household.unit, Household.room)))
    if len(ids) > MAX_HOUSEHOLDS:
        raise ApiError("validation_failed", {"fields": {"household_ids": [f"at most {MAX_HOUSEHOLDS} per job"]}})
    return queue(kind, {"season": season_id, "household_ids": ids, "project": project, "building": building,
                        "base_url": base_url}, total=len(ids), user_id=user_id)


# What each kind of job does, by Job.kind: notices and letters here; other areas register theirs
# (server/ledgers/exports.py), so the runner below knows no area but this one.
MAKERS: dict = {}


def queue(kind: str, params: dict, total: int, user_id: int) -> str:
    """Record a queued job and hand it to the runner (server/jobs.py); returns its id."""
    from . import runner
    job = Job(id=_new_id(), kind=kind, state="queued", total=total, done=0, created_by=user_id, params=params)
    job_id = job.id
    begin_write()
    db.session.add(job)
    db.session.commit()
    runner.submit(job_id)
    return job_id


def progress(job_id: str, done: int) -> None:
    """How far a running job has come, for GET /jobs/<id>."""
    begin_write()
    db.session.execute(sa.update(Job).where(Job.id == job_id).values(done=done))
    db.session.commit()


def _keep(stem: str, body: bytes) -> tuple[str | None, str | None]:
    """Write a PDF under DOCUMENTS_DIR (whole or not at all); its file name and sha256."""
    if not body:
        return None, None
    file_name = f"{stem}.pdf"
    folder = current_app.config["DOCUMENTS_DIR"]
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, file_name + ".part"), "wb") as f:
        f.write(body)
    os.replace(os.path.join(folder, file_name + ".part"), os.path.join(folder, file_name))
    return file_name, hashlib.sha256(body).hexdigest()


def finish(job_id: str, body: bytes, download_name: str, result: dict) -> None:
    """A job that made one file: keep it and mark the job done."""
    file_name, file_sha256 = _keep(job_id, body)
    begin_write()
    job = db.session.get(Job, job_id)
    db.session.execute(sa.update(Job).where(Job.id == job_id).values(
        state="done", done=job.total, finished_at=utcnow(), file_name=file_name, file_sha256=file_sha256,
        result={**result, "download_name": download_name}))
    db.session.commit()


def _new_id() -> str:
    from uuid import uuid4
    return str(uuid4())


def job_status(job_id: str) -> dict:
    """A job's state and progress; once done, what it made, what it skipped and why, and its files: the
    combined PDF to print and, for documents, one per household (OFFICE.md, Jobs)."""
    job = db.session.get(Job, job_id)
    if job is None:
        raise ApiError("not_found", {"job_id": job_id})
    result = job.result or {}
    done = job.state == "done" and bool(job.file_name)
    files = []
    if done:
        files.append({"household_id": None, "number": None, "url": f"/api/v1/jobs/{job.id}/file"})
        files += [{"household_id": m["household_id"], "number": m["number"],
                   "url": f"/api/v1/jobs/{job.id}/file?household_id={m['household_id']}"} for m in result.get("made", [])]
    return {"id": job.id, "kind": job.kind, "state": job.state, "done": job.done, "total": job.total,
            "result": job.result, "made": len(result["made"]) if "made" in result else result.get("documents"),
            "skipped": result.get("skipped", []), "files": files,
            "created_at": iso_utc(job.created_at), "finished_at": iso_utc(job.finished_at),
            "file": f"/api/v1/jobs/{job.id}/file" if done else None}


def job_file(job_id: str, household_id: str | None = None) -> tuple[str, str]:
    """(path, download name) of a finished job's PDF, or of the document it made for one household."""
    job = db.session.get(Job, job_id)
    if job is None:
        raise ApiError("not_found", {"job_id": job_id})
    if job.state != "done" or not job.file_name:
        raise ApiError("job_not_ready", {"state": job.state, "result": job.result})
    if household_id is not None:
        made = next((m for m in (job.result or {}).get("made", []) if m["household_id"] == household_id), None)
        if made is None:
            raise ApiError("not_found", {"household_id": household_id[:36], "reason": "no document of this job"})
        from .register import document_file
        return document_file(made["document_id"])
    path = os.path.join(current_app.config["DOCUMENTS_DIR"], job.file_name)
    if not os.path.exists(path):
        raise ApiError("not_found", {"job_id": job_id, "reason": "the file is gone"})
    named = (job.result or {}).get("download_name")
    return path, named or f"{'催缴通知书' if job.kind == 'notices' else '律师函草稿'}-{job.id[:8]}.pdf"


# --- the work (in a job thread, with its own app context) ---------------------------------------------

def run(job_id: str) -> None:
    """Make the documents of one job; any failure marks the job failed with the reason, never half done."""
    job = db.session.get(Job, job_id)
    if job is None or job.state not in ("queued",):
        return
    begin_write()
    job.state, job.started_at = "running", utcnow()
    db.session.commit()
    try:
        MAKERS.get(job.kind, _make)(job)
    except Exception as e:  # noqa: BLE001 — the job must end in a state a clerk can see
        db.session.rollback()
        current_app.logger.exception("document job %s failed", job_id)
        job = db.session.get(Job, job_id)
        begin_write()
        job.state, job.finished_at = "failed", utcnow()
        job.result = {**(job.result or {}), "error": type(e).__name__}
        db.session.commit()


def _make(job: Job) -> None:
    doc_kind, template, _ = KINDS[job.kind]
    season_id, ids = job.params["season"], job.params["household_ids"]
    now = utcnow()
    snapshots, skipped = [], []
    particulars = company()
    # No demand while a temperature complaint is open: the household's dunning is paused (OFFICE.md, Complaints).
    paused = set(db.session.scalars(dunning_paused().where(Complaint.household_id.in_(ids)))) if ids else set()
    for hid in ids:
        snap = None if hid in paused else snapshot(doc_kind, hid, season_id, now, particulars)
        if hid in paused:
            skipped.append({"household_id": hid, "reason": "complaint_open"})
        elif snap is None:
            # no notice for a paid-up household, no letter for one whose debts are not yet overdue
            reason = "nothing_owing" if doc_kind == "notice" else "nothing_overdue"
            skipped.append({"household_id": hid, "reason": reason})
        else:
            snapshots.append(snap)
    db.session.commit()  # end the read; numbering takes the write lock briefly
    base_url = particulars["public_url"] or job.params.get("base_url") or "http://localhost"
    documents = _number(job, doc_kind, season_id, snapshots, base_url)
    htmls = [render_template(template, n=d.data) for d in documents]
    reported = {"last": 0}
    own = {}

    def on_each(done):  # progress for GET /jobs/<id>, written every few documents
        if done - reported["last"] >= 10 or done == len(htmls):
            reported["last"] = done
            progress(job.id, done + len(skipped))

    def keep(i, body):  # each household's own file, for the register and for the job's files
        own[documents[i].id] = _keep(f"doc-{documents[i].id}", body)

    combined, first_pages = pdf.render_many(htmls, on_each, keep)
    file_name, file_sha256 = _keep(job.id, combined)
    begin_write()
    for d, page in zip(documents, first_pages):
        name, sha = own[d.id]
        db.session.execute(sa.update(Document).where(Document.id == d.id).values(
            pdf_sha256=sha, file_name=name, data={**d.data, "file": file_name, "page": page}))
    made = [{"household_id": d.household_id, "document_id": d.id, "number": d.number} for d in documents]
    db.session.execute(sa.update(Job).where(Job.id == job.id).values(
        state="done", done=len(ids), finished_at=utcnow(), file_name=file_name, file_sha256=file_sha256,
        result={"documents": len(documents), "numbers": [d.number for d in documents], "made": made,
                "skipped": skipped}))
    db.session.commit()


def _number(job: Job, doc_kind: str, season_id: str, snapshots: list[dict], base_url: str) -> list[Document]:
    """Give each document its 文号, e.g. 京示热催字〔2026〕第000123号, from the document's row id, and the
    check link of its QR code (register.check_link), which needs that id."""
    prefix = snapshots[0]["company"]["notice_prefix" if doc_kind == "notice" else "letter_prefix"] if snapshots else ""
    begin_write()
    rows = []
    year = snapshots[0]["issued_on"][:4] if snapshots else ""
    last = _last_number(doc_kind, year)
    for k, snap in enumerate(snapshots, start=1):
        d = Document(kind=doc_kind, household_id=snap["household"]["id"], season_id=season_id, job_id=job.id,
                     data=snap, created_by=job.created_by, template_version=template_version(doc_kind),
                     state="draft" if doc_kind == "lawyer_letter" else "issued")
        db.session.add(d)
        db.session.flush()
        n = last + k
        d.number = f"（{year}）{prefix}第{n:06d}号" if doc_kind == "lawyer_letter" else f"{prefix}〔{year}〕第{n:06d}号"
        d.data = {**snap, "number": d.number, **check_link(base_url, d.id)}
        rows.append(d)
    db.session.commit()
    return rows


def _last_number(doc_kind: str, year: str) -> int:
    """The highest serial given to a document of this kind this year: each kind counts on its own from 1
    each year (a notice and a letter never share a series). Read under the write lock (begin_write)."""
    numbers = db.session.scalars(sa.select(Document.number).where(Document.kind == doc_kind,
                                                                   Document.number.like(f"%{year}%"))).all()
    serials = [int(m[1]) for n in numbers if (m := re.search(r"第(\d+)号", n or ""))]
    return max(serials, default=0)


def snapshot(doc_kind: str, household_id: str, season_id: str, now, company: dict) -> dict | None:
    """Everything printed on one household's document, as plain JSON (kept as the Document's record).

    Rows: every season up to the named one with something outstanding, oldest first; for a lawyer letter
    only those past their payment window (Season.due_on, DOMAIN.md §1): a debt not yet due is no breach,
    and the path is demand → lawyer letter → lawsuit. None when nothing is owing (or overdue): no document.
    """
    season = db.session.get(Season, season_id)
    today = posting_date(now)
    h, building, project, owner = db.session.execute(
        sa.select(Household, Building.name, Project.name, Party.name)
        .join(Building, Building.id == Household.building_id).join(Project, Project.id == Building.project_id).join(Party, Party.id == Household.owner_id)
        .where(Household.id == household_id)).one()
    query = sa.select(Bill, Season.starts_on).join(Season, Season.id == Bill.season_id).where(
        Bill.household_id == household_id, Season.starts_on <= season.starts_on)
    if doc_kind == "lawyer_letter":
        query = query.where(Season.due_on < today)
    bills = db.session.execute(query.order_by(Season.starts_on)).all()
    # Each season names who owes it (过户, case 2): the seller keeps the arrears issued to him.
    payers = bill_payers(household_id, [b for b, _ in bills])
    payer_names = dict(db.session.execute(sa.select(Party.id, Party.name).where(
        Party.id.in_({a.party_id for a in payers.values() if a is not None}))).all())
    rows = [{"season": b.season_id, "payer": payer_names.get(payers[b.id].party_id) if payers[b.id] else owner, "area_m2": str(b.area_m2), "price_yuan": str(b.price_yuan),
             "suspended": b.ratio != 1, "ratio_pct": f"{b.ratio * 100:.0f}%", "due_fen": b.due_fen,
             "paid_fen": b.paid_fen, "outstanding_fen": max(b.due_fen - b.paid_fen, 0)} for b, _ in bills if b.due_fen > b.paid_fen]
    total = sum(r["outstanding_fen"] for r in rows)
    if total <= 0:
        return None
    several_payers = len({r["payer"] for r in rows}) > 1
    account = db.session.execute(sa.select(Account.number, Party.name).join(Party, Party.id == Account.party_id).where(
        Account.household_id == household_id, Account.valid_to.is_(None)).order_by(Account.valid_from.desc())).first()
    days = company["deadline_days" if doc_kind == "notice" else "letter_deadline_days"]
    first_start = bills[0][1] if bills else season.starts_on
    return {"kind": doc_kind, "number": None, "issued_on": today.isoformat(), "issued_on_zh": _zh(today),
            "season": season_id, "deadline_days": days, "deadline_zh": _zh(today + timedelta(days=days)),
            "household": {"id": h.id, "account_no": account[0] if account else None,
                          "payer": account[1] if account else owner, "owner": owner, "project": project,
                          "building": building, "unit": h.unit, "room": h.room,
                          "label": flat_label(building, h.unit, h.room),
                          "address": f"{project} {flat_label(building, h.unit, h.room)}", "area_m2": str(h.area_m2)},
            "rows": rows, "several_payers": several_payers, "total_fen": total, "total_daxie": daxie(total, prefix=True),
            "first_season_start_zh": _zh(first_start), "demands": _demands(household_id),
            "company": company}


def _demands(household_id: str) -> list[dict]:
    """Earlier demands with proof of delivery (DOMAIN.md §3: only delivered ones count)."""
    actions = db.session.scalars(sa.select(CollectionAction).where(
        CollectionAction.household_id == household_id, CollectionAction.delivered.is_(True))
        .order_by(CollectionAction.at)).all()
    what = {"notice_delivered": "催缴通知书已送达", "lawyer_letter": "律师函已送达"}
    return [{"date": shanghai_date(a.at).isoformat(), "date_zh": _zh(shanghai_date(a.at)),
             "what": what.get(a.kind, a.kind)} for a in actions]


def fail_stale_jobs(now=None, minutes: int = 60) -> int:
    """A job whose worker died (a restart mid-job) would stay `running` for ever: mark it failed."""
    now = now or utcnow()
    begin_write()
    n = db.session.execute(sa.update(Job).where(Job.state.in_(("queued", "running")),
                                                Job.created_at < now - timedelta(minutes=minutes))
                           .values(state="failed", finished_at=now, result={"error": "worker_lost"})).rowcount
    db.session.commit()
    return n

