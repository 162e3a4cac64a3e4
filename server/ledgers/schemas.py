"""Ledger wire format (PROTOCOL.md, Clerk and admin API): query args in, ledgers out.

Dates, ISO weeks and months are parsed by fields that explain a bad value in the request's language,
so a clerk who types 2026-13-01 reads why (400 bad_request, details.fields).
"""
import calendar
import re
from datetime import date

from marshmallow import Schema, ValidationError, fields, validate

from ..errors import wants_english
from ..schemas_util import PageArgs

FORMATS = ["json", "xlsx", "pdf"]


def _explain(zh: str, en: str) -> ValidationError:
    return ValidationError(en if wants_english() else zh)


class Day(fields.Field):
    """YYYY-MM-DD, a real calendar date."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise _explain("日期格式应为 YYYY-MM-DD，例如 2026-11-26", "date must be YYYY-MM-DD, e.g. 2026-11-26")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise _explain(f"不存在的日期：{value}", f"no such date: {value}") from None

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.isoformat()


class IsoWeek(fields.Field):
    """YYYY-Www (ISO 8601 week, Monday to Sunday) → (monday, sunday)."""

    def _deserialize(self, value, attr, data, **kwargs):
        m = re.fullmatch(r"(\d{4})-W(\d{2})", value) if isinstance(value, str) else None
        if not m:
            raise _explain("周的格式应为 YYYY-Www，例如 2026-W48", "week must be YYYY-Www, e.g. 2026-W48")
        try:  # the week must end inside the calendar too: 9999-W52 would end in the year 10000
            return date.fromisocalendar(int(m[1]), int(m[2]), 1), date.fromisocalendar(int(m[1]), int(m[2]), 7)
        except ValueError:
            raise _explain(f"不存在的周：{value}", f"no such ISO week: {value}") from None


class Month(fields.Field):
    """YYYY-MM → (first day, last day)."""

    def _deserialize(self, value, attr, data, **kwargs):
        m = re.fullmatch(r"(\d{4})-(\d{2})", value) if isinstance(value, str) else None
        if not m or not 1 <= int(m[2]) <= 12 or int(m[1]) < 1:
            raise _explain("月份格式应为 YYYY-MM，例如 2026-11", "month must be YYYY-MM, e.g. 2026-11")
        year, month = int(m[1]), int(m[2])
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


class _Filters(Schema):
    collector = fields.String(load_default=None, validate=validate.Length(min=1, max=40))  # username
    project = fields.String(load_default=None, validate=validate.Length(min=1, max=80))  # project name
    format = fields.String(load_default="json", validate=validate.OneOf(FORMATS))
    lang = fields.String(load_default=None)


class DailyArgs(_Filters, PageArgs):
    date = Day(required=True, metadata={"type": "string", "format": "date", "example": "2026-11-26"})
    per_page = fields.Integer(load_default=1000, validate=validate.Range(min=1, max=5000))


class WeeklyArgs(_Filters):
    week = IsoWeek(required=True, metadata={"type": "string", "pattern": r"^\d{4}-W\d{2}$", "example": "2026-W48"})


class MonthlyArgs(_Filters):
    month = Month(required=True, metadata={"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-11"})


class TotalArgs(Schema):
    season = fields.String(load_default=None, validate=validate.Regexp(r"^\d{4}-\d{4}$"))
    format = fields.String(load_default="json", validate=validate.OneOf(FORMATS))
    lang = fields.String(load_default=None)


class CloseIn(Schema):
    """日结 of a date: the counts are the collectors' hand-overs (POST /handovers). `cash_counted_fen`, the one
    count for the whole day that this endpoint took before hand-overs existed, is still accepted from old
    clients and not used: the close's count is the sum of the hand-overs."""
    date = Day(required=True, metadata={"type": "string", "format": "date"})
    deposit_ref = fields.String(load_default=None, validate=validate.Length(max=80))
    cash_counted_fen = fields.Integer(load_default=None, strict=True, validate=validate.Range(min=0, max=10**12),
                                      metadata={"deprecated": True})


class HandoverIn(Schema):
    """交款: the cash the cashier counted from one collector on the day (OFFICE.md, Cash and ledgers)."""
    date = Day(required=True, metadata={"type": "string", "format": "date"})
    collector = fields.String(required=True, validate=validate.Length(min=1, max=40))
    cash_fen = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=10**12))
    slip_no = fields.String(load_default=None, validate=validate.Length(max=80))


class CorrectionIn(Schema):
    """A corrected count: a new record on the day it is made, with the reason; the first record stays."""
    cash_fen = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=10**12))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=200))


class HandoverArgs(PageArgs):
    date = Day(required=True, metadata={"type": "string", "format": "date", "example": "2026-11-26"})


# --- out ------------------------------------------------------------------------------------------

class Totals(Schema):
    count = fields.Integer()
    amount_fen = fields.Integer()
    by_method = fields.Dict(keys=fields.String(), values=fields.Integer())


