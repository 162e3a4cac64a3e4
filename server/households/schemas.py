"""Households on the wire (OFFICE.md, Estate and households)."""
from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validate

from sync.money import parse_area

from ..schemas_util import DAY, REASON, PageArgs

STATUSES = ["active", "suspended", "not_opened", "disconnected"]


class SearchArgs(PageArgs):
    q = fields.String(load_default=None, validate=validate.Length(max=60))
    project = fields.String(load_default=None, validate=validate.Length(min=1, max=80))
    building = fields.String(load_default=None, validate=validate.Length(min=1, max=20))
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    in_arrears = fields.Boolean(load_default=False)


class ExportArgs(Schema):
    format = fields.String(load_default="xlsx", validate=validate.OneOf(["xlsx"]))
    project = fields.String(load_default=None, validate=validate.Length(min=1, max=80))


class HouseholdRow(Schema):
    id = fields.String()
    number = fields.String(allow_none=True)
    label = fields.String()
    project = fields.String()
    building = fields.String()
    unit = fields.String()
    room = fields.String()
    owner_name = fields.String()
    phone_masked = fields.String(allow_none=True)
    area_m2 = fields.String()
    status = fields.String()
    balance_fen = fields.Integer()
    dunning_stage = fields.String()
    collector = fields.String(allow_none=True)
    collector_name = fields.String(allow_none=True)


class HouseholdList(Schema):
    items = fields.List(fields.Nested(HouseholdRow))
    total = fields.Integer()


class HouseholdDetail(HouseholdRow):
    category = fields.String()
    area_source = fields.String()
    area_checked_on = fields.String(allow_none=True)
    opened_on = fields.String(allow_none=True)
    loop_type = fields.String()
    owners = fields.List(fields.Dict())
    payers = fields.List(fields.Dict())
    bills = fields.List(fields.Dict())
    payments = fields.List(fields.Dict())
    adjustments = fields.List(fields.Dict())
    field_records = fields.List(fields.Dict())
    suspensions = fields.List(fields.Dict())
    refunds = fields.List(fields.Dict())  # 退费, as GET /api/v1/refunds lists them
    complaints = fields.List(fields.Dict())
    documents = fields.List(fields.Dict())
    debts = fields.List(fields.Dict())


class Area(fields.String):
    """A charging area as "87.35" (or the number 87.35), read by the rule phones' areas are read by
    (sync.money.parse_area), within the office's 1–2,000 m² (OFFICE.md, import)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        text = super()._deserialize(value, attr, data, **kwargs)
        if len(text) > 20:
            raise ValidationError("a decimal like 87.35, at most 2 places")
        try:
            area = parse_area(text.strip())
        except (TypeError, ValueError):
            raise ValidationError("a decimal like 87.35, at most 2 places") from None
        if not Decimal("1") <= area <= Decimal("2000"):
            raise ValidationError("from 1 to 2,000 m²")
        return area


class AreaIn(Schema):
    area_m2 = Area(required=True)
    source = fields.String(required=True, validate=validate.OneOf(["certificate", "drawing", "survey"]))
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=500),
                                                    validate.Predicate("strip", error="a reason says something")])
    approve_closed = fields.Boolean(load_default=False)  # a closed season's bill too (admin only, case 7)


class AreaAdjustment(Schema):
    id = fields.Integer()
    season = fields.String()
    kind = fields.String()
    before_fen = fields.Integer()
    after_fen = fields.Integer()
    delta_fen = fields.Integer()
    paid_fen = fields.Integer()
    balance_fen = fields.Integer()
    overpaid_fen = fields.Integer()
    closed_season = fields.Boolean()
    approved_by = fields.String()


class AreaOut(Schema):
    household_id = fields.String()
    area_m2 = fields.String()
    area_source = fields.String()
    area_checked_on = fields.String()
    adjustments = fields.List(fields.Nested(AreaAdjustment))
    kept_closed = fields.List(fields.String())
    notice_offered = fields.Boolean()
    notice = fields.Dict(allow_none=True)


class NewOwner(Schema):
    name = fields.String(required=True, validate=[validate.Length(min=1, max=120),
                                                  validate.Predicate("strip", error="a name says something")])
    phone = fields.String(load_default=None, validate=validate.Regexp(r"^[0-9+\- ]{5,20}$"))


class TransferIn(Schema):
    new_owner = fields.Nested(NewOwner, required=True)
    from_ = fields.Date(required=True, data_key="from", validate=DAY)
    reason = fields.String(required=True, validate=REASON)
    # seasons whose debt a written buyer/seller agreement moves to the buyer (DOMAIN.md case 2)
    agreement_seasons = fields.List(fields.String(validate=validate.Regexp(r"^\d{4}-\d{4}$")), load_default=list,
                                    validate=validate.Length(max=20))


class Party(Schema):
    name = fields.String()
    kind = fields.String()


class PreviousAccount(Schema):
    id = fields.Integer()
    number = fields.String()
    valid_to = fields.String()


class AccountOut(Schema):
    id = fields.Integer()
    number = fields.String()
    household_id = fields.String()
    party = fields.Nested(Party)
    contract_kind = fields.String()
    valid_from = fields.String()
    valid_to = fields.String(allow_none=True)
    previous = fields.Nested(PreviousAccount, allow_none=True)
    seasons_moved = fields.List(fields.String())


class OpeningIn(Schema):
    season = fields.String(required=True, validate=validate.Regexp(r"^\d{4}-\d{4}$"))
    from_ = fields.Date(required=True, data_key="from", validate=DAY)
    reason = fields.String(required=True, validate=REASON)


class OpenedBill(Schema):
    id = fields.Integer()
    household_id = fields.String()
    season = fields.String(attribute="season_id")
    account_id = fields.Integer(allow_none=True)
    area_m2 = fields.Decimal(as_string=True, places=2)
    price_yuan = fields.Decimal(as_string=True, places=2)
    ratio = fields.Decimal(as_string=True)
    due_fen = fields.Integer()
    paid_fen = fields.Integer()
    balance_fen = fields.Function(lambda b: max(b.due_fen - b.paid_fen, 0))
    issued_on = fields.Date()


class DebtList(Schema):
    items = fields.List(fields.Dict())
    total = fields.Integer()


search_args, household_list, household_detail, debt_list = SearchArgs(), HouseholdList(), HouseholdDetail(), DebtList()
export_args = ExportArgs()
area_in, area_out = AreaIn(), AreaOut()
transfer_in, account_out, open_in, bill_out = TransferIn(), AccountOut(), OpeningIn(), OpenedBill()
