"""Complaints on the wire (OFFICE.md, "A household's life": Complaints)."""
from marshmallow import Schema, fields, validate

from ..schemas_util import PageArgs
from .service import CATEGORIES, SOURCES

# A complaint, a follow-up and a resolution say something: blank text is no record (DOMAIN.md §3, evidence).
TEXT = [validate.Length(min=1, max=2000), validate.Predicate("strip", error="the text says something")]
SATISFACTION = validate.Range(min=1, max=5)  # 1 very dissatisfied … 5 very satisfied (业主满意度调查)


class OpenIn(Schema):
    household_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    text = fields.String(required=True, validate=TEXT)
    source = fields.String(load_default="office", validate=validate.OneOf(SOURCES))


class FollowUpIn(Schema):
    text = fields.String(required=True, validate=TEXT)
    satisfaction = fields.Integer(load_default=None, allow_none=True, strict=True, validate=SATISFACTION)


class ComplaintCloseIn(Schema):
    resolution = fields.String(required=True, validate=TEXT)
    satisfaction = fields.Integer(load_default=None, allow_none=True, strict=True, validate=SATISFACTION)
    compensation_fen = fields.Integer(load_default=None, allow_none=True, strict=True,
                                      validate=validate.Range(min=0, max=100_000_000))


class ListArgs(PageArgs):
    state = fields.String(load_default=None, validate=validate.OneOf(["open", "closed"]))
    project = fields.String(load_default=None, validate=validate.Length(min=1, max=80))
    household_id = fields.String(load_default=None, validate=validate.Length(min=1, max=36))


class ReportArgs(Schema):
    season = fields.String(load_default=None, validate=validate.Regexp(r"^\d{4}-\d{4}$"))
    project = fields.String(load_default=None, validate=validate.Length(min=1, max=80))


class FollowUpOut(Schema):
    id = fields.Integer()
    text = fields.String()
    satisfaction = fields.Integer(allow_none=True)
    by = fields.String(allow_none=True)
    at = fields.String()
    field_record_id = fields.Integer(allow_none=True)


class ComplaintOut(Schema):
    id = fields.Integer()
    household_id = fields.String()
    label = fields.String()
    project = fields.String()
    category = fields.String()
    text = fields.String()
    source = fields.String()
    state = fields.String()
    opened_at = fields.String()
    opened_by = fields.String(allow_none=True)
    field_record_id = fields.Integer(allow_none=True)
    resolution = fields.String(allow_none=True)
    satisfaction = fields.Integer(allow_none=True)
    compensation_fen = fields.Integer()
    compensation_state = fields.String()
    closed_at = fields.String(allow_none=True)
    closed_by = fields.String(allow_none=True)
    follow_ups = fields.List(fields.Nested(FollowUpOut))


class ComplaintListOut(Schema):
    items = fields.List(fields.Nested(ComplaintOut))
    total = fields.Integer()


class ProjectSatisfactionOut(Schema):
    project = fields.String()
    opened = fields.Integer()
    closed = fields.Integer()
    by_category = fields.Dict(keys=fields.String(), values=fields.Integer())
    follow_ups = fields.Integer()
    satisfaction_count = fields.Integer()
    average_satisfaction = fields.String(allow_none=True)  # two decimals, e.g. "4.50"


class SatisfactionOut(Schema):
    season = fields.String(allow_none=True)
    items = fields.List(fields.Nested(ProjectSatisfactionOut))


open_in, follow_up_in, close_in, list_args, report_args = OpenIn(), FollowUpIn(), ComplaintCloseIn(), ListArgs(), ReportArgs()
complaint_out, list_out, follow_up_out, satisfaction_out = ComplaintOut(), ComplaintListOut(), FollowUpOut(), SatisfactionOut()
