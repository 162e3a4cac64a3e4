"""An uploaded table as rows of cells: .xlsx through server/spreadsheet.py, .csv decoded as it was written.

CSV from Excel is UTF-8 with a BOM; from WPS and older systems it is GBK, and the names a real register
holds are not all in GBK (𠮷 is not): GB18030 decodes every GBK file and those too. UTF-8 is tried first
(strictly: GBK text is almost never valid UTF-8), then GB18030. Excel's "Unicode text" is UTF-16, tab-separated.
"""
import csv
import io

from ..errors import ApiError
from .. import spreadsheet

MAX_ROWS = 100_000  # data rows; the header and rows above it come on top
MAX_COLUMNS = 40
_HEAD_ROWS = 10  # the header may stand below a title row or two


def decode_text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _csv_rows(data: bytes):
    try:
        text = decode_text(data)
    except (UnicodeDecodeError, UnicodeError):
        raise ApiError("file_unreadable", {"reason": "neither UTF-8 nor GB18030 text"}) from None
    if "\x00" in text:
        raise ApiError("file_unreadable", {"reason": "NUL characters in a text file"})
    first = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first.count) if first else ","
    try:
        for n, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            yield n, row[:MAX_COLUMNS]
    except csv.Error as e:
        raise ApiError("file_unreadable", {"reason": str(e)[:200]}) from None


def rows_of(filename: str, data: bytes):
    """(row number, cells) of the file, by what its bytes are (a renamed file is read as what it is)."""
    name = (filename or "").lower()
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_rows(data)
    if data.startswith(b"\xd0\xcf\x11\xe0") or name.endswith((".xls", ".et")):
        raise ApiError("unsupported_file", {"reason": "an old .xls workbook: save it as .xlsx"})
    if name.endswith((".xlsx", ".xlsm")):
        raise ApiError("file_unreadable", {"reason": "not an .xlsx workbook"})
    if name and not name.endswith((".csv", ".txt", ".tsv")):
        raise ApiError("unsupported_file", {"filename": filename[:120]})
    return _csv_rows(data)


def _xlsx_rows(data: bytes):
    try:
        yield from spreadsheet.read_rows(data, MAX_ROWS + _HEAD_ROWS + 1, MAX_COLUMNS)
    except spreadsheet.UnreadableWorkbook as e:
        raise ApiError("file_unreadable", {"reason": str(e)}) from None


def _blank(cells) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def read_table(filename: str, data: bytes, find_columns) -> tuple[dict[str, int], list[tuple[int, list]]]:
    """The header's columns ({name: index}) and the data rows below it (blank rows left out).
    `find_columns(cells)` → ({column: index}, missing required columns)."""
    rows = iter(rows_of(filename, data))
    columns, missing = None, None
    for n, cells in rows:
        if _blank(cells):
            continue
        found, lacking = find_columns(cells)
        if not lacking:
            columns = found
            break
        if missing is None or len(lacking) < len(missing):
            missing = lacking
        if n >= _HEAD_ROWS:
            break
    if columns is None:
        raise ApiError("header_missing", {"missing": missing or []})
    body = []
    for n, cells in rows:
        if _blank(cells):
            continue
        if len(body) >= MAX_ROWS:
            raise ApiError("too_many_rows", {"max_rows": MAX_ROWS})
        body.append((n, cells))
    return columns, body
