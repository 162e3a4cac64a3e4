"""报停 on the wire (OFFICE.md, "A household's life")."""
from marshmallow import Schema, fields, validate

from ..schemas_util import DAY, REASON


class ApplyIn(Schema):
    season = fields.String(required=True, validate=validate.Regexp(r"^\d{4}-\d{4}$"))
    applied_on = fields.Date(required=True, validate=DAY)
    reason = fields.String(required=True, validate=REASON)


class ApproveIn(Schema):
    reason = fields.String(required=True, validate=REASON)
    override = fields.Boolean(load_default=False)  # a late application: an admin's override (case 3)


class RejectIn(Schema):
    reason = fields.String(required=True, validate=REASON)


class EndIn(Schema):
    from_ = fields.Date(required=True, data_key="from", validate=DAY)
    reason = fields.String(required=True, validate=REASON)


class SuspensionOut(Schema):
    id = fields.Integer()
    household_id = fields.String()
    season = fields.String()
    applied_on = fields.String()
    reason = fields.String(allow_none=True)
    state = fields.String()
    on_time = fields.Boolean(allow_none=True)
    overridden = fields.Boolean()
    ratio = fields.String()
    agreement_no = fields.String(allow_none=True)
    created_by = fields.String(allow_none=True)
    decided_by = fields.String(allow_none=True)
    decided_at = fields.String(allow_none=True)
    decision_reason = fields.String(allow_none=True)
    ended_on = fields.String(allow_none=True)
    review_item_id = fields.Integer(allow_none=True)


apply_in, approve_in, reject_in, end_in, suspension_out = ApplyIn(), ApproveIn(), RejectIn(), EndIn(), SuspensionOut()
