"""sync/ is the pure core: no framework, no database, no I/O, no clock, no randomness (STYLE.md habit 1).

Read with ast, never imported, so a module that would do I/O at import time is caught without running it.
"""

import ast
from pathlib import Path

import pytest

SYNC = Path(__file__).resolve().parents[2] / "sync"

ALLOWED_IMPORTS = frozenset({
    "__future__", "abc", "base64", "collections", "dataclasses", "datetime", "decimal", "enum",
    "functools", "hashlib", "hmac", "itertools", "json", "math", "re", "typing", "uuid", "zoneinfo",
    "sync",
})

# Calls that read the clock or touch the outside world; times and ids come in as arguments.
FORBIDDEN_NAMES = frozenset({"open", "input", "print", "eval", "exec", "__import__", "breakpoint"})
FORBIDDEN_ATTRIBUTES = frozenset({"now", "today", "utcnow", "fromtimestamp", "utcfromtimestamp"})

MODULES = sorted(SYNC.rglob("*.py"))


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.append((node.lineno, node.module or ""))
    return found


def impure_calls(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_NAMES:
            found.append((node.lineno, node.func.id))
        elif isinstance(node.func, ast.Attribute) and node.func.attr in FORBIDDEN_ATTRIBUTES:
            found.append((node.lineno, node.func.attr))
    return found


def test_the_walk_finds_the_sync_modules():
    names = {path.name for path in MODULES}
    assert {"__init__.py", "money.py"} <= names


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(SYNC)) for p in MODULES])
def test_a_sync_module_imports_only_the_standard_library_allow_list_or_sync_itself(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    outside = [
        f"{path.name}:{line} imports {name}"
        for line, name in imported_modules(tree)
        if name.split(".")[0] not in ALLOWED_IMPORTS
    ]
    assert not outside, "sync/ must stay pure: " + "; ".join(outside)


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(SYNC)) for p in MODULES])
def test_a_sync_module_never_reads_the_clock_or_does_io(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    calls = [f"{path.name}:{line} calls {name}()" for line, name in impure_calls(tree)]
    assert not calls, "time and ids come in as arguments: " + "; ".join(calls)


def test_the_purity_check_would_catch_an_impure_module():
    tree = ast.parse(
        "import flask\nfrom sqlalchemy import select\nimport random\nfrom datetime import datetime\n"
        "stamp = datetime.now()\nopen('x')\n"
    )
    assert [name for _, name in imported_modules(tree) if name not in ALLOWED_IMPORTS] == [
        "flask", "sqlalchemy", "random",
    ]
    assert [name for _, name in impure_calls(tree)] == ["now", "open"]
