"""Ledgers as Excel workbooks a clerk can work with (issue 14, item 4). openpyxl itself, the number formats and
the rule that text is never a formula live in server/spreadsheet.py (STYLE.md habit 8).

Numbers are numbers: money in yuan with `#,##0.00`, rates as `0.00%`, dates and Asia/Shanghai times as Excel
dates; headers and labels in Chinese (methods from sync/labels.json); a frozen header row, column widths, and
a totals row whose sums are SUM formulas over the cells above it. Text that came from a phone or a clerk (a
receipt number, a room, a name) is always written as text, never as a formula: `=HYPERLINK(…)` or `=1+2` stays
the characters typed, and text starting with = + - @ is marked so that Excel keeps it text when edited.
"""
from datetime import date, datetime
from io import BytesIO

from ..spreadsheet import AREA, YUAN, RATE, Alignment, Font, Workbook, get_column_letter, put

from ..labels import label
from ..timefmt import shanghai

BOLD = Font(bold=True)
COUNT = "#,##0"
DAY, TIME = "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss"
_STATE = {"recorded": "", "void_requested": "申请作废", "voided": "作废", "held": "待审"}


class Col:
    """One column: its header, its number format (None: text), whether the totals row sums it, its width."""

    def __init__(self, header: str, fmt: str | None = None, total: bool = False, width: int | None = None):
        self.header, self.fmt, self.total, self.width = header, fmt, total, width


def _yuan(fen: int | None) -> float | None:
    """fen → yuan as an Excel number (exact to the fen at any ledger's size; the JSON's fen are the record)."""
    return None if fen is None else fen / 100


def _rate(value) -> float | None:
    return None if value is None else float(value)


def _time(iso: str | None) -> datetime | None:
    """An ISO 8601 UTC time → the Asia/Shanghai wall time, naive (Excel has no time zones)."""
    if not iso:
        return None
    return shanghai(datetime.fromisoformat(iso.replace("Z", "+00:00")).replace(tzinfo=None)).replace(tzinfo=None)


def _day(iso: str | None) -> date | None:
    return date.fromisoformat(iso) if iso else None


def _sheet(wb: Workbook, title: str, cols: list[Col], rows: list[list], first: bool = False,
           total_label: str | None = "合计"):
    """A sheet: bold frozen header, the rows, and (with total_label) a totals row of SUM formulas."""
    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    for c, col in enumerate(cols, 1):
        cell = ws.cell(row=1, column=c, value=col.header)
        cell.font = BOLD
        cell.alignment = Alignment(horizontal="center")
    for r, row in enumerate(rows, 2):
        for c, (value, col) in enumerate(zip(row, cols), 1):
            put(ws.cell(row=r, column=c), value, col.fmt)
    last = len(rows) + 1
    if total_label is not None:
        t = last + 1
        ws.cell(row=t, column=1, value=total_label).font = BOLD
        for c, col in enumerate(cols, 1):
            if col.total:
                letter = get_column_letter(c)
                cell = ws.cell(row=t, column=c, value=f"=SUM({letter}2:{letter}{last})" if rows else 0)
                cell.number_format, cell.font = col.fmt or "General", BOLD
    ws.freeze_panes = "A2"
    for c, col in enumerate(cols, 1):
        ws.column_dimensions[get_column_letter(c)].width = col.width or _width(col, rows, c - 1)
    return ws


def _width(col: Col, rows: list[list], i: int) -> int:
    """Wide enough for the header and the longest value (a CJK character is two columns wide)."""
    def span(v) -> int:
        text = v if isinstance(v, str) else "" if v is None else f"{v:,.2f}" if isinstance(v, float) else str(v)
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    return max(8, min(48, max([span(col.header)] + [span(r[i]) for r in rows[:2000] if i < len(r)]) + 2))


def _by_method_rows(totals: dict) -> list[list]:
    return [[label("method", m), fen / 100] for m, fen in totals["by_method"].items()]


METHOD_COLS = [Col("收款方式", width=14), Col("金额(元)", YUAN, total=True, width=16)]


