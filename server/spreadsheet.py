"""Excel workbooks in and out: the only module that imports openpyxl (STYLE.md habit 8).

Writing: numbers stay numbers (money in yuan with the `#,##0.00` format, OFFICE.md "Cash and ledgers"), and
every text is a text cell, never a formula, however it starts: a payer named "=HYPERLINK(…)" or "+86…" is
shown as typed and runs nothing in the clerk's Excel (CSV/formula injection). Reading: the cells of the
first sheet as values, formulas as the text they were typed as.
"""
from copy import copy
from io import BytesIO

from openpyxl import Workbook
from openpyxl.reader.excel import ExcelReader
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

__all__ = ["Workbook", "Font", "Alignment", "get_column_letter", "YUAN", "AREA", "RATE", "TEXT", "Table",
           "workbook_bytes", "read_rows", "UnreadableWorkbook", "FORMULA_LEAD", "put"]

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


def put(cell, value, fmt: str | None):
    """Write one value into a cell of a normal (not write-only) sheet: text always as text, never a formula
    (openpyxl makes "=…" one; Excel reads a typed "+…", "-…", "@…" as one too, and the quote prefix keeps it
    text when a clerk edits the cell); numbers and dates with their format."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_LEAD):
            cell.quotePrefix = True
    elif fmt and value is not None:
        cell.number_format = fmt


def _cell(ws, value, number_format: str | None, styles: dict):
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        # Always a text cell: openpyxl makes "=…" a formula; Excel reads a typed "+…", "-…", "@…" as one
        # too, and the quote prefix keeps it text if the clerk edits the cell.
        cell.data_type = "s"
        if value.startswith(FORMULA_LEAD):
            _style(cell, "quote", styles)
    elif number_format and value is not None:
        _style(cell, number_format, styles)
    return cell


def _style(cell, key: str, styles: dict):
    """Give the cell a style made once per workbook (setting it afresh on each of 200,000 cells costs
    seconds: openpyxl looks the format up in its tables every time)."""
    style = styles.get(key)
    if style is None:
        if key == "quote":
            cell.quotePrefix = True
        else:
            cell.number_format = key
        styles[key] = copy(cell._style)
    else:
        cell._style = copy(style)


def workbook_bytes(tables: list[Table]) -> bytes:
    """The workbook of these sheets, streamed (write-only: 20,000 rows without a cell object each kept)."""
    wb = Workbook(write_only=True)
    for table in tables:
        ws = wb.create_sheet(table.title[:31])
        for i, name in enumerate(table.header):
            letter = _letter(i)
            ws.column_dimensions[letter].width = table.widths.get(i, max(10, min(30, len(name) * 2 + 4)))
        head, styles = [], {}
        for name in table.header:
            c = _cell(ws, name, None, styles)
            c.font = BOLD
            head.append(c)
        ws.append(head)
        formats = table.formats
        for row in table.rows:
            # A plain value where openpyxl writes it as it is (text that cannot start a formula, a number
            # without a format): a cell object only where it carries a style or must be forced to text.
            ws.append([_cell(ws, v, formats.get(i), styles) if (v.startswith(FORMULA_LEAD) if v.__class__ is str
                                                        else v is not None and i in formats) else v
                       for i, v in enumerate(row)])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _C, _V, _F, _T = (_NS + t for t in ("row", "c", "v", "f", "t"))


def _column(ref: str | None, default: int) -> int:
    if not ref:
        return default
    i = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            i = i * 26 + ord(ch) - 64
        else:
            break
    return i - 1 if i else default


def _number(text: str | None):
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        return float(text)


def _sheet_rows(source, strings, max_rows: int, max_cols: int):
    """A sheet's rows by one pass of ElementTree over its XML: what openpyxl's read-only reader gives for
    values (a formula as its text), at a fifth of its time on a 20,000-row register (bench/import_bench.py)."""
    from xml.etree.ElementTree import iterparse
    last = 0
    for _event, el in iterparse(source, events=("end",)):
        if el.tag != _ROW:
            continue
        n = int(el.get("r") or last + 1)
        last = n
        if n > max_rows:
            return
        cells = [None] * max_cols
        for i, c in enumerate(el.iter(_C)):
            col = _column(c.get("r"), i)
            if not 0 <= col < max_cols:
                continue
            kind, f, v = c.get("t", "n"), c.find(_F), c.find(_V)
            if f is not None and f.text:
                cells[col] = "=" + f.text
            elif kind == "s":
                cells[col] = strings[int(v.text)] if v is not None and v.text is not None else None
            elif kind == "inlineStr":
                cells[col] = "".join(t.text or "" for t in c.iter(_T))
            elif kind in ("str", "e", "d"):
                cells[col] = v.text if v is not None else None
            elif kind == "b":
                cells[col] = v is not None and v.text == "1"
            else:
                cells[col] = _number(v.text if v is not None else None)
        el.clear()
        yield n, cells


def _letter(i: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(i + 1)


def read_rows(data: bytes, max_rows: int, max_cols: int):
    """(row number, [cell values]) of the first sheet, up to `max_rows` rows and `max_cols` columns.
    A formula cell reads as its text ("=A1+1"), which is how it is stored: as text.

    openpyxl finds the sheet and its shared strings; the rows are read by _sheet_rows, because openpyxl's
    read-only sheet first parses the whole sheet for its size when the file has no <dimension> (files that
    programs write often lack it), and then parses it again for the rows."""
    try:
        reader = ExcelReader(BytesIO(data), read_only=True, data_only=False)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        path = next((rel.target for _sheet, rel in reader.parser.find_sheets()
                     if rel.target in reader.valid_files and "chartsheet" not in rel.Type), None)
    except Exception as e:  # noqa: BLE001 — BadZipFile, KeyError, InvalidFileException…: all "not readable"
        raise UnreadableWorkbook(str(e)[:200]) from None
    if path is None:
        return
    try:
        with reader.archive.open(path) as source:
            yield from _sheet_rows(source, reader.shared_strings, max_rows, max_cols)
    except Exception as e:  # noqa: BLE001 — a damaged sheet part inside a readable zip
        raise UnreadableWorkbook(str(e)[:200]) from None
    finally:
        reader.archive.close()
