"""Issue 13, item 1: a company loads its register of households from a spreadsheet, and exports it back.

Every bad cell named by row and column; all-or-nothing writes nothing while one remains; good rows writes
the rest; the same file twice changes nothing; CSV as Excel (UTF-8 with BOM) and as WPS or an old system
(GBK, read as GB18030 so that 𠮷 survives) writes it; text that looks like a formula stays text."""
import io

import openpyxl
import pytest
import sqlalchemy as sa

from server import spreadsheet
from sync.onboarding import COLUMNS

PROJECT = "丰和园"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(client, who, data: bytes, name="register.xlsx", mode="check", english=False):
    headers = dict(who.headers)
    if english:
        headers["Accept-Language"] = "en"
    return client.post("/api/v1/imports/households", data={"file": (io.BytesIO(data), name), "mode": mode},
                       headers=headers, content_type="multipart/form-data")


def workbook(rows, header=COLUMNS) -> bytes:
    return spreadsheet.workbook_bytes([spreadsheet.Table("住户", list(header), rows)])


def csv_bytes(rows, encoding="utf-8", bom=False) -> bytes:
    import csv
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(COLUMNS)
    w.writerows(rows)
    data = out.getvalue().encode(encoding)
    return b"\xef\xbb\xbf" + data if bom else data


def row(building="N1", unit="1", room="101", owner="王小明", phone="13912345678", area="85.50", number="",
        source="房产证", use="住宅", status="", project=PROJECT):
    return [project, building, unit, room, number, owner, phone, area, source, use, status]


def register(n: int) -> list[list]:
    """n households of 丰和园 in new buildings N1…: 4 units × 100 rooms a building."""
    rows = []
    for k in range(n):
        b, rest = divmod(k, 400)
        unit, r = divmod(rest, 100)
        floor, flat = divmod(r, 4)
        rows.append(row(f"N{b + 1}", str(unit + 1), f"{floor + 1}{flat + 1:02d}", f"业主{k:05d}",
                        f"139{k:08d}", 60 + (k % 9000) / 100, "", "房产证", "住宅" if k % 50 else "非住宅"))
    return rows


def count(model):
    from server.extensions import db
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def households():
    from server.models import Household
    return count(Household)


def find(client, clerk, q):
    r = client.get("/api/v1/households", query_string={"q": q}, headers=clerk.headers)
    assert r.status_code == 200, r.get_json()
    return r.get_json()["items"]


def export(client, who, **query):
    r = client.get("/api/v1/households/export", query_string={"format": "xlsx", **query}, headers=who.headers)
    assert r.status_code == 200, r.get_data()[:300]
    assert r.mimetype == XLSX
    return openpyxl.load_workbook(io.BytesIO(r.get_data()))


@pytest.mark.slow
def test_a_20000_row_register_with_three_bad_rows_is_reported_then_loaded_once(client, admin, clerk):
    rows = register(20_000)
    rows[99][7] = "八十"  # spreadsheet row 101: area not a number
    rows[4_999][0] = "不存在的小区"  # row 5001: unknown project
    rows[19_998][6] = "12345"  # row 20000: phone malformed
    data = workbook(rows)
    before = households()

    r = upload(client, admin, data, mode="check")
    assert r.status_code == 200, r.get_json()
    report = r.get_json()
    assert set(report) == {"rows", "imported", "updated", "errors"}
    assert report["rows"] == 20_000 and report["imported"] == 0 and report["updated"] == 0
    assert [(e["row"], e["column"], e["code"]) for e in report["errors"]] == [
        (101, "建筑面积", "area_not_number"), (5001, "小区", "unknown_project"), (20000, "联系电话", "phone_malformed")]
    assert report["errors"][0]["message"].startswith("第 101 行「建筑面积」")
    assert households() == before

    r = upload(client, admin, data, mode="all_or_nothing")
    assert r.status_code == 422 and r.get_json() == report
    assert households() == before

    r = upload(client, admin, data, mode="good_rows")
    assert r.status_code == 200, r.get_json()
    assert r.get_json() == dict(report, imported=19_997)
    assert households() == before + 19_997

    r = upload(client, admin, data, mode="good_rows")
    assert r.get_json() == dict(report, imported=0, updated=0)
    assert households() == before + 19_997
    flat = find(client, clerk, "N1-1-101")
    assert [(h["owner_name"], h["area_m2"], h["project"]) for h in flat] == [("业主00000", "60.00", PROJECT)]


