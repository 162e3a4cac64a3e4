"""GET/POST /api/v1/admin/users, PATCH /api/v1/admin/users/<username> (admin)."""
from flask import Blueprint, g

from ..auth.service import authenticate
from ..openapi import EXTRA
from ..schemas_util import load_args, load_json
from . import schemas as s
from . import service

bp = Blueprint("users", __name__, url_prefix="/api/v1/admin/users")


@bp.get("")
@authenticate("admin")
def list_users():
    """Every user, by username."""
    a = load_args(s.user_args)
    return s.user_list_out.dump(service.list_users(a["role"], a["page"], a["per_page"]))


@bp.post("")
@authenticate("admin")
def create_user():
    """A new user who can sign in at once."""
    body = load_json(s.user_in)
    return s.user_out.dump(service.create_user(body["username"], body["name"], body["role"], body["password"],
                                               g.user.id)), 201


@bp.patch("/<username>")
@authenticate("admin")
def update_user(username):
    """Change a user's name, role, password or whether they may sign in."""
    return s.user_out.dump(service.update_user(username, load_json(s.user_patch), g.user.id))


EXTRA.update({
    "users.list_users": (s.UserArgs, None, s.UserListOut, 200),
    "users.create_user": (None, s.UserIn, s.UserRecord, 201),
    "users.update_user": (None, s.UserPatch, s.UserRecord, 200),
})
