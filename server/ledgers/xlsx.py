"""Ledgers as Excel workbooks (openpyxl itself lives in server/spreadsheet.py, STYLE.md habit 8)."""
from io import BytesIO

from ..spreadsheet import Font, Workbook

from sync.money import format_yuan

from ..labels import label

BOLD = Font(bold=True)


def _yuan(fen: int) -> float:
    """A cell value in yuan: Excel sums numbers; fen / 100 is exact enough to show, the fen column is the record."""
    return fen / 100


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list], first: bool = False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    ws.append(header)
    for cell in ws[1]:
        cell.font = BOLD
    for row in rows:
        ws.append(row)
    for column in ws.columns:
        ws.column_dimensions[column[0].column_letter].width = max(10, min(40, max(
            len(str(c.value or "")) * 2 for c in column)))
    return ws


def _totals_rows(totals: dict) -> list[list]:
    rows = [["笔数 count", totals["count"], None], ["合计 total (fen)", totals["amount_fen"],
                                                     format_yuan(totals["amount_fen"])]]
    rows += [[label("method", m), fen, format_yuan(fen)] for m, fen in totals["by_method"].items()]
    return rows


def daily(ledger: dict) -> bytes:
    wb = Workbook()
    header = ["收据号", "户", "小区", "收费员", "方式", "金额(分)", "金额(元)", "收款时间(UTC)", "入账日", "补录", "类型"]
    _sheet(wb, "日帐", header, [[e["receipt_no"], e["label"], e["project"], e["collector"], label("method", e["method"]),
                                 e["amount_fen"], _yuan(e["amount_fen"]), e["collected_at"], e["posted_on"],
                                 "是" if e["late"] else "", "冲正" if e["kind"] == "reversal" else "收款"]
                                for e in ledger["entries"]], first=True)
    _sheet(wb, "合计", ["项目", "金额(分)", "金额(元)"], _totals_rows(ledger["totals"]))
    return _save(wb)


def period(ledger: dict, title: str) -> bytes:
    wb = Workbook()
    _sheet(wb, "合计", ["项目", "金额(分)", "金额(元)"], _totals_rows(ledger["totals"]), first=True)
    _sheet(wb, "按日", ["日期", "笔数", "金额(分)", "金额(元)"],
           [[d["date"], d["count"], d["amount_fen"], _yuan(d["amount_fen"])] for d in ledger["by_day"]])
    _sheet(wb, "按小区", ["小区", "户数", "笔数", "金额(分)", "金额(元)"],
           [[p["project"], p["households"], p["count"], p["amount_fen"], _yuan(p["amount_fen"])]
            for p in ledger["by_project"]])
    wb.active.title = title
    return _save(wb)


def _rate(value: str | None) -> float | None:
    return None if value is None else float(value)


def total(ledger: dict) -> bytes:
    wb = Workbook()
    header = ["小区", "应收(分)", "实收(分)", "欠费(分)", "收费率", "户数", "缴清户数", "户数收费率", "面积(m²)",
              "缴清面积(m²)", "面积收费率", "目标收费率", "距目标(分)"]
    rows = [[p["project"], p["due_fen"], p["collected_fen"], p["outstanding_fen"], _rate(p["collection_rate"]),
             p["households"], p["households_paid"], _rate(p["household_rate"]), float(p["area_m2"]),
             float(p["area_paid_m2"]), _rate(p["area_rate"]), _rate(p["target_rate"]), p["target_gap_fen"]]
            for p in ledger["by_project"]]
    rows.append(["合计", ledger["due_fen"], ledger["collected_fen"], ledger["outstanding_fen"],
                 _rate(ledger["collection_rate"]), ledger["households"], ledger["households_paid"],
                 _rate(ledger["household_rate"]), float(ledger["area_m2"]), float(ledger["area_paid_m2"]),
                 _rate(ledger["area_rate"]), None, None])
    _sheet(wb, f"总帐 {ledger['season']}", header, rows, first=True)
    return _save(wb)


def _save(wb: Workbook) -> bytes:
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