def test_a_gbk_csv_with_a_name_outside_gbk_round_trips_through_gb18030(client, admin, clerk):
    data = csv_bytes([row(room="201", owner="𠮷祥云", phone="010-62345678"), row(room="202", owner="欧阳明月")],
                     encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    r = upload(client, admin, data, name="户籍.csv", mode="all_or_nothing")
    assert r.status_code == 200 and r.get_json()["imported"] == 2, r.get_json()
    [flat] = find(client, clerk, "N1-1-201")
    assert flat["owner_name"] == "𠮷祥云"
    detail = client.get(f"/api/v1/households/{flat['id']}", headers=clerk.headers).get_json()
    assert detail["owners"][0]["name"] == "𠮷祥云" and detail["number"].startswith("HY")
    sheet = export(client, clerk, project=PROJECT).worksheets[0]
    names = [c.value for c in next(sheet.iter_cols(min_col=6, max_col=6))]
    assert "𠮷祥云" in names and "欧阳明月" in names


def test_a_utf8_csv_with_a_bom_as_excel_saves_it_is_read(client, admin, clerk):
    data = csv_bytes([row(room="301", owner="张伟、李娜", number="FH-0301")], bom=True)
    r = upload(client, admin, data, name="register.csv", mode="good_rows")
    assert r.get_json() == {"rows": 1, "imported": 1, "updated": 0, "errors": []}
    [flat] = find(client, clerk, "FH-0301")
    assert flat["owner_name"] == "张伟、李娜" and flat["number"] == "FH-0301"


def test_the_template_reads_back_with_the_import_headers(client, admin):
    r = client.get("/api/v1/imports/households/template", headers=admin.headers)
    assert r.status_code == 200 and r.mimetype == XLSX
    wb = openpyxl.load_workbook(io.BytesIO(r.get_data()))
    assert [c.value for c in wb.worksheets[0][1]] == list(COLUMNS)
    assert wb.worksheets[0].max_row == 1
    r = upload(client, admin, r.get_data(), name="template.xlsx")
    assert r.get_json() == {"rows": 0, "imported": 0, "updated": 0, "errors": []}


def test_text_that_looks_like_a_formula_is_stored_and_exported_as_text(client, admin, clerk):
    owners = ["=HYPERLINK(\"http://evil.example\",\"点我\")", "+1+1", "-2+3", "@SUM(A1)"]
    data = csv_bytes([row(room=f"40{i}", owner=o) for i, o in enumerate(owners)])
    assert upload(client, admin, data, name="x.csv", mode="good_rows").get_json()["imported"] == 4
    [flat] = find(client, clerk, "N1-1-400")
    assert flat["owner_name"] == owners[0]
    sheet = export(client, clerk, project=PROJECT).worksheets[0]
    cells = {c.value: c for c in next(sheet.iter_cols(min_col=6, max_col=6)) if c.value in owners}
    assert set(cells) == set(owners)
    assert all(c.data_type == "s" and c.quotePrefix for c in cells.values())
    # an xlsx cell holding a real formula is read as the text it was typed as, and stored so
    wb = openpyxl.Workbook()
    wb.active.append(list(COLUMNS))
    wb.active.append(row(room="501", owner="=1+1"))
    out = io.BytesIO()
    wb.save(out)
    assert wb.active["F2"].data_type == "f"
    assert upload(client, admin, out.getvalue(), mode="good_rows").get_json()["imported"] == 1
    assert find(client, clerk, "N1-1-501")[0]["owner_name"] == "=1+1"


def test_the_export_has_each_seasons_due_paid_and_balance_as_yuan_numbers(client, clerk):
    sheet = export(client, clerk, project="华远·静园").worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:11] == list(COLUMNS)
    assert header[11:14] == ["2024-2025 应收(元)", "2024-2025 已收(元)", "2024-2025 欠费(元)"]
    assert header[-3:] == ["2026-2027 应收(元)", "2026-2027 已收(元)", "2026-2027 欠费(元)"]
    from server.extensions import db
    from server.models import Bill, Building, Household, Project
    due = db.session.scalar(sa.select(sa.func.sum(Bill.due_fen)).join(Household, Household.id == Bill.household_id)
                            .join(Building, Building.id == Household.building_id)
                            .join(Project, Project.id == Building.project_id)
                            .where(Project.name == "华远·静园", Bill.season_id == "2026-2027"))
    cells = [r[-3] for r in sheet.iter_rows(min_row=2)]
    assert all(isinstance(c.value, (int, float)) and c.number_format == "#,##0.00" for c in cells)
    assert round(sum(c.value for c in cells) * 100) == due
    assert all(isinstance(r[7].value, (int, float)) and r[7].number_format == "0.00" for r in sheet.iter_rows(min_row=2))


