"""Excel as a clerk expects (issue 14, item 4; OFFICE.md, Cash and ledgers): the workbooks read back with
openpyxl show numbers as numbers in yuan, rates as percentages, Chinese labels, Asia/Shanghai times, a SUM row
and a frozen header, and nothing a phone typed ever becomes a formula."""
from datetime import date, datetime, timedelta, timezone
from io import BytesIO

import openpyxl
import pytest

from tests.server.test_handovers import cash_of, collectors_with_cash, hand_over, today

LEDGERS = "/api/v1/ledgers"
HOSTILE = ['=HYPERLINK("http://evil.example/","点我")', "=1+2", "+8613800000000", "-2+3", "@SUM(A1:A9)"]


def book(client, clerk, path, **query):
    r = client.get(f"{LEDGERS}/{path}", query_string={**query, "format": "xlsx"}, headers=clerk.headers)
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet"), r.data[:200]
    return openpyxl.load_workbook(BytesIO(r.data))


def ledger(client, clerk, path, **query):
    r = client.get(f"{LEDGERS}/{path}", query_string=query, headers=clerk.headers)
    assert r.status_code == 200
    return r.get_json()


def header(ws):
    return [c.value for c in ws[1]]


def column(ws, name):
    return header(ws).index(name) + 1


def sum_row(ws, col, first=2):
    """The totals row: its label, and that it is a SUM of exactly the rows above it."""
    last = ws.max_row
    cell = ws.cell(row=last, column=col)
    letter = cell.column_letter
    assert ws.cell(row=last, column=1).value == "合计"
    assert cell.value == f"=SUM({letter}{first}:{letter}{last - 1})", cell.value
    return [ws.cell(row=r, column=col).value for r in range(first, last)]


@pytest.fixture
def hostile_day(client, clerk, phone):
    """Today, with receipts whose numbers (typed on a phone) look like formulas, and c01's hand-over."""
    phone.pull_all()
    ids = [h["id"] for h in phone.households.values() if h["bills"][-1]["balance_fen"] > 100_000]
    ops = []
    for n, (hid, text) in enumerate(zip(ids, HOSTILE)):
        op = phone.payment(hid, 10_000 + n, method="cash" if n % 2 == 0 else "wechat")
        op["data"]["receipt_no"] = text
        ops.append(op)
    status, body = phone.push(ops)
    assert status == 200 and all(r["status"] == "applied" for r in body["results"]), body
    return ops


