"""The sync wire format (PROTOCOL.md), as schemas: the OpenAPI document is generated from these."""
from marshmallow import Schema, fields, validate

from sync.ops import MAX_SEQ, OP_TYPES

STATUSES = ["applied", "duplicate", "held", "rejected"]


class PullArgs(Schema):
    # No length limit: a cursor the server cannot honour, however long, is a reset, never an error.
    cursor = fields.String(load_default=None)
    limit = fields.Integer(load_default=1000, validate=validate.Range(min=1, max=5000))


class SeasonOut(Schema):
    id = fields.String()
    starts_on = fields.String()
    ends_on = fields.String()
    open = fields.Boolean()


class BillOut(Schema):
    season = fields.String()
    due_fen = fields.Integer()
    paid_fen = fields.Integer()
    balance_fen = fields.Integer()


class PaymentOut(Schema):
    op_id = fields.String(allow_none=True)
    receipt_no = fields.String(allow_none=True)
    amount_fen = fields.Integer()
    method = fields.String()
    collected_at = fields.String()
    state = fields.String(validate=validate.OneOf(["recorded", "held", "void_requested", "voided"]))
    flags = fields.List(fields.String())
    season = fields.String(allow_none=True)
    review = fields.List(fields.Dict(), metadata={"description": "clerks' decisions, present when there are any"})


class HouseholdOut(Schema):
    id = fields.String()
    version = fields.Integer()
    project = fields.String()
    building = fields.String()
    unit = fields.String()
    room = fields.String()
    label = fields.String()
    owner_name = fields.String()
    owner_initials = fields.String()
    phone_masked = fields.String(allow_none=True)
    phone = fields.String(metadata={"description": "the owner's phone for tap-to-call; absent when unknown"})
    area_m2 = fields.String()
    category = fields.String()
    status = fields.String()
    bills = fields.List(fields.Nested(BillOut))
    payments = fields.List(fields.Nested(PaymentOut))
    dunning_stage = fields.String()
    visits = fields.List(fields.Dict())
    credit_fen = fields.Integer(metadata={"description": "an extension: 预存, what live payments brought beyond "
                                                         "every bill; absent when none"})


class PullOut(Schema):
    cursor = fields.String()
    has_more = fields.Boolean()
    reset = fields.Boolean()
    server_time = fields.String()
    seasons = fields.List(fields.Nested(SeasonOut))
    households = fields.List(fields.Nested(HouseholdOut))
    removed = fields.List(fields.String())
    device_last_seq = fields.Integer()
    company = fields.Dict(metadata={"description": "an extension: {name}, printed at the head of a receipt"})


class OperationIn(Schema):
    """Documented shape only: each operation is validated by the pure core (sync/ops.py), so that one
    malformed operation is rejected alone instead of failing the whole batch."""
    op_id = fields.UUID(required=True)
    seq = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_SEQ - 1))
    type = fields.String(required=True, validate=validate.OneOf(OP_TYPES))
    household_id = fields.String(required=True)
    at = fields.String(required=True)
    data = fields.Dict(required=True)


class PushIn(Schema):
    device_id = fields.String(required=True)
    ops = fields.List(fields.Nested(OperationIn), required=True, validate=validate.Length(max=500))
    app_version = fields.String()
    outbox_depth = fields.Integer(validate=validate.Range(min=0, max=2**31 - 1))  # beyond: not recorded


class AllocationOut(Schema):
    season = fields.String()
    amount_fen = fields.Integer()


class ErrorDetail(Schema):
    code = fields.String()
    message = fields.String()
    details = fields.Dict()


class ResultOut(Schema):
    op_id = fields.String(allow_none=True)
    seq = fields.Integer(allow_none=True)
    status = fields.String(validate=validate.OneOf(STATUSES))
    flags = fields.List(fields.String())
    receipt_no = fields.String(allow_none=True)
    allocations = fields.List(fields.Nested(AllocationOut))
    credit_fen = fields.Integer()
    error = fields.Nested(ErrorDetail, allow_none=True)


class PushOut(Schema):
    server_time = fields.String()
    results = fields.List(fields.Nested(ResultOut))


pull_args = PullArgs()
