"""The audit log on the wire."""
from marshmallow import Schema, fields, validate

from ..schemas_util import PageArgs


class AuditArgs(PageArgs):
    household_id = fields.String(load_default=None, validate=validate.Length(min=1, max=36))
    user = fields.String(load_default=None, validate=validate.Length(min=1, max=40))
    action = fields.String(load_default=None, validate=validate.Length(min=1, max=40))
    from_ = fields.Date(load_default=None, data_key="from")
    to = fields.Date(load_default=None)
    per_page = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class AuditEntry(Schema):
    id = fields.Integer()
    at = fields.String()
    user = fields.String(allow_none=True)
    user_name = fields.String(allow_none=True)
    action = fields.String()
    entity = fields.String()
    entity_id = fields.String()
    before = fields.Raw(allow_none=True)
    after = fields.Raw(allow_none=True)
    reason = fields.String(allow_none=True)


class AuditListOut(Schema):
    items = fields.List(fields.Nested(AuditEntry))
    total = fields.Integer()


audit_args, audit_out = AuditArgs(), AuditListOut()
