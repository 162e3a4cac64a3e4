"""Loading a JSON body through a schema, with the catalogue's errors for bad input."""
from flask import request
from marshmallow import ValidationError

from sync.ops import has_nul

from .errors import ApiError


def json_body(check_nul=True):
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the decoder goes: no request of ours is
        body = None
    if body is None:
        raise ApiError("bad_request", {"reason": "the body is not JSON"})
    if check_nul and has_nul(body):  # PostgreSQL cannot store NUL in text: refused alike on every engine
        raise ApiError("bad_request", {"reason": "the body contains a NUL character"})
    return body


def load_json(schema, data=None):
    data = json_body() if data is None else data
    if not isinstance(data, dict):
        raise ApiError("bad_request", {"reason": "the body must be a JSON object"})
    try:
        return schema.load(data)
    except ValidationError as e:
        raise ApiError("validation_failed", {"fields": e.messages}) from None


def load_args(schema):
    try:
        return schema.load(request.args.to_dict())
    except ValidationError as e:
        raise ApiError("bad_request", {"fields": e.messages}) from None
