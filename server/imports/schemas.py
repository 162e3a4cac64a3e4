"""An import on the wire (OFFICE.md, Estate and households)."""
from marshmallow import Schema, fields, validate

from .service import MODES


class ImportArgs(Schema):
    mode = fields.String(load_default="check", validate=validate.OneOf(MODES))


class ImportError_(Schema):
    row = fields.Integer()
    column = fields.String()
    code = fields.String()
    message = fields.String()


class ImportReport(Schema):
    rows = fields.Integer()
    imported = fields.Integer()
    updated = fields.Integer()
    errors = fields.List(fields.Nested(ImportError_))


# The request body of POST /imports/households, as OpenAPI has it (multipart: marshmallow has no file field).
UPLOAD = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary"},
                   "mode": {"type": "string", "enum": list(MODES)}}}}}}

import_args, import_report = ImportArgs(), ImportReport()
