"""What crosses the wire at sign-in."""
from marshmallow import Schema, fields, validate


class LoginIn(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=80))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200), load_only=True)
    device_name = fields.String(load_default="", validate=validate.Length(max=80))


class UserOut(Schema):
    id = fields.Integer()
    name = fields.String()
    role = fields.String()
    username = fields.String()


class LoginOut(Schema):
    token = fields.String()
    device_id = fields.String(allow_none=True)  # null for a console session: no phone is enrolled
    device_code = fields.String(allow_none=True)
    device_secret = fields.String(allow_none=True)
    user = fields.Nested(UserOut)
    server_time = fields.String()
    token_expires_at = fields.String()


class PasswordIn(Schema):
    old_password = fields.String(required=True, validate=validate.Length(min=1, max=200), load_only=True)
    new_password = fields.String(required=True, validate=validate.Length(min=1, max=200), load_only=True)


login_in, login_out, password_in = LoginIn(), LoginOut(), PasswordIn()
