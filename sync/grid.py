"""A building's grid of flats (楼盘表, issue 12 item 7): the state of one flat in one season, the floor a room
is on, and the order of flats on a floor.

The office's grid (server/estate/service.py) and the phone's, computed offline from its cache
(pwa/src/grid.js), follow these rules; tests/fixtures/grid_cases.json holds the cases both must answer alike
(tests/sync/test_grid_cases.py and pwa/test/grid.test.js read the same file).
"""
import re

STATES = ("paid", "partial", "unpaid", "suspended", "not_opened", "credit")

_NOT_DIGIT = re.compile(r"[^0-9]")  # ASCII digits only, as the phone's JavaScript reads them


def flat_state(status: str, due_fen: int | None, paid_fen: int, credit_fen: int) -> str:
    """A flat's state for one season: `due_fen` None when the household has no bill of that season.

    Not opened (未开通) or without a bill: not_opened; suspended (报停): suspended, whatever it paid; else by
    the season's bill: paid in full (and credit, 预存, beyond all bills: credit), partly paid, or unpaid.
    """
    if status == "not_opened" or due_fen is None:
        return "not_opened"
    if status == "suspended":
        return "suspended"
    if paid_fen >= due_fen:
        return "credit" if credit_fen > 0 else "paid"
    return "partial" if paid_fen > 0 else "unpaid"


def floor_of(room: str) -> int:
    """The floor a room number names: 501 → 5, 1502 → 15, 0502 → 5; a shop's 'S3' or '1' → 1."""
    digits = _NOT_DIGIT.sub("", room)
    return max(int(digits[:-2]), 1) if len(digits) >= 3 else 1


def flat_order(unit: str, room: str) -> tuple[str, str]:
    """Flats on a floor left to right: by unit, then room, numbers compared as numbers up to 4 and 6 digits."""
    return unit.rjust(4, "0"), room.rjust(6, "0")
