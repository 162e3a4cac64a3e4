"""POST /api/v1/households/<id>/suspensions, /api/v1/suspensions/<id>/approve|reject|end (clerks and admins)."""
from flask import Blueprint, g

from ..auth.service import authenticate
from ..openapi import EXTRA
from ..schemas_util import id_rule, load_json
from . import schemas as s
from . import service

bp = Blueprint("suspensions", __name__, url_prefix="/api/v1")


@bp.post("/households/<household_id>/suspensions")
@authenticate("clerk", "admin")
def apply(household_id):
    """File a 报停 application; a late one is kept and answered on_time: false."""
    body = load_json(s.apply_in)
    return s.suspension_out.dump(service.apply(household_id, body["season"], body["applied_on"], body["reason"],
                                               g.user)), 201


@bp.post(f"/suspensions/{id_rule('suspension_id')}/approve")
@authenticate("clerk", "admin")
def approve(suspension_id):
    """Approve an application: its season is billed at the suspension ratio (a late one: an admin's override)."""
    body = load_json(s.approve_in)
    return s.suspension_out.dump(service.approve(suspension_id, body["reason"], body["override"], g.user))


@bp.post(f"/suspensions/{id_rule('suspension_id')}/reject")
@authenticate("clerk", "admin")
def reject(suspension_id):
    """Refuse an application, with the reason."""
    return s.suspension_out.dump(service.reject(suspension_id, load_json(s.reject_in)["reason"], g.user))


@bp.post(f"/suspensions/{id_rule('suspension_id')}/end")
@authenticate("clerk", "admin")
def end(suspension_id):
    """恢复供热: heat back from a day; the season is billed in full."""
    body = load_json(s.end_in)
    return s.suspension_out.dump(service.end(suspension_id, body["from_"], body["reason"], g.user))


EXTRA.update({
    "suspensions.apply": (None, s.ApplyIn, s.SuspensionOut, 201),
    "suspensions.approve": (None, s.ApproveIn, s.SuspensionOut, 200),
    "suspensions.reject": (None, s.RejectIn, s.SuspensionOut, 200),
    "suspensions.end": (None, s.EndIn, s.SuspensionOut, 200),
})
