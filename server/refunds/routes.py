"""POST /api/v1/households/<id>/refunds, /api/v1/refunds/<id>/approve|reject|pay, GET /api/v1/refunds
(clerks and admins)."""
from flask import Blueprint, g

from ..auth.service import authenticate
from ..openapi import EXTRA
from ..schemas_util import id_rule, load_args, load_json
from . import schemas as s
from . import service

bp = Blueprint("refunds", __name__, url_prefix="/api/v1")


@bp.post("/households/<household_id>/refunds")
@authenticate("clerk", "admin")
def propose(household_id):
    """Propose a refund; its amount is computed by the rule of its kind (DOMAIN.md §1, cases 6 and 9)."""
    b = load_json(s.propose_in)
    return s.refund_out.dump(service.propose(household_id, b["season"], b["kind"], b["days"], b["area_m2"],
                                             b["ratio"], b["reason"], g.user)), 201


@bp.get("/refunds")
@authenticate("clerk", "admin")
def list_refunds():
    """Refunds, newest first, by state and household."""
    a = load_args(s.refund_args)
    return s.refund_list_out.dump(service.list_refunds(a["state"], a["household_id"], a["page"], a["per_page"]))


@bp.post(f"/refunds/{id_rule('refund_id')}/approve")
@authenticate("clerk", "admin")
def approve(refund_id):
    """Approve a refund: a no-heat or low-temperature one lowers the bill."""
    return s.refund_out.dump(service.approve(refund_id, load_json(s.decide_in)["reason"], g.user))


@bp.post(f"/refunds/{id_rule('refund_id')}/reject")
@authenticate("clerk", "admin")
def reject(refund_id):
    """Refuse a proposed refund, with the reason."""
    return s.refund_out.dump(service.reject(refund_id, load_json(s.decide_in)["reason"], g.user))


@bp.post(f"/refunds/{id_rule('refund_id')}/pay")
@authenticate("clerk", "admin")
def pay(refund_id):
    """Pay an approved refund out: a refund entry in that day's ledger."""
    b = load_json(s.pay_in)
    return s.refund_out.dump(service.pay(refund_id, b["method"], b["paid_on"], g.user))


EXTRA.update({
    "refunds.propose": (None, s.ProposeIn, s.RefundOut, 201),
    "refunds.list_refunds": (s.RefundArgs, None, s.RefundListOut, 200),
    "refunds.approve": (None, s.DecideIn, s.RefundOut, 200),
    "refunds.reject": (None, s.DecideIn, s.RefundOut, 200),
    "refunds.pay": (None, s.PayIn, s.RefundOut, 200),
})