class Entry(Schema):
    receipt_no = fields.String(allow_none=True)
    household_id = fields.String()
    label = fields.String()
    project = fields.String()
    collector = fields.String(allow_none=True)
    collector_name = fields.String(allow_none=True)
    method = fields.String()
    amount_fen = fields.Integer()
    collected_at = fields.String()
    posted_on = fields.String()
    late = fields.Boolean()
    kind = fields.String()
    season = fields.String(allow_none=True)
    state = fields.String()  # of a closed day: as it was at the close
    reverses_posted_on = fields.String(allow_none=True)  # a reversal: the day of the payment it reverses


class HandoverOut(Schema):
    id = fields.Integer()
    date = fields.String()
    collector = fields.String(allow_none=True)
    seq = fields.Integer()  # 0: the hand-over; 1, 2, …: corrections
    expected_cash_fen = fields.Integer()
    counted_fen = fields.Integer()
    over_short_fen = fields.Integer()  # counted − expected: > 0 长款, < 0 短款
    slip_no = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    corrects_id = fields.Integer(allow_none=True)
    recorded_on = fields.String()  # the day the record was made (a correction's own day)
    recorded_by = fields.String(allow_none=True)
    recorded_at = fields.String()


class HandoverRow(Schema):
    """One collector of the day: expected cash from the synced receipts now, the latest count, its state."""
    collector = fields.String(allow_none=True)
    expected_cash_fen = fields.Integer()
    counted_fen = fields.Integer(allow_none=True)
    over_short_fen = fields.Integer(allow_none=True)
    slip_no = fields.String(allow_none=True)
    state = fields.String()  # handed_over | corrected | missing
    handover_id = fields.Integer(allow_none=True)  # the first record: corrections are posted to it
    records = fields.List(fields.Nested(HandoverOut))


class HandoversOut(Schema):
    date = fields.String()
    items = fields.List(fields.Nested(HandoverRow))
    total = fields.Integer()
    missing = fields.List(fields.String())
    closed = fields.Boolean()
    corrections_made = fields.List(fields.Nested(HandoverOut))  # made on this date for earlier dates


class ClosedHandover(Schema):
    collector = fields.String(allow_none=True)
    expected_cash_fen = fields.Integer()
    counted_fen = fields.Integer(allow_none=True)
    over_short_fen = fields.Integer(allow_none=True)
    slip_no = fields.String(allow_none=True)
    state = fields.String()
    handover_id = fields.Integer(allow_none=True)


class CloseOut(Schema):
    date = fields.String()
    count = fields.Integer()
    amount_fen = fields.Integer()
    by_method = fields.Dict(keys=fields.String(), values=fields.Integer())
    cash_fen = fields.Integer()
    cash_counted_fen = fields.Integer(allow_none=True)
    over_short_fen = fields.Integer(allow_none=True)
    over_short = fields.String(allow_none=True)  # 长款 | 短款 | 相符 | null (not counted)
    deposit_ref = fields.String(allow_none=True)
    closed_by = fields.String(allow_none=True)
    closed_at = fields.String()
    digest = fields.String()
    unchanged = fields.Boolean()  # the journal of the day still matches the digest taken at the close
    handovers = fields.List(fields.Nested(ClosedHandover))  # each collector's hand-over as it stood at the close


class DailyOut(Schema):
    date = fields.String()
    entries = fields.List(fields.Nested(Entry))
    totals = fields.Nested(Totals)
    closed = fields.Nested(CloseOut, allow_none=True)
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


class DayRow(Totals):
    date = fields.String()


class ProjectRow(Totals):
    project = fields.String()
    households = fields.Integer()


class PeriodOut(Schema):
    week = fields.String()
    month = fields.String()
    start = fields.String()
    end = fields.String()
    totals = fields.Nested(Totals)
    by_day = fields.List(fields.Nested(DayRow))
    by_project = fields.List(fields.Nested(ProjectRow))


class SeasonFigures(Schema):
    due_fen = fields.Integer()
    collected_fen = fields.Integer()
    outstanding_fen = fields.Integer()
    collection_rate = fields.String(allow_none=True)  # "0.8123": 4 places, half-up; null when nothing is due
    households = fields.Integer()
    households_paid = fields.Integer()
    household_rate = fields.String(allow_none=True)
    area_m2 = fields.String()
    area_paid_m2 = fields.String()
    area_rate = fields.String(allow_none=True)


class ProjectTotal(SeasonFigures):
    project = fields.String()
    target_rate = fields.String()
    target_fen = fields.Integer()
    target_gap_fen = fields.Integer()  # what is still to collect to reach the target (0 once reached)
    rate_gap = fields.String(allow_none=True)  # target_rate − collection_rate (> 0: below target)


class TotalOut(SeasonFigures):
    season = fields.String()
    by_project = fields.List(fields.Nested(ProjectTotal))


daily_args, weekly_args, monthly_args, total_args = DailyArgs(), WeeklyArgs(), MonthlyArgs(), TotalArgs()
close_in, close_out, daily_out, period_out, total_out = CloseIn(), CloseOut(), DailyOut(), PeriodOut(), TotalOut()


class PdfJobOut(Schema):
    """202: the PDF is being made as a job (GET /api/v1/jobs/<job_id>, then its /file)."""
    job_id = fields.String()
    state = fields.String()
    entries = fields.Integer()


pdf_job_out = PdfJobOut()
handover_in, correction_in, handover_args = HandoverIn(), CorrectionIn(), HandoverArgs()
handover_out, handovers_out = HandoverOut(), HandoversOut()
