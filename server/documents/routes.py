"""POST /api/v1/documents/notices|lawyer-letters → 202 {job_id}; GET /api/v1/jobs/<id>[/file]; the register:
GET /api/v1/documents[/<id>[/file]], POST /api/v1/documents/<id>/delivery and /sign."""
from flask import Blueprint, g, request, send_file

from ..auth.service import authenticate
from ..openapi import EXTRA
from ..schemas_util import id_rule, load_args, load_json
from . import register, service
from . import schemas as s
from .schemas import DocumentsIn, JobCreated, JobOut, documents_in, job_created, job_out

bp = Blueprint("documents", __name__, url_prefix="/api/v1")


def _start(kind: str):
    body = load_json(documents_in)
    job_id = service.start(kind, body["season"], body["household_ids"], body["project"], body["building"], g.user.id,
                           request.host_url)
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
    """The PDF a finished job made: the combined file, or with ?household_id= that household's document."""
    path, name = service.job_file(job_id, load_args(s.job_file_args)["household_id"])
    return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=name)


@bp.get("/documents")
@authenticate("clerk", "admin")
def documents():
    """The register: every notice and lawyer letter made, newest first."""
    a = load_args(s.register_args)
    return s.document_list.dump(register.listing(a["kind"], a["household_id"], a["state"], a["page"], a["per_page"]))


@bp.get(f"/documents/{id_rule('document_id')}")
@authenticate("clerk", "admin")
def document(document_id):
    """One entry of the register."""
    return s.document_out.dump(register.one(document_id))


@bp.get(f"/documents/{id_rule('document_id')}/file")
@authenticate("clerk", "admin")
def document_file(document_id):
    """A document's own PDF: the same bytes on every reprint (their sha256 is the register's)."""
    path, name = register.document_file(document_id)
    return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=name)


@bp.post(f"/documents/{id_rule('document_id')}/delivery")
@authenticate("clerk", "admin")
def delivery(document_id):
    """Record a delivery (送达) or a refusal, with a photo as proof."""
    return s.document_out.dump(register.deliver(document_id, load_json(s.delivery_in), g.user.id))


@bp.post(f"/documents/{id_rule('document_id')}/sign")
@authenticate("clerk", "admin")
def sign(document_id):
    """A lawyer letter's draft came back signed: it may now be delivered."""
    return s.document_out.dump(register.sign(document_id, g.user.id))


EXTRA.update({
    "documents.documents": (s.RegisterArgs, None, s.DocumentList, 200),
    "documents.document": (None, None, s.DocumentOut, 200),
    "documents.document_file": (None, None, None, 200),
    "documents.delivery": (None, s.DeliveryIn, s.DocumentOut, 200),
    "documents.sign": (None, None, s.DocumentOut, 200),
    "documents.notices": (None, DocumentsIn, JobCreated, 202),
    "documents.lawyer_letters": (None, DocumentsIn, JobCreated, 202),
    "documents.job": (None, None, JobOut, 200),
    "documents.job_file": (s.JobFileArgs, None, None, 200),
})
