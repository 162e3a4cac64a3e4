"""The words for the domain's codes (payment methods, states, flags, decisions…), read from sync/labels.json:
the one table the PWA, the console and the server's Excel/PDF output share (STYLE.md: one home each)."""
import json
from functools import lru_cache
from pathlib import Path

PATH = Path(__file__).resolve().parent.parent / "sync" / "labels.json"


@lru_cache(maxsize=1)
def table() -> dict:
    return json.loads(PATH.read_text(encoding="utf-8"))


def label(kind: str, code: str | None, lang: str = "zh") -> str:
    """label("method", "cash") → "现金"; an unknown code shows itself (a code added later still reads)."""
    entry = table().get(kind, {}).get(code or "")
    if not entry:
        return code or ""
    return entry.get(lang) or entry["zh"]
