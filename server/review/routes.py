"""GET /api/v1/review, POST /api/v1/review/<id>/resolve, GET /api/v1/review/rejected."""
from flask import Blueprint, g

from ..auth.service import authenticate
from ..schemas_util import id_rule, load_args, load_json
from . import service
from .schemas import item_out, list_out, rejected_args, rejected_out, resolve_in, review_args

bp = Blueprint("review", __name__, url_prefix="/api/v1/review")


@bp.get("")
@authenticate("clerk", "admin")
def list_items():
    """The review queue, oldest first."""
    args = load_args(review_args)
    return list_out.dump(service.list_items(args["state"], args["kind"], args["page"], args["per_page"]))


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
