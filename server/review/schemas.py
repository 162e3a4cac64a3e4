"""Review queue wire format (PROTOCOL.md, Clerk and admin API)."""
from marshmallow import Schema, fields, validate

DECISIONS = ["accept", "void", "rebill", "dismiss"]


class ReviewArgs(Schema):
    state = fields.String(load_default="open", validate=validate.OneOf(["open", "resolved", "all"]))
    kind = fields.String(load_default=None)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class ReviewItemOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    flags = fields.List(fields.String())
    household_id = fields.String(allow_none=True)
    label = fields.String(allow_none=True)
    op_id = fields.String(allow_none=True)
    collector = fields.String(allow_none=True)
    created_at = fields.String()
    state = fields.String()
    decision = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    details = fields.Dict()
    payment = fields.Dict(allow_none=True)
    decisions = fields.List(fields.String())


class ReviewListOut(Schema):
    items = fields.List(fields.Nested(ReviewItemOut))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


class ResolveIn(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(DECISIONS))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


review_args, resolve_in, item_out, list_out = ReviewArgs(), ResolveIn(), ReviewItemOut(), ReviewListOut()