def test_an_exported_register_imported_again_changes_nothing(client, admin, clerk):
    r = client.get("/api/v1/households/export", headers=clerk.headers)
    before = households()
    answer = upload(client, admin, r.get_data(), mode="all_or_nothing").get_json()
    assert answer == {"rows": before, "imported": 0, "updated": 0, "errors": []}


def test_a_changed_row_updates_its_household_with_an_audit_record(client, admin, clerk):
    upload(client, admin, csv_bytes([row(room="601"), row(room="602")]), name="a.csv", mode="good_rows")
    changed = csv_bytes([row(room="601", area="90.25", phone="13800001111", source="实测"), row(room="602")])
    r = upload(client, admin, changed, name="b.csv", mode="good_rows")
    assert r.get_json() == {"rows": 2, "imported": 0, "updated": 1, "errors": []}
    [flat] = find(client, clerk, "N1-1-601")
    detail = client.get(f"/api/v1/households/{flat['id']}", headers=clerk.headers).get_json()
    assert detail["area_m2"] == "90.25" and detail["area_source"] == "survey"
    audit = client.get("/api/v1/audit", query_string={"household_id": flat["id"], "action": "household.imported"},
                       headers=clerk.headers).get_json()["items"]
    assert len(audit) == 1
    assert audit[0]["before"]["area_m2"] == "85.50" and audit[0]["after"]["area_m2"] == "90.25"
    assert audit[0]["after"]["phone"] == "13800001111" and audit[0]["reason"] == "导入 b.csv"


def test_an_import_does_not_change_a_heating_state(client, admin):
    upload(client, admin, csv_bytes([row(room="701")]), name="a.csv", mode="good_rows")
    r = upload(client, admin, csv_bytes([row(room="701", status="报停")]), name="a.csv", mode="good_rows")
    assert [(e["row"], e["column"], e["code"]) for e in r.get_json()["errors"]] == [(2, "供热状态", "status_change")]
    assert r.get_json()["updated"] == 0


def test_two_rows_for_one_room_are_both_errors_and_each_cell_is_named(client, admin):
    rows = [row(room="801"), row(room="801", owner="李四"), row(room="802", area="2500"), row(room="803", use="仓库"),
            row(room="804", source="估算"), row(room="805", owner=""), row(room="806", status="停用")]
    r = upload(client, admin, csv_bytes(rows), name="x.csv", mode="all_or_nothing", english=True)
    assert r.status_code == 422
    errors = r.get_json()["errors"]
    assert [(e["row"], e["column"], e["code"]) for e in errors] == [
        (2, "房号", "duplicate_room"), (3, "房号", "duplicate_room"), (4, "建筑面积", "area_out_of_range"),
        (5, "用途", "category_unknown"), (6, "面积来源", "area_source_unknown"), (7, "业主姓名", "value_missing"),
        (8, "供热状态", "status_unknown")]
    assert errors[0]["message"] == "Row 2, column 房号: Another row of the file is the same room (rows 3)"
    r = upload(client, admin, csv_bytes(rows), name="x.csv", mode="check")
    assert r.get_json()["errors"][1]["message"] == "第 3 行「房号」：文件中有另一行是同一房间（第 2 行）"