def daily(ledger: dict) -> bytes:
    """日帐: every entry of the posting date, the totals by method, and the hand-overs of a closed day."""
    wb = Workbook()
    cols = [Col("收据号"), Col("房屋"), Col("小区"), Col("收费员"), Col("收款方式", width=10),
            Col("金额(元)", YUAN, total=True, width=14), Col("收款时间(北京)", TIME, width=20),
            Col("入账日期", DAY, width=12), Col("补录", width=6), Col("类型", width=6), Col("状态", width=10),
            Col("缴费季"), Col("冲正原入账日", DAY, width=14)]
    rows = [[e["receipt_no"], e["label"], e["project"], e["collector"], label("method", e["method"]),
             _yuan(e["amount_fen"]), _time(e["collected_at"]), _day(e["posted_on"]), "补录" if e["late"] else "",
             label("entry_kind", e["kind"]), _STATE.get(e["state"], e["state"]), e.get("season"),
             _day(e.get("reverses_posted_on"))]
            for e in ledger["entries"]]
    _sheet(wb, "日帐", cols, rows, first=True)
    _sheet(wb, "按方式", METHOD_COLS, _by_method_rows(ledger["totals"]))
    closed = ledger.get("closed")
    if closed:
        _sheet(wb, "交款", [Col("收费员"), Col("应交现金(元)", YUAN, True, 14), Col("实点(元)", YUAN, True, 14),
                            Col("长短款(元)", YUAN, True, 14), Col("缴款单号"), Col("状态", width=10)],
               [[h["collector"], _yuan(h["expected_cash_fen"]), _yuan(h["counted_fen"]), _yuan(h["over_short_fen"]),
                 h.get("slip_no"), label("handover_state", h["state"])] for h in closed.get("handovers") or []])
    return _save(wb)


def period(ledger: dict, title: str) -> bytes:
    """周帐 / 月帐: by day, by project and by method, each with its totals row."""
    wb = Workbook()
    _sheet(wb, title, [Col("日期", DAY, width=12), Col("笔数", COUNT, True), Col("金额(元)", YUAN, True, 16)],
           [[_day(d["date"]), d["count"], _yuan(d["amount_fen"])] for d in ledger["by_day"]], first=True)
    _sheet(wb, "按小区", [Col("小区"), Col("缴费户数", COUNT, True), Col("笔数", COUNT, True),
                          Col("金额(元)", YUAN, True, 16)],
           [[p["project"], p["households"], p["count"], _yuan(p["amount_fen"])] for p in ledger["by_project"]])
    _sheet(wb, "按方式", METHOD_COLS, _by_method_rows(ledger["totals"]))
    return _save(wb)


def total(ledger: dict) -> bytes:
    """总帐 of a season, in yuan: by project, then the company's totals (sums as SUM, rates as the ledger's)."""
    wb = Workbook()
    cols = [Col("小区"), Col("应收(元)", YUAN, True, 16), Col("实收(元)", YUAN, True, 16),
            Col("欠费(元)", YUAN, True, 16), Col("收费率", RATE, width=10), Col("户数", COUNT, True),
            Col("缴清户数", COUNT, True), Col("户数收费率", RATE, width=12), Col("面积(m²)", AREA, True, 14),
            Col("缴清面积(m²)", AREA, True, 14), Col("面积收费率", RATE, width=12), Col("目标收费率", RATE, width=12),
            Col("距目标(元)", YUAN, True, 16)]
    rows = [[p["project"], _yuan(p["due_fen"]), _yuan(p["collected_fen"]), _yuan(p["outstanding_fen"]),
             _rate(p["collection_rate"]), p["households"], p["households_paid"], _rate(p["household_rate"]),
             float(p["area_m2"]), float(p["area_paid_m2"]), _rate(p["area_rate"]), _rate(p["target_rate"]),
             _yuan(p["target_gap_fen"])] for p in ledger["by_project"]]
    ws = _sheet(wb, f"总帐 {ledger['season']}", cols, rows, first=True)
    t = len(rows) + 2  # the totals row: the company's rates are the ledger's own, beside the SUMs
    for c, key in ((5, "collection_rate"), (8, "household_rate"), (11, "area_rate")):
        put(ws.cell(row=t, column=c), _rate(ledger[key]), RATE)
    return _save(wb)


def _save(wb: Workbook) -> bytes:
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
