"""Review queue wire format (PROTOCOL.md, Clerk and admin API)."""
from marshmallow import Schema, fields, validate

from ..schemas_util import PageArgs

DECISIONS = ["accept", "void", "rebill", "dismiss"]


class ReviewArgs(PageArgs):
    state = fields.String(load_default="open", validate=validate.OneOf(["open", "resolved", "all"]))
    kind = fields.String(load_default=None, validate=validate.Length(max=30))
    collector = fields.String(load_default=None, validate=validate.Length(min=1, max=40))
    project = fields.String(load_default=None, validate=validate.Length(min=1, max=80))
    from_ = fields.Date(load_default=None, data_key="from")
    to = fields.Date(load_default=None)


class ReviewItemOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    flags = fields.List(fields.String())
    household_id = fields.String(allow_none=True)
    label = fields.String(allow_none=True)
    project = fields.String(allow_none=True)
    op_id = fields.String(allow_none=True)
    collector = fields.String(allow_none=True)
    created_at = fields.String()
    state = fields.String()
    decision = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    details = fields.Dict()
    payment = fields.Dict(allow_none=True)
    decisions = fields.List(fields.String())
    kinds = fields.List(fields.String())  # every flag of the operation: one entry, one decision
    item_ids = fields.List(fields.Integer())
    collector_name = fields.String(allow_none=True)


class ReviewDetailOut(ReviewItemOut):
    operation = fields.Dict(allow_none=True)  # as sent, and what it was answered
    bills = fields.List(fields.Dict())  # each season: due, paid before and after this payment
    related_payments = fields.List(fields.Dict())  # this payment, and the one a duplicate suspect may repeat


class BulkIn(Schema):
    item_ids = fields.List(fields.Integer(validate=validate.Range(min=1, max=2**63 - 1)), required=True,
                           validate=validate.Length(min=1, max=500))
    decision = fields.String(required=True, validate=validate.OneOf(DECISIONS))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class BulkOut(Schema):
    resolved = fields.List(fields.Nested(ReviewItemOut))
    failed = fields.List(fields.Dict())


class ReviewListOut(Schema):
    items = fields.List(fields.Nested(ReviewItemOut))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


class RejectedOut(Schema):
    """An operation refused as `rejected` and kept in quarantine, as sent."""
    id = fields.Integer()
    op_id = fields.String(allow_none=True)
    error_code = fields.String()
    message = fields.String()
    collector = fields.String(allow_none=True)
    device_code = fields.String(allow_none=True)
    type = fields.String(allow_none=True)
    household_id = fields.String(allow_none=True)
    label = fields.String(allow_none=True)
    received_at = fields.String()
    raw = fields.String(metadata={"description": "the operation as sent (JSON text, the first 4,000 characters)"})


class RejectedListOut(Schema):
    items = fields.List(fields.Nested(RejectedOut))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


class ResolveIn(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(DECISIONS))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


review_args, resolve_in, item_out, list_out = ReviewArgs(), ResolveIn(), ReviewItemOut(), ReviewListOut()
rejected_args, rejected_out = PageArgs(), RejectedListOut()
detail_out, bulk_in, bulk_out = ReviewDetailOut(), BulkIn(), BulkOut()