def test_a_household_number_of_another_household_is_an_error(client, admin):
    r = upload(client, admin, csv_bytes([row(room="901", number="HY0000001")]), name="x.csv", mode="check")
    assert [e["code"] for e in r.get_json()["errors"]] == ["number_taken"]


def test_files_that_are_not_a_register_are_refused_with_a_clear_error(client, admin, app):
    cases = [(b"\xd0\xcf\x11\xe0" + b"\0" * 100, "old.xls", 415, "unsupported_file"),
             (b"PK\x03\x04 not really a zip", "broken.xlsx", 400, "file_unreadable"),
             ("姓名,电话\n张三,1\n".encode(), "other.csv", 400, "header_missing"),
             (b"%PDF-1.4", "scan.pdf", 415, "unsupported_file")]
    for data, name, status, code in cases:
        r = upload(client, admin, data, name=name)
        assert (r.status_code, r.get_json()["error"]["code"]) == (status, code), (name, r.get_json())
    app.config["IMPORT_MAX_BYTES"] = 1000
    r = upload(client, admin, csv_bytes([row(room=str(i)) for i in range(100, 200)]), name="big.csv")
    assert r.status_code == 413 and r.get_json()["error"]["code"] == "file_too_large"
    assert r.get_json()["error"]["details"] == {"max_bytes": 1000}
    r = client.post("/api/v1/imports/households", data={"mode": "check"}, headers=admin.headers)
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "validation_failed"
    r = upload(client, admin, csv_bytes([row()]), name="x.csv", mode="everything")
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "validation_failed"


def test_an_admin_creates_a_project_and_a_building_and_the_import_fills_them(client, admin, clerk):
    r = client.post("/api/v1/admin/projects", json={"name": "新城花园", "heat_source": "gas_boiler"},
                    headers=admin.headers)
    assert r.status_code == 201, r.get_json()
    project = r.get_json()
    assert project["name"] == "新城花园" and project["collection_mode"] == "self" and project["buildings"] == []
    r = client.post("/api/v1/admin/projects", json={"name": "新城花园"}, headers=admin.headers)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "project_exists"
    r = client.post("/api/v1/admin/projects", json={"name": "代收园", "collection_mode": "property_agent"},
                    headers=admin.headers)
    assert r.status_code == 400 and "property_company" in r.get_json()["error"]["details"]["fields"]
    r = client.post(f"/api/v1/admin/projects/{project['id']}/buildings", json={"name": "1"}, headers=admin.headers)
    assert r.status_code == 201 and r.get_json() == {"id": r.get_json()["id"], "name": "1", "units": 0, "households": 0}
    r = client.post(f"/api/v1/admin/projects/{project['id']}/buildings", json={"name": "1"}, headers=admin.headers)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "building_exists"
    r = client.post("/api/v1/admin/projects/999999/buildings", json={"name": "1"}, headers=admin.headers)
    assert r.status_code == 404
    rows = [row(project="新城花园", building="1", room="101"), row(project="新城花园", building="2", room="101")]
    assert upload(client, admin, csv_bytes(rows), name="x.csv", mode="good_rows").get_json()["imported"] == 2
    listed = {p["name"]: p for p in client.get("/api/v1/projects", headers=clerk.headers).get_json()["items"]}
    assert [(b["name"], b["units"], b["households"]) for b in listed["新城花园"]["buildings"]] == [("1", 1, 1), ("2", 1, 1)]


def test_imported_households_reach_the_phone_of_the_collector_of_their_building(client, admin, make_phone, desk):
    desk.assign("c05", [{"project": "华远·静园", "building": "1"}])
    upload(client, admin, csv_bytes([row(project="华远·静园", building="1", unit="9", room="901", owner="新住户")]),
           name="x.csv", mode="good_rows")
    c05 = make_phone("c05")
    c05.pull_all()
    assert "新住户" in {h["owner_name"] for h in c05.households.values()}
