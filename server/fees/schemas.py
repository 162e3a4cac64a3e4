"""Fee configuration on the wire: settings, seasons, rates (DOMAIN.md §8(b) as data)."""
from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validate, validates_schema


class SettingIn(Schema):
    value = fields.Dict(required=True)


class SeasonIn(Schema):
    id = fields.String(required=True, validate=validate.Regexp(r"^\d{4}-\d{4}$"))
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    open = fields.Boolean(load_default=False)
    due_on = fields.Date(load_default=None)

    @validates_schema
    def _dates(self, data, **kwargs):
        if data["ends_on"] <= data["starts_on"]:
            raise ValidationError("ends_on must be after starts_on", "ends_on")
        if int(data["id"][:4]) != data["starts_on"].year or int(data["id"][5:]) != data["starts_on"].year + 1:
            raise ValidationError("the season id must be <start year>-<start year + 1>", "id")


class SeasonPatch(Schema):
    open = fields.Boolean(required=True)


class SeasonRecord(Schema):
    id = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date()
    open = fields.Boolean()
    due_on = fields.Date(allow_none=True)


class RateIn(Schema):
    category = fields.String(required=True, validate=validate.OneOf(["residential", "non_residential"]))
    heat_source = fields.String(load_default="city_network", validate=validate.OneOf(["city_network", "gas_boiler"]))
    zone = fields.String(load_default="", validate=validate.OneOf(["", "core6", "other"]))
    # Ranges are checked below, not by validate.Range: apispec would write Decimal bounds into the
    # OpenAPI document as strings, which schema readers (and fuzzers) cannot use.
    price_yuan = fields.Decimal(required=True, places=2, as_string=True,
                                metadata={"description": "yuan per m² and season, above 0 and at most 1000"})
    suspension_ratio = fields.Decimal(load_default="0.30", places=4, as_string=True,
                                      metadata={"description": "share of the season fee billed while suspended, 0 to 1"})
    doc_ref = fields.String(load_default=None, validate=validate.Length(max=80))

    @validates_schema
    def _ranges(self, data, **kwargs):
        if not 0 < data["price_yuan"] <= 1000:
            raise ValidationError("must be above 0 and at most 1000", "price_yuan")
        if not 0 <= Decimal(data["suspension_ratio"]) <= 1:
            raise ValidationError("must be from 0 to 1", "suspension_ratio")


class RatesIn(Schema):
    rates = fields.List(fields.Nested(RateIn), required=True, validate=validate.Length(min=1))


class RateList(Schema):
    items = fields.List(fields.Nested(RateIn))
    total = fields.Integer()


class IssueOut(Schema):
    season = fields.String()
    issued = fields.Integer()
    credit_applied_fen = fields.Integer()


setting_in, season_in, season_patch, season_out = SettingIn(), SeasonIn(), SeasonPatch(), SeasonRecord()
rates_in, rate_out, issue_out = RatesIn(), RateIn(), IssueOut()  # rates are sent back as taken
