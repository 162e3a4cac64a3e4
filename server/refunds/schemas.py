"""退费 on the wire (OFFICE.md, "A household's life": Refund)."""
from marshmallow import Schema, fields, validate, validates_schema, ValidationError

from sync.ops import METHODS

from ..schemas_util import PageArgs
from ..suspensions.schemas import DAY, REASON
from .service import KINDS, STATES


class ProposeIn(Schema):
    season = fields.String(required=True, validate=validate.Regexp(r"^\d{4}-\d{4}$"))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    days = fields.Integer(load_default=None, validate=validate.Range(min=1, max=366))  # ≤ legal days: the service
    # The failing rooms' areas come from the signed temperature records (case 9); a clerk's figure is not
    # evidence, so area_m2 is accepted for the record's shape and checked only as a number.
    # Bounds on decimals are checked below: a Range on a Decimal field writes string bounds into the OpenAPI
    # document, which is not valid JSON Schema.
    area_m2 = fields.Decimal(load_default=None, places=2)
    ratio = fields.Decimal(load_default=None)
    reason = fields.String(required=True, validate=REASON)

    @validates_schema
    def _figures_of_kind(self, data, **_):
        area, ratio = data.get("area_m2"), data.get("ratio")
        if area is not None and not (area.is_finite() and 0 <= area <= 100000):
            raise ValidationError("must be between 0 and 100000", "area_m2")
        if ratio is not None and not (ratio.is_finite() and 0 < ratio <= 1):
            raise ValidationError("must be more than 0 and at most 1", "ratio")
        if data["kind"] == "no_heat" and data.get("days") is None:
            raise ValidationError("required for a no-heat refund", "days")
        if data["kind"] == "low_temperature" and data.get("ratio") is None:
            raise ValidationError("the contract's refund ratio is required for a low-temperature refund", "ratio")


class DecideIn(Schema):
    reason = fields.String(required=True, validate=REASON)


class PayIn(Schema):
    method = fields.String(required=True, validate=validate.OneOf(METHODS))
    paid_on = fields.Date(required=True, validate=DAY)


class RefundArgs(PageArgs):
    state = fields.String(load_default=None, validate=validate.OneOf(STATES))
    household_id = fields.String(load_default=None, validate=validate.Length(min=1, max=36))


class RefundOut(Schema):
    id = fields.Integer()
    household_id = fields.String()
    season = fields.String()
    bill_id = fields.Integer(allow_none=True)
    kind = fields.String()
    days = fields.Integer(allow_none=True)
    area_m2 = fields.String(allow_none=True)
    ratio = fields.String(allow_none=True)
    amount_fen = fields.Integer()
    state = fields.String()
    reason = fields.String()
    proposed_by = fields.String(allow_none=True)
    decided_by = fields.String(allow_none=True)
    decided_at = fields.String(allow_none=True)
    decision_reason = fields.String(allow_none=True)
    method = fields.String(allow_none=True)
    paid_on = fields.String(allow_none=True)
    paid_by = fields.String(allow_none=True)
    receipt_no = fields.String(allow_none=True)
    adjustment_id = fields.Integer(allow_none=True)
    created_at = fields.String()


class RefundListOut(Schema):
    items = fields.List(fields.Nested(RefundOut))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


propose_in, decide_in, pay_in, refund_args = ProposeIn(), DecideIn(), PayIn(), RefundArgs()
refund_out, refund_list_out = RefundOut(), RefundListOut()
