"""The grid rules (sync/grid.py) on the cases the phone's copy (pwa/src/grid.js, pwa/test/grid.test.js) reads too."""
import json
from pathlib import Path

import pytest

from sync.grid import STATES, flat_order, flat_state, floor_of

CASES = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "grid_cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES["state"], ids=lambda c: f"{c['status']}-{c['due_fen']}-{c['paid_fen']}-{c['credit_fen']}")
def test_a_flats_state(case):
    assert flat_state(case["status"], case["due_fen"], case["paid_fen"], case["credit_fen"]) == case["state"]


def test_the_cases_cover_every_state():
    assert {c["state"] for c in CASES["state"]} == set(STATES)


@pytest.mark.parametrize("case", CASES["floor"], ids=lambda c: c["room"] or "empty")
def test_the_floor_a_room_is_on(case):
    assert floor_of(case["room"]) == case["floor"]


@pytest.mark.parametrize("case", CASES["order"])
def test_the_order_of_flats_on_a_floor(case):
    assert sorted(map(tuple, case["flats"]), key=lambda f: flat_order(*f)) == list(map(tuple, case["sorted"]))
