"""GET /api/v1/ledgers/daily|weekly|monthly|total (JSON, xlsx, pdf), POST /api/v1/ledgers/daily/close,
/api/v1/ledgers/handovers (交款) and their corrections."""
from flask import Blueprint, Response, g, render_template

from ..auth.service import authenticate
from ..openapi import EXTRA
from ..schemas_util import id_rule, load_args, load_json
from . import schemas as s
from . import exports, handovers, service, xlsx

bp = Blueprint("ledgers", __name__, url_prefix="/api/v1/ledgers")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _as(fmt: str, ledger: dict, dump, name: str, workbook, title: str):
    """The ledger in the asked format: JSON through its schema, or a file to download."""
    if fmt == "xlsx":
        return _file(workbook(ledger), XLSX, f"{name}.xlsx")
    if fmt == "pdf":
        from ..documents import pdf
        html = render_template("documents/ledger.html", ledger=ledger, title=title, name=name)
        return _file(pdf.render(html), "application/pdf", f"{name}.pdf")
    return dump.dump(ledger)


def _file(body: bytes, mimetype: str, filename: str) -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/daily")
@authenticate("clerk", "admin")
def daily():
    """日帐: the journal entries posted on one date (held payments excluded), with totals by method."""
    a = load_args(s.daily_args)
    whole = a["format"] != "json"
    ledger = service.daily(a["date"], a["collector"], a["project"], 1 if whole else a["page"],
                           None if whole else a["per_page"])
    name, title = f"daily-{ledger['date']}", f"日帐 {ledger['date']}"
    if a["format"] == "pdf" and exports.wants_job(ledger):  # minutes of layout: a job, never a worker timeout
        job_id = exports.start_daily_pdf(a["date"], a["collector"], a["project"], title, name,
                                         len(ledger["entries"]), g.user.id)
        return s.pdf_job_out.dump({"job_id": job_id, "state": "queued", "entries": len(ledger["entries"])}), 202
    return _as(a["format"], ledger, s.daily_out, name, xlsx.daily, title)


@bp.post("/daily/close")
@authenticate("clerk", "admin")
def close():
    """日结: lock a day, with its totals, once every collector with cash that day has handed over."""
    body = load_json(s.close_in)
    return s.close_out.dump(service.close_day(body["date"], body["deposit_ref"], g.user.id))


@bp.post("/handovers")
@authenticate("clerk", "admin")
def hand_over():
    """交款: record the cash counted from one collector on the day, beside what their receipts carry."""
    body = load_json(s.handover_in)
    return s.handover_out.dump(handovers.hand_over(body["date"], body["collector"], body["cash_fen"],
                                                   body["slip_no"], g.user.id))


@bp.get("/handovers")
@authenticate("clerk", "admin")
def list_handovers():
    """The day's collectors with cash: expected, counted, over/short, who has handed over, who is missing."""
    a = load_args(s.handover_args)
    day = handovers.listing(a["date"])
    start = (a["page"] - 1) * a["per_page"]
    return s.handovers_out.dump({**day, "items": day["items"][start:start + a["per_page"]]})


@bp.post(f"/handovers/{id_rule('handover_id')}/corrections")
@authenticate("clerk", "admin")
def correct_handover(handover_id):
    """A wrong count corrected: a new record on the day it is made, with a reason; the first one stays."""
    body = load_json(s.correction_in)
    return s.handover_out.dump(handovers.correct(int(handover_id), body["cash_fen"], body["reason"], g.user.id))


@bp.get("/weekly")
@authenticate("clerk", "admin")
def weekly():
    """周帐: an ISO week's journal entries by day and by project."""
    a = load_args(s.weekly_args)
    start, end = a["week"]
    week = f"{start.isocalendar()[0]}-W{start.isocalendar()[1]:02d}"
    ledger = {"week": week, **service.period(start, end, a["collector"], a["project"])}
    return _as(a["format"], ledger, s.period_out, f"weekly-{week}", lambda x: xlsx.period(x, "周帐"), f"周帐 {week}")


@bp.get("/monthly")
@authenticate("clerk", "admin")
def monthly():
    """月帐: a month's journal entries by day and by project; the sum of its daily ledgers."""
    a = load_args(s.monthly_args)
    start, end = a["month"]
    month = start.strftime("%Y-%m")
    ledger = {"month": month, **service.period(start, end, a["collector"], a["project"])}
    return _as(a["format"], ledger, s.period_out, f"monthly-{month}", lambda x: xlsx.period(x, "月帐"),
               f"月帐 {month}")


@bp.get("/total")
@authenticate("clerk", "admin")
def total():
    """总帐: a season's due, collected and outstanding amounts and collection rates, by project."""
    a = load_args(s.total_args)
    ledger = service.season_total(a["season"])
    return _as(a["format"], ledger, s.total_out, f"total-{ledger['season']}", xlsx.total, f"总帐 {ledger['season']}")


EXTRA.update({
    "ledgers.daily": (s.DailyArgs, None, s.DailyOut, 200),
    "ledgers.close": (None, s.CloseIn, s.CloseOut, 200),
    "ledgers.hand_over": (None, s.HandoverIn, s.HandoverOut, 200),
    "ledgers.list_handovers": (s.HandoverArgs, None, s.HandoversOut, 200),
    "ledgers.correct_handover": (None, s.CorrectionIn, s.HandoverOut, 200),
    "ledgers.weekly": (s.WeeklyArgs, None, s.PeriodOut, 200),
    "ledgers.monthly": (s.MonthlyArgs, None, s.PeriodOut, 200),
    "ledgers.total": (s.TotalArgs, None, s.TotalOut, 200),
})
