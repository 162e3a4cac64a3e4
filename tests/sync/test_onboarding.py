"""What one row of a household import says, and what is wrong with it (sync/onboarding.py; issue 13)."""
from decimal import Decimal

import pytest

from sync.onboarding import COLUMNS, check_row, duplicates, find_columns, normal_phone, parse_area, row_key

VOCABULARY = {"area_source": {"房产证": "certificate", "竣工图": "drawing", "实测": "survey"},
              "category": {"住宅": "residential", "非住宅": "non_residential"},
              "household_status": {"正常": "active", "报停": "suspended"}}


def values(**changes):
    base = dict(zip(COLUMNS, ["丰和园", "3", "2", "501", "", "张三", "13912345678", "85.50", "房产证", "住宅", ""]))
    base.update(changes)
    return base


@pytest.mark.parametrize("cell, area", [
    ("85.5", Decimal("85.50")), (85.5, Decimal("85.50")), (65.05000000000001, Decimal("65.05")), ("1", Decimal("1.00")),
    ("2000", Decimal("2000.00")), ("1,200.25", Decimal("1200.25")), ("90㎡", Decimal("90.00")), (120, Decimal("120.00")),
    ("八十", "area_not_number"), ("85.555", "area_not_number"), ("NaN", "area_not_number"), ("", "area_not_number"),
    ("0.99", "area_out_of_range"), ("2000.01", "area_out_of_range"), ("-5", "area_out_of_range"),
    ("1E+50", "area_out_of_range"), (85.555, "area_not_number")])
def test_a_building_area_is_a_number_of_1_to_2000_square_metres_with_two_decimals(cell, area):
    assert parse_area(cell) == area


@pytest.mark.parametrize("cell, phone", [
    ("13912345678", "13912345678"), (13912345678, "13912345678"), ("139 1234 5678", "13912345678"),
    ("+86 13912345678", "13912345678"), ("8613912345678", "13912345678"), ("010-62345678", "010-62345678"),
    ("0316-1234567", "0316-1234567"), ("62345678", "62345678"), ("12345", None), ("1391234567", None),
    ("23912345678", None), ("电话", None), ("010-6234567890", None)])
def test_a_phone_is_a_mobile_or_a_landline(cell, phone):
    assert normal_phone(cell) == phone


def test_a_good_row_reads_as_its_household_and_empty_optional_cells_as_none():
    row, errors = check_row(2, values(), VOCABULARY)
    assert errors == []
    assert (row.key, row.area_m2, row.area_source, row.category, row.status, row.number) == (
        ("丰和园", "3", "2", "501"), Decimal("85.50"), "certificate", "residential", None, None)


def test_each_bad_cell_of_a_row_is_its_own_error():
    _, errors = check_row(7, values(业主姓名="", 建筑面积="abc", 联系电话="123", 用途="仓库", 面积来源="估计", 供热状态="停用",
                                    房号="x" * 11), VOCABULARY)
    assert [(e.row, e.column, e.code) for e in errors] == [
        (7, "房号", "value_too_long"), (7, "业主姓名", "value_missing"), (7, "建筑面积", "area_not_number"),
        (7, "联系电话", "phone_malformed"), (7, "面积来源", "area_source_unknown"), (7, "用途", "category_unknown"),
        (7, "供热状态", "status_unknown")]


def test_a_nul_or_half_an_emoji_is_an_error_not_a_stored_value():
    _, errors = check_row(3, values(业主姓名="张\x00三", 单元="\ud800"), VOCABULARY)
    assert {(e.column, e.code) for e in errors} == {("业主姓名", "invalid_text"), ("单元", "invalid_text")}


def test_two_rows_for_one_room_are_both_errors_even_when_one_has_other_errors_too():
    keys = [row_key(2, values()), row_key(3, values(建筑面积="abc")), row_key(4, values(房号="502")),
            row_key(5, values(房号="503", 户号="A1")), row_key(6, values(房号="504", 户号="A1"))]
    assert [(e.row, e.column, e.code, e.rows) for e in duplicates(keys)] == [
        (2, "房号", "duplicate_room", (3,)), (3, "房号", "duplicate_room", (2,)),
        (5, "户号", "duplicate_number", (6,)), (6, "户号", "duplicate_number", (5,))]


def test_a_header_row_is_found_by_its_names_with_notes_and_marks_dropped():
    columns, missing = find_columns(["*小区", "楼号 ", "单元", "房号", "业主姓名", "建筑面积（m²）", "备注"])
    assert missing == [] and columns["建筑面积"] == 5 and "户号" not in columns
    assert find_columns(["姓名", "电话"])[1] == ["小区", "楼号", "单元", "房号", "业主姓名", "建筑面积"]
