"""The phone's endpoints: pull, push, photo upload, and the clerks' import of an exported outbox."""
from flask import Blueprint, current_app, g, request, send_file

from sync.jsontext import fault, text_clean

from ..auth.service import authenticate
from ..errors import ApiError
from ..extensions import db
from ..models import Device, User
from ..schemas_util import json_body, load_args
from . import attachments, pull as pull_service, push as push_service
from .schemas import pull_args

bp = Blueprint("sync_api", __name__, url_prefix="/api/v1")


@bp.get("/sync/pull")
@authenticate("collector", "clerk", "admin", needs_device=True)
def pull():
    """What changed in the collector's scope after a cursor (no cursor: a snapshot)."""
    args = load_args(pull_args)
    return pull_service.pull(g.user, g.device, args["cursor"], args["limit"])


@bp.post("/sync/push")
@authenticate("collector", "clerk", "admin", allow_revoked=True, needs_device=True)
def push():
    """Apply a batch of field operations exactly once."""
    size = request.content_length or 0
    if size > push_service.MAX_BYTES:
        raise ApiError("batch_too_large", {"max_ops": push_service.MAX_OPS, "max_bytes": push_service.MAX_BYTES})
    with push_service.cyclic_gc_paused():
        body = json_body(check_text=False)  # one bad operation must not block the batch: ops are checked one by one
        if not isinstance(body, dict):
            raise ApiError("bad_request", {"reason": "the body must be a JSON object"})
        text = request.get_data()
        answer = push_service.push(g.user, g.device, body, request.headers.get("X-Client-Time"), size or len(text),
                                   text_clean(text))
        return _json(answer)


@bp.post("/sync/import")
@authenticate("clerk", "admin")
def import_outbox():
    """A phone's exported unsynced operations, pushed through the same code as the phone would."""
    body = json_body(check_text=False)  # one bad operation must not block the batch: ops are checked one by one
    if not isinstance(body, dict) or not isinstance(body.get("device_id"), str) or fault(body["device_id"]) \
            or len(body["device_id"]) > 36:
        raise ApiError("bad_request", {"field": "device_id"})
    device = db.session.get(Device, body["device_id"])
    if device is None:
        raise ApiError("not_found", {"field": "device_id"})
    owner = db.session.get(User, device.user_id)
    text = request.get_data()
    with push_service.cyclic_gc_paused():
        return _json(push_service.push(owner, device, body, None, len(text), text_clean(text)))


def _json(answer):
    """A push answer: its results' JSON text was made once, for the stored operations and for this."""
    if current_app.debug:  # Flask's indented JSON, as every other answer in debug mode
        return answer.as_dict()
    return current_app.response_class(answer.json(), mimetype="application/json")


@bp.get("/attachments/<sha256>")
@authenticate("collector", "clerk", "admin")
def get_attachment(sha256):
    """A photo: for the office, or for a collector whose scope holds a household that refers to it."""
    path, kind = attachments.fetch(sha256, g.user)
    return send_file(path, mimetype=kind, max_age=86400)


@bp.put("/attachments/<sha256>")
@authenticate("collector", "clerk", "admin", allow_revoked=True, needs_device=True)
def put_attachment(sha256):
    """A photo, named by the sha256 of its bytes: 201 the first time, 200 after."""
    created = attachments.store(sha256, request.get_data(), g.user.id)
    answer = {"sha256": sha256, "size": request.content_length}
    if g.device.revoked_at is not None:  # kept, as the held operations naming it need it; the phone is told
        answer["device_revoked"] = True
    return answer, 201 if created else 200
