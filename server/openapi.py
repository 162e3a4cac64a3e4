"""GET /api/v1/openapi.json: the protocol as OpenAPI 3, generated from the routes and their schemas."""
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, current_app
from marshmallow import Schema, fields

from .admin import schemas as admin_s
from .auth import schemas as auth_s
from .errors import CATALOGUE
from .fees import schemas as fees_s
from .review import schemas as review_s
from .sync_api import schemas as sync_s

bp = Blueprint("openapi", __name__)


class ErrorBody(Schema):
    error = fields.Nested(sync_s.ErrorDetail, required=True)


# endpoint -> (query schema, body schema, response schema, success status)
SCHEMAS = {
    "auth.login": (None, auth_s.LoginIn, auth_s.LoginOut, 200),
    "auth.logout": (None, None, None, 204),
    "auth.password": (None, auth_s.PasswordIn, None, 204),
    "sync_api.pull": (sync_s.PullArgs, None, sync_s.PullOut, 200),
    "sync_api.push": (None, sync_s.PushIn, sync_s.PushOut, 200),
    "sync_api.import_outbox": (None, sync_s.PushIn, sync_s.PushOut, 200),
    "sync_api.put_attachment": (None, None, None, 201),
    "sync_api.get_attachment": (None, None, None, 200),
    "review.list_items": (review_s.ReviewArgs, None, review_s.ReviewListOut, 200),
    "review.resolve": (None, review_s.ResolveIn, review_s.ReviewItemOut, 200),
    "review.rejected": (review_s.PageArgs, None, review_s.RejectedListOut, 200),
    "review.detail": (None, None, review_s.ReviewDetailOut, 200),
    "review.bulk": (None, review_s.BulkIn, review_s.BulkOut, 200),
    "admin.devices": (admin_s.DevicesArgs, None, admin_s.DeviceList, 200),
    "admin.get_assignments": (None, None, admin_s.AssignmentsOut, 200),
    "admin.revoke": (None, None, admin_s.DeviceOut, 200),
    "admin.assignments": (None, admin_s.AssignmentsIn, admin_s.AssignmentsOut, 200),
    "admin.buildings": (None, None, admin_s.BuildingsOut, 200),
    "admin.schedule": (None, None, None, 200),
    "fees.settings": (None, None, None, 200),
    "fees.put_setting": (None, fees_s.SettingIn, None, 200),
    "fees.seasons": (None, None, None, 200),
    "fees.create_season": (None, fees_s.SeasonIn, fees_s.SeasonRecord, 201),
    "fees.patch_season": (None, fees_s.SeasonPatch, fees_s.SeasonRecord, 200),
    "fees.put_rates": (None, fees_s.RatesIn, None, 200),
    "fees.rates": (None, None, fees_s.RateList, 200),
    "fees.issue_bills": (None, None, fees_s.IssueOut, 200),
    "openapi.openapi": (None, None, None, 200),
}
PUBLIC = {"auth.login", "openapi.openapi"}  # no token needed (PROTOCOL.md, Authentication)
EXTRA = {}  # other packages register their endpoints here at import time
BODIES = {}  # endpoint -> an OpenAPI requestBody that is not JSON (a multipart upload)


def _path(rule: str) -> tuple[str, list[str]]:
    names = re.findall(r"<(?:[^:<>]+:)?([^<>]+)>", rule)
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule), names


def build_spec(app) -> dict:
    spec = APISpec(title="HeatLedger sync protocol", version="1", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()],
                   info={"description": "PROTOCOL.md as OpenAPI. Errors: {error: {code, message, details}}; codes: "
                                        + ", ".join(sorted(CATALOGUE))},
                   components={"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}})
    spec.components.schema("ErrorBody", schema=ErrorBody)
    table = dict(SCHEMAS, **EXTRA)
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint not in table:
            continue
        query, body, response, status = table[rule.endpoint]
        path, names = _path(rule.rule)
        view = app.view_functions[rule.endpoint]
        operations = {}
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            op = {"summary": (view.__doc__ or "").strip().splitlines()[0] if view.__doc__ else rule.endpoint,
                  "operationId": rule.endpoint,
                  "parameters": [{"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
                                 for n in names],
                  "responses": {str(status): {"description": "success"},
                                "default": {"description": "error",
                                            "content": {"application/json": {"schema": "ErrorBody"}}}}}
            if response is not None:
                op["responses"][str(status)]["content"] = {"application/json": {"schema": response}}
            if query is not None:
                op["parameters"].append({"in": "query", "schema": query})
            if body is not None:
                op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
            if rule.endpoint == "sync_api.put_attachment":
                op["requestBody"] = {"required": True, "content": {
                    t: {"schema": {"type": "string", "format": "binary"}}
                    for t in ("image/jpeg", "image/png", "image/webp")}}
            if rule.endpoint in BODIES:
                op["requestBody"] = BODIES[rule.endpoint]
            if rule.endpoint not in PUBLIC:
                op["security"] = [{"bearer": []}]
            operations[method.lower()] = op
        spec.path(path=path, operations=operations)
    return spec.to_dict()


@bp.get("/api/v1/openapi.json")
def openapi():
    """This document."""
    return build_spec(current_app)
