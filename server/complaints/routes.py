"""POST|GET /api/v1/complaints, GET /api/v1/complaints/<id>, POST …/follow-ups and …/close (clerks and admins),
and GET /api/v1/reports/satisfaction (业主满意度调查 / 用户意见反馈)."""
from flask import Blueprint, g

from ..auth.service import authenticate
from ..openapi import EXTRA
from ..schemas_util import id_rule, load_args, load_json
from . import schemas as s
from . import service

bp = Blueprint("complaints", __name__, url_prefix="/api/v1")


@bp.post("/complaints")
@authenticate("clerk", "admin")
def open_complaint():
    """Open a complaint taken at the office, by telephone or from a property company."""
    b = load_json(s.open_in)
    return s.complaint_out.dump(service.open_complaint(b["household_id"], b["category"], b["text"], b["source"],
                                                       g.user)), 201


@bp.get("/complaints")
@authenticate("clerk", "admin")
def list_complaints():
    """Complaints newest first, by state, project or household."""
    a = load_args(s.list_args)
    return s.list_out.dump(service.listing(a["state"], a["project"], a["household_id"], a["page"], a["per_page"]))


@bp.get(f"/complaints/{id_rule('complaint_id')}")
@authenticate("clerk", "admin")
def complaint(complaint_id):
    """One complaint with its follow-ups."""
    return s.complaint_out.dump(service.get(complaint_id))


@bp.post(f"/complaints/{id_rule('complaint_id')}/follow-ups")
@authenticate("clerk", "admin")
def follow_up(complaint_id):
    """回访: what the owner said after, with their satisfaction if asked."""
    b = load_json(s.follow_up_in)
    return s.follow_up_out.dump(service.follow_up(complaint_id, b["text"], b["satisfaction"], g.user)), 201


@bp.post(f"/complaints/{id_rule('complaint_id')}/close")
@authenticate("clerk", "admin")
def close(complaint_id):
    """Close with the resolution; compensation above zero is proposed by a clerk and approved by an admin."""
    b = load_json(s.close_in)
    return s.complaint_out.dump(service.close(complaint_id, b["resolution"], b["satisfaction"],
                                              b["compensation_fen"], g.user))


@bp.get("/reports/satisfaction")
@authenticate("clerk", "admin")
def satisfaction():
    """Per project: complaints opened and closed, by category, average satisfaction, follow-ups."""
    a = load_args(s.report_args)
    return s.satisfaction_out.dump(service.satisfaction(a["season"], a["project"]))


EXTRA.update({
    "complaints.open_complaint": (None, s.OpenIn, s.ComplaintOut, 201),
    "complaints.list_complaints": (s.ListArgs, None, s.ComplaintListOut, 200),
    "complaints.complaint": (None, None, s.ComplaintOut, 200),
    "complaints.follow_up": (None, s.FollowUpIn, s.FollowUpOut, 201),
    "complaints.close": (None, s.ComplaintCloseIn, s.ComplaintOut, 200),
    "complaints.satisfaction": (s.ReportArgs, None, s.SatisfactionOut, 200),
})
