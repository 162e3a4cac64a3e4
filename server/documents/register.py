"""The document register (OFFICE.md "Dunning and documents"): every notice and lawyer letter with its number,
data snapshot, template version and the SHA-256 of its own file; the same bytes on every reprint; a lawyer
letter signed before it goes out; deliveries recorded by a clerk (or by the phone's `notice_delivered` visit).

A delivery is evidence for the limitation date (DOMAIN.md §3, case 10): it is recorded as a demand
(CollectionAction) that restarts the clock only when it arrived with proof. A refusal with proof (a photo of
the notice left or posted, the receipt's "refused" box before a witness) is a demand that reached the
debtor (留置送达) and counts; without proof it is kept as an attempt and counts for nothing.
"""
import hmac
import os
import secrets
from datetime import datetime, time, timezone

import sqlalchemy as sa
from flask import current_app, render_template

from sync.merge import SHANGHAI, advanced

from ..changes import audit, begin_write, touch
from ..company import company
from ..errors import ApiError
from ..estate.address import flat_label, masked_address
from ..extensions import db
from ..models import Attachment, Bill, Building, CollectionAction, Household, Project, utcnow
from ..models.documents import Document, DocumentDelivery
from ..timefmt import iso_utc
from . import pdf

# The dunning stage a delivered document brings its household to (the ladder, sync/merge.py).
REACHED = {"notice": "notice_delivered", "lawyer_letter": "lawyer_letter"}


def _out(d: Document) -> dict:
    return {"id": d.id, "kind": d.kind, "number": d.number, "household_id": d.household_id, "season": d.season_id,
            "created_at": iso_utc(d.created_at), "sha256": d.pdf_sha256, "template_version": d.template_version,
            "state": d.state, "delivered_on": d.delivered_on.isoformat() if d.delivered_on else None,
            "signed_at": iso_utc(d.signed_at), "check_url": (d.data or {}).get("check_url")}


def check_link(base_url: str, document_id: int) -> dict:
    """What a document's snapshot gains for its QR code: a token only its printed copy carries and the public
    page that checks it (GET /d/<id>?t=<token>). The id alone would let anyone walk the register."""
    token = secrets.token_hex(6)
    return {"check_token": token, "check_url": f"{base_url.rstrip('/')}/d/{document_id}?t={token}"}


def check(document_id: int, token: str | None) -> dict:
    """What the public check page of a document shows (no sign-in): {"state": genuine|mismatch, "shown",
    "company"}. "shown" only with the right token: the number, date, masked address, household number,
    seasons, the sum demanded and what of it is still owed today (live from the bills), so a payer can tell
    a real notice from a forged one and see how to pay. A wrong id or token shows nothing of the household."""
    token = (token or "").strip().lower()[:64]
    d = db.session.get(Document, document_id)
    kept = (d.data or {}).get("check_token") if d is not None else None
    state, shown = "mismatch", None
    if kept and hmac.compare_digest(kept.encode(), token.encode()):
        state = "genuine"
        h = d.data["household"]
        seasons = [r["season"] for r in d.data["rows"]]
        owed = db.session.scalars(sa.select(Bill.due_fen - Bill.paid_fen).where(
            Bill.household_id == d.household_id, Bill.season_id.in_(seasons))).all()
        shown = {"kind": d.kind, "number": d.number, "issued_on": d.data["issued_on"],
                 "issued_on_zh": d.data["issued_on_zh"], "account_no": h.get("account_no"),
                 "address": masked_address(h["project"], h["building"], h["unit"], h["room"]),
                 "seasons": seasons, "demanded_fen": d.data["total_fen"], "owed_fen": sum(max(f, 0) for f in owed)}
    particulars = company()
    return {"document_id": document_id, "state": state, "shown": shown,
            "company": {k: particulars[k] for k in ("name", "phone", "office_address", "office_hours", "bank_name",
                                                    "bank_account_name", "bank_account")}}


def listing(kind: str | None, household_id: str | None, state: str | None, page: int, per_page: int) -> dict:
    query = sa.select(Document)
    if kind:
        query = query.where(Document.kind == kind)
    if household_id:
        query = query.where(Document.household_id == household_id)
    if state:
        query = query.where(Document.state == state)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.order_by(Document.id.desc()).offset((page - 1) * per_page).limit(per_page)).all()
    where = _addresses({d.household_id for d in rows})
    return {"items": [{**_out(d), "household_label": where.get(d.household_id)} for d in rows], "total": total}


def _addresses(household_ids) -> dict[str, str]:
    """小区 楼-单元-室 of each household, for the register's rows."""
    if not household_ids:
        return {}
    return {h: f"{p} {flat_label(b, u, r)}" for h, b, u, r, p in db.session.execute(
        sa.select(Household.id, Building.name, Household.unit, Household.room, Project.name)
        .join(Building, Building.id == Household.building_id).join(Project, Project.id == Building.project_id)
        .where(Household.id.in_(household_ids)))}


def of_household(household_id: str) -> list[dict]:
    """A household's documents, oldest first (its page, OFFICE.md)."""
    return [_out(d) for d in db.session.scalars(sa.select(Document).where(Document.household_id == household_id)
                                                .order_by(Document.id))]


