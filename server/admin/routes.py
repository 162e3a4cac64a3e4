"""Admin endpoints: devices, assignments and the estate's buildings (PROTOCOL.md, Clerk and admin API)."""
from flask import Blueprint, g

from ..auth.service import authenticate
from ..schemas_util import load_args, load_json
from . import service
from .schemas import assignments_in, assignments_out, device_list, device_out, devices_args

bp = Blueprint("admin", __name__, url_prefix="/api/v1/admin")


@bp.get("/devices")
@authenticate("admin")
def devices():
    """Enrolled devices with their seq gaps and outbox; ?silent_hours=48: the silent ones with work pending."""
    a = load_args(devices_args)
    return device_list.dump(service.list_devices(a["silent_hours"], a["page"], a["per_page"]))


@bp.post("/devices/<device_id>/revoke")
@authenticate("admin")
def revoke(device_id):
    """Revoke a device: its pulls stop, its pushes are held for a clerk."""
    return device_out.dump(service.revoke_device(device_id, g.user))


@bp.put("/assignments/<username>")
@authenticate("admin")
def assignments(username):
    """Set the buildings a collector works from now on."""
    body = load_json(assignments_in)
    return assignments_out.dump(service.set_assignments(username, body["buildings"], g.user))


@bp.get("/assignments/<username>")
@authenticate("admin")
def get_assignments(username):
    """A collector's buildings now and their households: what the console shows before it replaces them."""
    return assignments_out.dump(service.assignments_of(username))


@bp.get("/buildings")
@authenticate("clerk", "admin")
def buildings():
    """Each project with its buildings, for the console's choices (documents, assignments)."""
    return {"items": service.list_buildings()}


@bp.get("/schedule")
@authenticate("admin")
def schedule():
    """The scheduled jobs: when each runs next, and how its last run went."""
    from .. import jobs
    items = jobs.listing()
    return {"items": items, "total": len(items)}
