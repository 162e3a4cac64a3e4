"""Users on the wire (OFFICE.md, Users and sessions)."""
from marshmallow import Schema, fields, validate

from ..schemas_util import PageArgs

ROLES = ["collector", "clerk", "admin"]


class UserRecord(Schema):
    username = fields.String()
    name = fields.String()
    role = fields.String()
    active = fields.Boolean()
    last_login_at = fields.String(allow_none=True)


class UserListOut(Schema):
    items = fields.List(fields.Nested(UserRecord))
    total = fields.Integer()


class UserArgs(PageArgs):
    role = fields.String(load_default=None, validate=validate.OneOf(ROLES))
    per_page = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class UserIn(Schema):
    username = fields.String(required=True, validate=validate.Regexp(
        r"^[A-Za-z0-9_.-]{2,40}$", error="2–40 letters, digits, '.', '_' or '-'"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=60))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200), load_only=True)


class UserPatch(Schema):
    name = fields.String(validate=validate.Length(min=1, max=60))
    role = fields.String(validate=validate.OneOf(ROLES))
    active = fields.Boolean()
    password = fields.String(validate=validate.Length(min=1, max=200), load_only=True)


user_out, user_list_out, user_args, user_in, user_patch = UserRecord(), UserListOut(), UserArgs(), UserIn(), UserPatch()
