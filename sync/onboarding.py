"""The rules of one row of a household import (OFFICE.md, Estate and households): which columns a file
must have, what each cell may hold, and which rows name the same room. Pure: the server reads the file and
the database; this decides what a row says and what is wrong with it.

A row is keyed by (小区, 楼号, 单元, 房号). Words (住宅, 房产证, 报停…) come in as a vocabulary built from
sync/labels.json by the caller, so the words people type are the words they read everywhere else."""
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

COLUMNS = ("小区", "楼号", "单元", "房号", "户号", "业主姓名", "联系电话", "建筑面积", "面积来源", "用途", "供热状态")
REQUIRED = ("小区", "楼号", "单元", "房号", "业主姓名", "建筑面积")
FIELD = {"小区": "project", "楼号": "building", "单元": "unit", "房号": "room", "户号": "number",
         "业主姓名": "owner_name", "联系电话": "phone", "建筑面积": "area_m2", "面积来源": "area_source",
         "用途": "category", "供热状态": "status"}
# The database's column widths (server/models/estate.py): longer is an error, never a truncation.
LENGTHS = {"小区": 80, "楼号": 20, "单元": 10, "房号": 10, "户号": 20, "业主姓名": 120}
# A flat or shop is from 1 to 2,000 m² of building area; beyond that it is a typing error (issue 13).
MIN_AREA_M2, MAX_AREA_M2 = Decimal("1"), Decimal("2000")
# Which vocabulary of sync/labels.json a word column is read with.
VOCABULARY = {"面积来源": "area_source", "用途": "category", "供热状态": "household_status"}

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")  # 010-12345678, 0316-1234567
_LOCAL = re.compile(r"^[2-9]\d{6,7}$")  # a local number without its area code
_HEADER_NOTE = re.compile(r"[（(][^）)]*[）)]$")  # 建筑面积（m²） reads as 建筑面积


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    code: str
    value: str = ""
    rows: tuple = ()  # the other rows of the same room or household number


@dataclass
class HouseholdRow:
    """What one good row says. Optional cells left empty are None: an existing household keeps its own."""
    row: int
    project: str
    building: str
    unit: str
    room: str
    number: str | None
    owner_name: str
    phone: str | None
    area_m2: Decimal
    area_source: str | None
    category: str | None
    status: str | None

    @property
    def key(self) -> tuple:
        return self.project, self.building, self.unit, self.room


def header_name(cell) -> str:
    """A header cell as the column it names: spaces, a required mark (*) and a note in brackets dropped."""
    text = cell_text(cell).replace(" ", "").replace("\u3000", "").strip("*＊")
    return _HEADER_NOTE.sub("", text)


def find_columns(cells) -> tuple[dict[str, int], list[str]]:
    """{column: index} of the known columns in a header row, and the required ones it lacks."""
    found = {}
    for i, cell in enumerate(cells):
        name = header_name(cell)
        if name in FIELD and name not in found:
            found[name] = i
    return found, [c for c in REQUIRED if c not in found]


def cell_text(value) -> str:
    """A cell as text: 501 and 501.0 are "501"; a text cell as typed, trimmed; empty is ""."""
    if value.__class__ is str:
        s = value.strip()
        return s.replace("\u3000", " ").strip() if "\u3000" in s else s
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (int, Decimal)):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip().replace("\u3000", " ").strip()


