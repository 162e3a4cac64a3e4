"""GET /api/v1/review, POST /api/v1/review/<id>/resolve, GET /api/v1/review/rejected."""
from flask import Blueprint, g

from ..auth.service import authenticate
from ..schemas_util import id_rule, load_args, load_json
from . import queue, service
from .schemas import (bulk_in, bulk_out, detail_out, item_out, list_out, rejected_args, rejected_out, resolve_in,
                      review_args)

bp = Blueprint("review", __name__, url_prefix="/api/v1/review")


@bp.get("")
@authenticate("clerk", "admin")
def list_items():
    """The review queue, oldest first."""
    a = load_args(review_args)
    return list_out.dump(queue.list_entries(a["state"], a["kind"], a["collector"], a["project"], a["from_"],
                                            a["to"], a["page"], a["per_page"]))


@bp.get(f"/{id_rule('item_id')}")
@authenticate("clerk", "admin")
def detail(item_id):
    """One entry with the operation as sent, the bills before and after, and the related payments."""
    return detail_out.dump(queue.detail(item_id))


@bp.post("/bulk")
@authenticate("clerk", "admin")
def bulk():
    """One decision and one reason for many entries of one kind."""
    body = load_json(bulk_in)
    return bulk_out.dump(service.resolve_many(body["item_ids"], body["decision"], body["reason"], g.user))


@bp.post(f"/{id_rule('item_id')}/resolve")
@authenticate("clerk", "admin")
def resolve(item_id):
    """Decide a review item, with a reason."""
    body = load_json(resolve_in)
    return item_out.dump(service.resolve(item_id, body["decision"], body["reason"], g.user))


@bp.get("/rejected")
@authenticate("clerk", "admin")
def rejected():
    """Operations rejected and kept in quarantine as sent, newest first (PROTOCOL.md principle 6)."""
    args = load_args(rejected_args)
    return rejected_out.dump(service.list_rejected(args["page"], args["per_page"]))