def one(document_id: int) -> dict:
    return _out(_get(document_id))


def _get(document_id: int, lock: bool = False) -> Document:
    if lock:
        begin_write()
    d = db.session.get(Document, document_id)
    if d is None:
        raise ApiError("not_found", {"document_id": document_id})
    return d


def document_file(document_id: int) -> tuple[str, str]:
    """(path, download name) of a document's own PDF: the same bytes every time.

    A document from before the register kept only the job's combined file: its own file is rendered once
    from the snapshot it was printed from, kept, and its hash entered; every later call gives those bytes.
    """
    d = _get(document_id)
    folder = current_app.config["DOCUMENTS_DIR"]
    name = f"{'催缴通知书' if d.kind == 'notice' else '律师函'}-{d.number or d.id}.pdf"
    if d.file_name and os.path.exists(os.path.join(folder, d.file_name)):
        return os.path.join(folder, d.file_name), name
    if d.file_name:  # the register names a file that is gone: never print something else under its hash
        raise ApiError("not_found", {"document_id": document_id, "reason": "the file is gone"})
    from .service import TEMPLATES, _keep
    body = pdf.render(render_template(TEMPLATES[d.kind], n=d.data))
    file_name, sha = _keep(f"doc-{d.id}", body)
    d = _get(document_id, lock=True)
    if d.file_name is None:
        d.file_name, d.pdf_sha256 = file_name, sha
        db.session.commit()
    else:
        db.session.rollback()
    return os.path.join(folder, d.file_name), name


def sign(document_id: int, user_id: int) -> dict:
    """A lawyer's signature on a draft letter (recorded by the clerk who received it signed)."""
    d = _get(document_id, lock=True)
    if d.kind != "lawyer_letter" or d.state != "draft":
        raise ApiError("document_not_draft", {"kind": d.kind, "state": d.state})
    d.state, d.signed_at, d.signed_by = "signed", utcnow(), user_id
    audit("document.sign", "document", d.id, {"state": "draft"}, {"state": "signed"}, None, user_id)
    db.session.commit()
    return _out(d)


def deliver(document_id: int, body: dict, user_id: int) -> dict:
    """Record one delivery (or refusal) of a document; answers the register's entry."""
    d = _get(document_id, lock=True)
    if d.kind == "lawyer_letter" and d.state == "draft":
        raise ApiError("document_not_signed", {"document_id": d.id})
    if body["date"] < d.created_at.replace(tzinfo=timezone.utc).astimezone(SHANGHAI).date():
        raise ApiError("validation_failed", {"fields": {"date": ["before the document was made"]}})
    proof = body.get("proof")
    if proof and db.session.get(Attachment, proof) is None:
        raise ApiError("validation_failed", {"fields": {"proof": ["no uploaded photo has this sha256"]}})
    before = {"state": d.state, "delivered_on": d.delivered_on.isoformat() if d.delivered_on else None}
    db.session.add(DocumentDelivery(document_id=d.id, method=body["method"], delivered_on=body["date"],
                                    recipient=body.get("recipient"), refused=body["refused"], proof_sha256=proof,
                                    source="office", recorded_by=user_id))
    counts = bool(proof)  # DOMAIN.md §3: only a demand that provably arrived restarts limitation
    at = datetime.combine(body["date"], time(12), SHANGHAI).astimezone(timezone.utc).replace(tzinfo=None)
    db.session.add(CollectionAction(household_id=d.household_id, kind=REACHED[d.kind], at=at, delivered=counts,
                                    proof_sha256=proof, document_id=d.id))
    d.state = "refused" if body["refused"] else "delivered"
    d.delivered_on = body["date"]
    after = {"state": d.state, "delivered_on": body["date"].isoformat(), "method": body["method"],
             "proof": proof, "counts_for_limitation": counts}
    audit("document.delivery", "document", d.id, before, after, body.get("recipient"), user_id)
    h = db.session.get(Household, d.household_id)
    stage = advanced(h.dunning_stage, REACHED[d.kind])
    if stage != h.dunning_stage:
        audit("household.dunning_stage", "household", h.id, {"dunning_stage": h.dunning_stage},
              {"dunning_stage": stage}, f"{d.number} delivered", user_id)
        h.dunning_stage = stage
        touch([h.id])  # the stage reaches the phones in scope on their next pull
    db.session.commit()
    return _out(d)


def delivered_by_phone(rows: list[dict], user_id: int) -> None:
    """The phone's `notice_delivered` visits of one push (in its transaction): each marks the household's
    latest notice not yet delivered as delivered that day, and the demand names it."""
    for row in rows:
        day = row["at"].replace(tzinfo=timezone.utc).astimezone(SHANGHAI).date()
        d = db.session.scalar(sa.select(Document).where(
            Document.household_id == row["household_id"], Document.kind == "notice",
            Document.state == "issued").order_by(Document.id.desc()).limit(1))
        if d is None:
            continue
        d.state, d.delivered_on = "delivered", day
        row["document_id"] = d.id
        db.session.add(DocumentDelivery(document_id=d.id, method="in_person", delivered_on=day, refused=False,
                                        source="phone", recorded_by=user_id))