def bad_text(s: str) -> bool:
    """A NUL or a lone surrogate (half an emoji): storage cannot hold it (sync/jsontext.py's rule)."""
    if "\x00" in s:
        return True
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def parse_area(value) -> Decimal | str:
    """建筑面积 as Decimal with at most 2 decimals, or the error code: not a number, or outside 1–2,000 m²."""
    if isinstance(value, float):
        # A number cell is a binary double: 65.05 typed may come back as 65.05000000000001 (or as a formula's
        # result). Within a millionth of two decimals it is that; beyond, it has more decimals than an area.
        text = f"{round(value, 2):.2f}" if value == value and abs(value - round(value, 2)) < 1e-6 else repr(value)
    else:
        text = cell_text(value).replace(",", "").replace("，", "")
        for unit in ("平方米", "㎡", "m²", "m2", "M2", "平米"):
            text = text.removesuffix(unit).strip()
    try:
        area = Decimal(text)
    except (InvalidOperation, ValueError):
        return "area_not_number"
    if not area.is_finite():
        return "area_not_number"
    if not MIN_AREA_M2 <= area <= MAX_AREA_M2:
        return "area_out_of_range"
    if area != area.quantize(Decimal("0.01")):
        return "area_not_number"  # more than two decimals: not an area as a certificate writes it
    return area.quantize(Decimal("0.01"))


def normal_phone(value) -> str | None:
    """联系电话 in one form (a mobile's 11 digits, a landline as typed without spaces), or None if malformed."""
    text = re.sub(r"[\s()（）]", "", cell_text(value))
    if text.startswith("+86"):
        text = text[3:].lstrip("-")
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    if _MOBILE.match(text) or _LOCAL.match(text):
        return text
    if _LANDLINE.match(text):
        return text
    return None


def check_row(row: int, values: dict[str, object], vocabulary: dict[str, dict[str, str]]) \
        -> tuple[HouseholdRow | None, list[RowError]]:
    """One data row ({column: cell}) as a HouseholdRow, or the errors that keep it out (one per bad cell)."""
    errors, text = [], {}
    for column in COLUMNS:
        s = cell_text(values.get(column))
        if bad_text(s):
            errors.append(RowError(row, column, "invalid_text"))
            s = ""
        elif not s and column in REQUIRED:
            errors.append(RowError(row, column, "value_missing"))
        elif column in LENGTHS and len(s) > LENGTHS[column]:
            errors.append(RowError(row, column, "value_too_long", s[:40]))
        text[column] = s
    area = None
    if text["建筑面积"]:
        area = parse_area(values.get("建筑面积"))
        if isinstance(area, str):
            errors.append(RowError(row, "建筑面积", area, text["建筑面积"][:40]))
    phone = None
    if text["联系电话"]:
        phone = normal_phone(values.get("联系电话"))
        if phone is None:
            errors.append(RowError(row, "联系电话", "phone_malformed", text["联系电话"][:40]))
    words = {}
    for column, kind in VOCABULARY.items():
        words[column] = None
        if text[column]:
            words[column] = vocabulary[kind].get(text[column]) or vocabulary[kind].get(text[column].lower())
            if words[column] is None:
                errors.append(RowError(row, column, f"{FIELD[column]}_unknown", text[column][:40]))
    if errors:
        return None, errors
    return HouseholdRow(row, text["小区"], text["楼号"], text["单元"], text["房号"], text["户号"] or None,
                        text["业主姓名"], phone, area, words["面积来源"], words["用途"], words["供热状态"]), []


@dataclass(frozen=True)
class RowKey:
    """The room a row names and the household number it gives, whatever else is wrong in it."""
    row: int
    key: tuple | None
    number: str | None


def row_key(row: int, values: dict[str, object]) -> RowKey:
    parts = tuple(cell_text(values.get(c)) for c in ("小区", "楼号", "单元", "房号"))
    return RowKey(row, parts if all(parts) else None, cell_text(values.get("户号")) or None)


def duplicates(rows: list) -> list[RowError]:
    """Rows that name one room, or give one household number (户号) to two rooms: each of them is an error,
    whether or not its other cells are good (rows: RowKey or HouseholdRow)."""
    errors = []
    for column, key in (("房号", lambda r: r.key), ("户号", lambda r: r.number)):
        seen: dict = {}
        for r in rows:
            k = key(r)
            if k is not None:
                seen.setdefault(k, []).append(r.row)
        code = "duplicate_room" if column == "房号" else "duplicate_number"
        for k, where in seen.items():
            if len(where) > 1:
                errors += [RowError(n, column, code, rows=tuple(x for x in where if x != n)) for n in where]
    return errors
