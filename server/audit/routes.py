"""GET /api/v1/audit: who changed what money or billing state, when, before and after, why."""
from flask import Blueprint

from ..auth.service import authenticate
from ..openapi import EXTRA
from ..schemas_util import load_args
from . import schemas as s
from . import service

bp = Blueprint("audit", __name__, url_prefix="/api/v1/audit")


@bp.get("")
@authenticate("clerk", "admin")
def entries():
    """The audit log, newest first, filtered by household, user, action and dates."""
    a = load_args(s.audit_args)
    return s.audit_out.dump(service.list_entries(a["household_id"], a["user"], a["action"], a["from_"], a["to"],
                                                 a["page"], a["per_page"]))


EXTRA["audit.entries"] = (s.AuditArgs, None, s.AuditListOut, 200)
