"""The import template (住户导入模板): the register's columns, and a sheet saying what each may hold."""
from sync.onboarding import COLUMNS, MAX_AREA_M2, MIN_AREA_M2, REQUIRED, VOCABULARY

from .. import spreadsheet
from ..labels import table as label_table

SHEET = "住户"
NOTES = {"小区": "须是已建立的小区名称（系统管理员建立）", "楼号": "新楼号会自动建立", "单元": "", "房号": "如 501、1502",
         "户号": "可空：新住户自动编号；已有住户须与系统一致", "业主姓名": "多位共有人以、分隔",
         "联系电话": "手机 11 位，或座机如 010-12345678", "建筑面积": f"平方米，{MIN_AREA_M2}–{MAX_AREA_M2:,}，最多两位小数"}


def _words(column: str) -> str:
    kind = VOCABULARY.get(column)
    return "、".join(e["zh"] for e in label_table()[kind].values()) if kind else ""


def tables() -> list:
    notes = [[c, "是" if c in REQUIRED else "否", NOTES.get(c) or ("可填：" + _words(c))] for c in COLUMNS]
    text = {i: spreadsheet.TEXT for i, c in enumerate(COLUMNS) if c in ("房号", "户号", "联系电话")}
    return [spreadsheet.Table(SHEET, list(COLUMNS), [], text),
            spreadsheet.Table("填写说明", ["列", "必填", "说明"], notes, widths={2: 60})]
