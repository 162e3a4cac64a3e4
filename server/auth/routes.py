"""POST /api/v1/auth/login, POST /api/v1/auth/logout."""
from flask import Blueprint, g

from ..schemas_util import load_json
from . import service
from .service import authenticate
from .schemas import login_in, login_out

bp = Blueprint("auth", __name__, url_prefix="/api/v1/auth")


@bp.post("/login")
def login():
    """Sign in and enrol this device."""
    body = load_json(login_in)
    return login_out.dump(service.login(body["username"], body["password"], body["device_name"]))


@bp.post("/logout")
@authenticate("collector", "clerk", "admin", allow_revoked=True)
def logout():
    """Sign out: this token is refused from now on."""
    service.logout(g.device)
    return "", 204
