"""Loading a JSON body through a schema, with the catalogue's errors for bad input."""
import json
import sys
from datetime import date

from flask import request
from marshmallow import Schema, ValidationError, fields, validate

from sync.jsontext import INVALID_TEXT, MAX_DEPTH, fault

from .errors import ApiError


def json_body(check_text=True):
    """The request's JSON body. Every string in it is checked once, here at the edge, for what storage and
    the encoder cannot hold (a NUL, a lone UTF-16 surrogate), and its nesting for depth, by a walk that does
    not recurse (issue 11). `check_text=False`: the caller checks the parts itself (a push, one operation at
    a time, so that one bad operation never blocks its batch)."""
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        body = _decode_deep()
    if body is None:
        raise ApiError("bad_request", {"reason": "the body is not JSON"})
    if check_text:
        problem = fault(body)
        if problem == INVALID_TEXT:
            raise ApiError("invalid_text")
        if problem:
            raise ApiError("too_deep", {"max_depth": MAX_DEPTH})
    return body


# How deep a body may nest and still be read, so that an operation nested too deep is rejected alone and
# its batch applied. Python's decoder recurses once a level (its C stack easily holds this); the request's
# own frames count against the limit too.
DECODE_DEPTH = 3000


def _decode_deep():
    """Decode a body nested deeper than the interpreter's recursion limit allows from inside a request;
    beyond DECODE_DEPTH nothing of it can be read: too_deep."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, DECODE_DEPTH + 200))
    try:
        return json.loads(request.get_data())
    except RecursionError:
        raise ApiError("too_deep", {"max_depth": MAX_DEPTH}) from None
    except ValueError:
        return None
    finally:
        sys.setrecursionlimit(limit)


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


# A reason says something (an approval with a blank reason is no approval: sync.rules.Approval).
REASON = [validate.Length(min=1, max=500), validate.Predicate("strip", error="a reason says something")]
# Days a clerk may type: the rules' dates (deadlines, seasons) are computed from them within this range.
DAY = validate.Range(min=date(2000, 1, 1), max=date(2099, 12, 31))


# Every integer a request may carry is bounded (issue 11): past these, a 400, never a number too large for a
# 64-bit column or an OFFSET (SQLite's OverflowError was a 500).
MAX_PAGE = 1_000_000
# Integer ids (routes, bodies): the primary keys are INTEGER columns, 32-bit on PostgreSQL, where a larger
# number in a query is an error, not a row that is not there.
MAX_ID = 2**31 - 1


class PageArgs(Schema):
    """Which page of a list (OFFICE.md: every list pages with ?page=&per_page=)."""
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


def id_rule(name: str) -> str:
    """A route part for an integer id, bounded: a larger number matches no route (404), not a query."""
    return f"<int(max={MAX_ID}):{name}>"
