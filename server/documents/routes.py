"""POST /api/v1/documents/notices|lawyer-letters → 202 {job_id}; GET /api/v1/jobs/<id>[/file]."""
from flask import Blueprint, g, send_file

from ..auth.service import authenticate
from ..openapi import EXTRA
from ..schemas_util import load_json
from . import service
from .schemas import DocumentsIn, JobCreated, JobOut, documents_in, job_created, job_out

bp = Blueprint("documents", __name__, url_prefix="/api/v1")


def _start(kind: str):
    body = load_json(documents_in)
    job_id = service.start(kind, body["season"], body["household_ids"], body["project"], body["building"], g.user.id)
    return job_created.dump({"job_id": job_id}), 202


@bp.post("/documents/notices")
@authenticate("clerk", "admin")
def notices():
    """催缴通知书 for households or a building: a background job, one notice per household that owes."""
    return _start("notices")


@bp.post("/documents/lawyer-letters")
@authenticate("clerk", "admin")
def lawyer_letters():
    """律师函 drafts (草稿, for a lawyer to sign) for households or a building: a background job."""
    return _start("lawyer_letters")


@bp.get("/jobs/<job_id>")
@authenticate("clerk", "admin")
def job(job_id):
    """A job's state and progress."""
    return job_out.dump(service.job_status(job_id))


@bp.get("/jobs/<job_id>/file")
@authenticate("clerk", "admin")
def job_file(job_id):
    """The PDF a finished job made."""
    path, name = service.job_file(job_id)
    return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=name)


EXTRA.update({
    "documents.notices": (None, DocumentsIn, JobCreated, 202),
    "documents.lawyer_letters": (None, DocumentsIn, JobCreated, 202),
    "documents.job": (None, None, JobOut, 200),
    "documents.job_file": (None, None, None, 200),
})
