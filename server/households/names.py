"""How a clerk types a name to find it: pinyin initials (张三明 → zsm, OFFICE.md households search)."""
from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=65536)
def _letter(ch: str) -> str:
    letters = "".join(lazy_pinyin(ch, style=Style.FIRST_LETTER, errors="ignore")).lower()
    return "".join(c for c in letters if "a" <= c <= "z")


def initials(name: str) -> str:
    """The first letter of each character's reading, a character at a time: names share their characters,
    so an import of 20,000 owners asks pypinyin a few thousand times, not 20,000 (bench/import_bench.py)."""
    return "".join(map(_letter, name))
