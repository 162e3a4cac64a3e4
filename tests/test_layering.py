"""The architecture as a test (STYLE.md habit 8, the layout): who may import what.

sync/ is pure; each heavy dependency lives in exactly one module of the product (server/, sync/), so a
slow or fragile library never leaks into request code by accident. Read with ast, never imported.
"""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = sorted([*(ROOT / "server").rglob("*.py"), *(ROOT / "sync").rglob("*.py")])
IMPURE_FOR_SYNC = {"flask", "sqlalchemy", "flask_sqlalchemy", "marshmallow", "server", "weasyprint", "apscheduler",
                   "openpyxl", "requests", "socket", "os", "subprocess", "threading", "time", "random", "sqlite3",
                   "psycopg", "pathlib", "logging", "io", "shutil", "tempfile", "urllib", "http"}
OWNERS = {"weasyprint": "server/documents/pdf.py", "apscheduler": "server/jobs.py",
          "openpyxl": "server/spreadsheet.py", "PIL": "server/sync_api/attachments.py",
          "gunicorn": "server/gunicorn_config.py", "fontTools": "server/documents/fonts.py",
          "segno": "server/documents/qr.py"}


def top_level_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def importers(package: str) -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in PRODUCT if package in top_level_imports(p))


def test_the_walk_sees_the_product():
    names = {str(p.relative_to(ROOT)) for p in PRODUCT}
    assert {"sync/money.py", "server/__init__.py", *OWNERS.values()} <= names


@pytest.mark.parametrize("path", [p for p in PRODUCT if p.is_relative_to(ROOT / "sync")],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_sync_imports_nothing_impure(path):
    assert not top_level_imports(path) & IMPURE_FOR_SYNC


@pytest.mark.parametrize("package", sorted(OWNERS))
def test_each_heavy_dependency_is_imported_by_exactly_one_module(package):
    assert importers(package) == [OWNERS[package]]
