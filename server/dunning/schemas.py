"""Dunning wire format (OFFICE.md "Dunning and documents")."""
from marshmallow import Schema, fields, validate

from ..schemas_util import PageArgs


class QueueArgs(PageArgs):
    within_days = fields.Integer(load_default=90, validate=validate.Range(min=0, max=3650))


class QueuedDebt(Schema):
    household_id = fields.String()
    label = fields.String()
    project = fields.String()
    owner_name = fields.String()
    season = fields.String()
    balance_fen = fields.Integer()
    due_on = fields.String()
    limitation_date = fields.String()
    days_left = fields.Integer()
    last_demand = fields.Dict(allow_none=True)
    stage = fields.String()


class QueueOut(Schema):
    items = fields.List(fields.Nested(QueuedDebt))
    total = fields.Integer()


queue_args, queue_out = QueueArgs(), QueueOut()