def test_a_receipt_number_that_looks_like_a_formula_is_written_as_text(client, clerk, hostile_day):
    ws = book(client, clerk, "daily", date=today().isoformat())["日帐"]
    col = column(ws, "收据号")
    cells = {ws.cell(row=r, column=col).value: ws.cell(row=r, column=col) for r in range(2, ws.max_row)}
    for text in HOSTILE:
        cell = cells[text]
        assert cell.data_type == "s" and cell.value == text  # the characters typed, not a live formula
        assert cell.quotePrefix  # Excel keeps it text when a clerk edits the cell
    formulas = [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == [f"F{ws.max_row}"]  # the only formula is our own SUM


def test_the_daily_workbook_has_yuan_numbers_chinese_labels_shanghai_times_and_a_sum_row(client, clerk, hostile_day):
    day = today()
    data = ledger(client, clerk, "daily", date=day.isoformat())
    wb = book(client, clerk, "daily", date=day.isoformat())
    ws = wb["日帐"]
    assert ws.freeze_panes == "A2" and header(ws)[:6] == ["收据号", "房屋", "小区", "收费员", "收款方式", "金额(元)"]
    assert ws.column_dimensions["A"].width >= 10 and ws.column_dimensions["G"].width >= 19
    amounts = sum_row(ws, column(ws, "金额(元)"))
    assert all(isinstance(a, (int, float)) for a in amounts) and len(amounts) == data["totals"]["count"]
    assert round(sum(amounts) * 100) == data["totals"]["amount_fen"]
    by_receipt = {e["receipt_no"]: e for e in data["entries"]}
    rc, mc, tc, pc = (column(ws, n) for n in ("收据号", "收款方式", "收款时间(北京)", "入账日期"))
    for r in range(2, ws.max_row):
        e = by_receipt[ws.cell(row=r, column=rc).value]
        amount = ws.cell(row=r, column=column(ws, "金额(元)"))
        assert amount.number_format == "#,##0.00" and round(amount.value * 100) == e["amount_fen"]
        assert ws.cell(row=r, column=mc).value == {"cash": "现金", "wechat": "微信"}.get(e["method"], ws.cell(
            row=r, column=mc).value) and ws.cell(row=r, column=mc).value not in ("cash", "wechat")
        at = ws.cell(row=r, column=tc)
        utc = datetime.fromisoformat(e["collected_at"].replace("Z", "+00:00"))
        assert at.is_date and at.value == (utc + timedelta(hours=8)).replace(tzinfo=None)  # Asia/Shanghai
        assert ws.cell(row=r, column=pc).value.date() == day
    methods = wb["按方式"]
    assert [row[0] for row in methods.iter_rows(min_row=2, max_row=methods.max_row - 1, values_only=True)] == [
        {"cash": "现金", "wechat": "微信", "alipay": "支付宝", "bank_card": "银行卡", "transfer": "转账"}.get(m, m)
        for m in data["totals"]["by_method"]]
    assert round(sum(sum_row(methods, 2)) * 100) == data["totals"]["amount_fen"]


def test_a_closed_days_workbook_lists_each_collectors_hand_over(client, clerk, hostile_day):
    day = today()
    for n, username in enumerate(collectors_with_cash(day)):
        assert hand_over(client, clerk, username, cash_of(username, day) - (100 if n == 0 else 0)).status_code == 200
    assert client.post(f"{LEDGERS}/daily/close", json={"date": day.isoformat()}, headers=clerk.headers
                       ).status_code == 200
    ws = book(client, clerk, "daily", date=day.isoformat())["交款"]
    assert header(ws)[:4] == ["收费员", "应交现金(元)", "实点(元)", "长短款(元)"]
    over_short = sum_row(ws, 4)
    assert round(sum(over_short) * 100) == -100 and ws.cell(row=2, column=4).number_format == "#,##0.00"
    assert {ws.cell(row=r, column=6).value for r in range(2, ws.max_row)} == {"已交款"}


@pytest.mark.parametrize("path", ["weekly", "monthly"])
def test_the_weekly_and_monthly_workbooks_have_dates_numbers_and_sum_rows(client, clerk, path):
    day = today() - timedelta(days=1)
    query = {"week": "{}-W{:02d}".format(*day.isocalendar()[:2])} if path == "weekly" else {"month": day.strftime("%Y-%m")}
    data = ledger(client, clerk, path, **query)
    wb = book(client, clerk, path, **query)
    ws = wb.worksheets[0]
    assert ws.title == {"weekly": "周帐", "monthly": "月帐"}[path] and ws.freeze_panes == "A2"
    assert header(ws) == ["日期", "笔数", "金额(元)"]
    assert [ws.cell(row=r, column=1).value.date() for r in range(2, ws.max_row)] == [
        date.fromisoformat(d["date"]) for d in data["by_day"]]
    assert ws.cell(row=2, column=1).number_format == "yyyy-mm-dd"
    assert sum(sum_row(ws, 2)) == data["totals"]["count"]
    assert round(sum(sum_row(ws, 3)) * 100) == data["totals"]["amount_fen"]
    projects = wb["按小区"]
    assert round(sum(sum_row(projects, 4)) * 100) == data["totals"]["amount_fen"]


def test_the_season_total_is_in_yuan_with_rates_as_percentages(client, clerk):
    data = ledger(client, clerk, "total", season="2026-2027")
    ws = book(client, clerk, "total", season="2026-2027").worksheets[0]
    assert header(ws)[:5] == ["小区", "应收(元)", "实收(元)", "欠费(元)", "收费率"] and ws.freeze_panes == "A2"
    for r, p in enumerate(data["by_project"], 2):
        due, collected, rate = (ws.cell(row=r, column=c) for c in (2, 3, 5))
        assert due.value == p["due_fen"] / 100 and due.number_format == "#,##0.00"  # yuan, not fen
        assert collected.value == p["collected_fen"] / 100
        assert rate.number_format == "0.00%" and rate.value == pytest.approx(float(p["collection_rate"]))
        assert ws.cell(row=r, column=6).value == p["households"] and isinstance(p["households"], int)
    assert round(sum(sum_row(ws, 2)) * 100) == data["due_fen"]
    assert round(sum(sum_row(ws, 3)) * 100) == data["collected_fen"]
    t = ws.max_row
    assert ws.cell(row=t, column=5).value == pytest.approx(float(data["collection_rate"]))
    assert ws.cell(row=t, column=5).number_format == "0.00%"
