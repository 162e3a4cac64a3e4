"""POST /api/v1/auth/login, /logout and /password."""
from flask import Blueprint, g

from ..schemas_util import load_json
from . import service
from .service import authenticate
from .schemas import login_in, login_out, password_in

bp = Blueprint("auth", __name__, url_prefix="/api/v1/auth")


@bp.post("/login")
def login():
    """Sign in: a phone enrols a device; the console (device_name "console" or none) opens a session."""
    body = load_json(login_in)
    return login_out.dump(service.login(body["username"], body["password"], body["device_name"]))


@bp.post("/logout")
@authenticate("collector", "clerk", "admin", allow_revoked=True)
def logout():
    """Sign out: this token is refused from now on."""
    service.logout()
    return "", 204


@bp.post("/password")
@authenticate("collector", "clerk", "admin")
def password():
    """Change one's own password: the old one first."""
    body = load_json(password_in)
    service.change_password(g.user, body["old_password"], body["new_password"])
    return "", 204
