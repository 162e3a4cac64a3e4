"""Admin endpoints: devices, assignments and the estate's buildings (PROTOCOL.md, Clerk and admin API)."""
from flask import Blueprint, g

from ..auth.service import authenticate
from ..schemas_util import load_json
from . import service
from .schemas import assignments_in, assignments_out, device_out

bp = Blueprint("admin", __name__, url_prefix="/api/v1/admin")


@bp.get("/devices")
@authenticate("admin")
def devices():
    """Enrolled devices, with their seq gaps."""
    return {"items": device_out.dump(service.list_devices(), many=True)}


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
