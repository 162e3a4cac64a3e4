"""Excel workbooks in and out: the only module that imports openpyxl (STYLE.md habit 8).

Writing: numbers stay numbers (money in yuan with the `#,##0.00` format, OFFICE.md "Cash and ledgers"), and
every text is a text cell, never a formula, however it starts: a payer named "=HYPERLINK(…)" or "+86…" is
shown as typed and runs nothing in the clerk's Excel (CSV/formula injection). Reading: the cells of the
first sheet as values, formulas as the text they were typed as.
"""
from io import BytesIO

from openpyxl import Workbook, load_workbook  # noqa: F401  (Workbook: server/ledgers/xlsx.py builds on it)
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

__all__ = ["Workbook", "Font", "YUAN", "AREA", "RATE", "TEXT", "Table", "workbook_bytes", "read_rows",
           "UnreadableWorkbook", "FORMULA_LEAD"]

YUAN, AREA, RATE, TEXT = "#,##0.00", "0.00", "0.00%", "@"
FORMULA_LEAD = ("=", "+", "-", "@")  # what Excel (and WPS) would read as the start of a formula
BOLD = Font(bold=True)


class UnreadableWorkbook(ValueError):
    """Not a workbook openpyxl can read (a renamed file, an old .xls, a damaged zip)."""


class Table:
    """One sheet to write: a header row, rows of values, a number format per column index, widths."""

    def __init__(self, title: str, header: list[str], rows, formats: dict[int, str] | None = None,
                 widths: dict[int, int] | None = None):
        self.title, self.header, self.rows = title, header, rows
        self.formats, self.widths = formats or {}, widths or {}


def _cell(ws, value, number_format: str | None):
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        # Always a text cell: openpyxl makes "=…" a formula; Excel reads a typed "+…", "-…", "@…" as one
        # too, and the quote prefix keeps it text if the clerk edits the cell.
        cell.data_type = "s"
        if value.startswith(FORMULA_LEAD):
            cell.quotePrefix = True
    elif number_format and value is not None:
        cell.number_format = number_format
    return cell


def workbook_bytes(tables: list[Table]) -> bytes:
    """The workbook of these sheets, streamed (write-only: 20,000 rows without a cell object each kept)."""
    wb = Workbook(write_only=True)
    for table in tables:
        ws = wb.create_sheet(table.title[:31])
        for i, name in enumerate(table.header):
            letter = _letter(i)
            ws.column_dimensions[letter].width = table.widths.get(i, max(10, min(30, len(name) * 2 + 4)))
        head = []
        for name in table.header:
            c = _cell(ws, name, None)
            c.font = BOLD
            head.append(c)
        ws.append(head)
        formats = table.formats
        for row in table.rows:
            ws.append([_cell(ws, v, formats.get(i)) for i, v in enumerate(row)])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _letter(i: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(i + 1)


def read_rows(data: bytes, max_rows: int, max_cols: int):
    """(row number, [cell values]) of the first sheet, up to `max_rows` rows and `max_cols` columns.
    A formula cell reads as its text ("=A1+1"), which is how it is stored: as text."""
    try:
        wb = load_workbook(BytesIO(data), read_only=True, data_only=False)
    except Exception as e:  # noqa: BLE001 — BadZipFile, KeyError, InvalidFileException…: all "not readable"
        raise UnreadableWorkbook(str(e)[:200]) from None
    try:
        ws = wb.worksheets[0] if wb.worksheets else None
        if ws is None:
            return
        for n, row in enumerate(ws.iter_rows(max_col=max_cols, values_only=True), start=1):
            if n > max_rows:
                return
            yield n, list(row)
    except Exception as e:  # noqa: BLE001 — a damaged sheet part inside a readable zip
        raise UnreadableWorkbook(str(e)[:200]) from None
    finally:
        wb.close()
