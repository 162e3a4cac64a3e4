"""Loading a JSON body through a schema, with the catalogue's errors for bad input."""
from flask import request
from marshmallow import ValidationError

from .errors import ApiError


def json_body():
    body = request.get_json(silent=True)
    if body is None:
        raise ApiError("bad_request", {"reason": "the body is not JSON"})
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
