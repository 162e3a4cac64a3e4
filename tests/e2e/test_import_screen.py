"""Issue 13: an admin loads a register in real Chromium at 1366×768: checks a file with errors, sees each bad
cell marked in the report, imports all-or-nothing (nothing written), fixes the file, checks it clean and
imports it; then exports the register."""
from urllib.parse import quote

import pytest

from e2e_support import api, server_login
from test_console import console_sign_in, desktop  # noqa: F401  (fixture)

pytestmark = pytest.mark.e2e
HEADER = "小区,楼号,单元,房号,户号,业主姓名,联系电话,建筑面积,面积来源,用途,供热状态"


def register(path, rows):
    path.write_bytes(("\n".join([HEADER, *rows]) + "\n").encode("gb18030"))  # as WPS saves a CSV
    return str(path)


def test_an_admin_imports_a_register_with_errors_fixes_it_and_imports_it(server, desktop, shots, tmp_path):  # noqa: F811
    bad = register(tmp_path / "register.csv", [
        "华远·静园,E1,1,101,,𠮷祥云,13912340001,85.50,房产证,住宅,正常",
        "华远·静园,E1,1,102,,王小明,13912340002,八十,房产证,住宅,正常",
        "华远·静园,E1,1,103,,李四,13912340003,90,房产证,住宅,正常",
        "华远·静园,E1,1,103,,张三,12345,90,房产证,仓库,正常",
        "不存在的小区,E1,1,104,,赵六,13912340005,70,房产证,住宅,正常"])
    page = console_sign_in(server, desktop, "admin", "/console/admin/imports")
    page.locator("[data-testid=nav-imports]").wait_for()
    page.set_input_files("input[data-testid=import-file]", bad)
    assert page.locator("[data-testid=import-all]").is_disabled()  # a file is checked before it is imported
    page.click("[data-testid=import-check]")
    report = page.locator("[data-testid=import-report][data-mode=check]")
    report.wait_for()
    assert report.get_attribute("data-errors") == "6"
    for row, column, text in [(3, "建筑面积", "不是数字"), (4, "房号", "同一房间"), (5, "房号", "同一房间"),
                              (5, "联系电话", "格式不正确"), (5, "用途", "住宅"), (6, "小区", "没有这个小区")]:
        cell = page.locator(f"[data-testid='cell-{row}-{column}']")
        assert "cell-bad" in cell.get_attribute("class") and text in cell.inner_text(), (row, column)
    assert page.locator("table[data-testid=import-errors] tbody tr").count() == 4
    background = page.eval_on_selector("[data-testid='cell-3-建筑面积']", "e => getComputedStyle(e).backgroundColor")
    assert background == "rgb(253, 232, 231)"  # marked, not only listed
    page.screenshot(path=str(shots / "console-import-errors.png"))

    page.click("[data-testid=import-all]")
    page.locator("[data-testid=import-report][data-mode=all_or_nothing]").wait_for()
    assert "未导入任何数据" in page.inner_text("[data-testid=import-summary]")
    clerk = server_login(server, "clerk")
    status, body = api(server, "GET", "/households?q=" + quote("E1-1-101"), clerk["token"])
    assert status == 200 and body["total"] == 0

    fixed = register(tmp_path / "register-fixed.csv", [
        "华远·静园,E1,1,101,,𠮷祥云,13912340001,85.50,房产证,住宅,正常",
        "华远·静园,E1,1,102,,王小明,13912340002,80,房产证,住宅,正常",
        "华远·静园,E1,1,103,,李四,13912340003,90,房产证,住宅,正常",
        "华远·静园,E1,1,105,,张三,13912340004,90,房产证,非住宅,正常",
        "丰和园,E1,1,104,,赵六,13912340005,70,房产证,住宅,正常"])
    page.set_input_files("input[data-testid=import-file]", fixed)
    assert page.locator("[data-testid=import-report]").count() == 0  # a new file: the old report is gone
    page.click("[data-testid=import-check]")
    page.locator("[data-testid=import-report][data-mode=check][data-errors='0']").wait_for()
    page.click("[data-testid=import-all]")
    page.locator("[data-testid=import-report][data-mode=all_or_nothing]").wait_for()
    assert "新建 5 户" in page.inner_text("[data-testid=import-summary]")
    page.screenshot(path=str(shots / "console-import-done.png"))
    status, body = api(server, "GET", "/households?q=" + quote("E1-1-101"), clerk["token"])
    assert [h["owner_name"] for h in body["items"]] == ["𠮷祥云"]

    page.select_option("select[name=export-project]", "华远·静园")
    with page.expect_download(timeout=120_000) as got:
        page.click("[data-testid=export-xlsx]")
    assert open(got.value.path(), "rb").read(4) == b"PK\x03\x04"
