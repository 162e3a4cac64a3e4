"""GET /api/v1/dunning/queue (clerks and admins): debts nearing their limitation date, soonest first."""
from flask import Blueprint

from ..auth.service import authenticate
from ..openapi import EXTRA
from ..schemas_util import load_args
from . import schemas as s
from . import service

bp = Blueprint("dunning", __name__, url_prefix="/api/v1/dunning")


@bp.get("/queue")
@authenticate("clerk", "admin")
def queue():
    """Debts within `within_days` of their limitation date (诉讼时效), first in the lawyer-letter list."""
    a = load_args(s.queue_args)
    return s.queue_out.dump(service.queue(a["within_days"], a["page"], a["per_page"]))


EXTRA.update({"dunning.queue": (s.QueueArgs, None, s.QueueOut, 200)})
