"""The phone works offline, so two rules exist twice: the allocation preview, 大写 and the receipt check
code in pwa/src, and their originals in sync/; the 楼盘表's state of a flat and floor of a room (pwa/src/grid.js,
sync/grid.py; their fixed cases are tests/fixtures/grid_cases.json). These tests run both on the same random cases."""
import json
import random
import shutil
import subprocess

import pytest

from sync.grid import flat_order, flat_state, floor_of
from sync.money import OpenBill, allocate, daxie
from sync.receipts import check_code
from tests.live_server import REPO

NODE = shutil.which("node")


def run_js(script: str, cases: list) -> list:
    if NODE is None:
        pytest.fail("node is required for the PWA's rules (Node 20 is part of the toolchain)")
    program = f"""
import {{ allocate, daxie }} from {json.dumps(str(REPO / 'pwa/src/money.js'))};
import {{ checkCode }} from {json.dumps(str(REPO / 'pwa/src/receipt.js'))};
import {{ flatState, floorOf, compareFlats }} from {json.dumps(str(REPO / 'pwa/src/grid.js'))};
const cases = JSON.parse(await new Promise(r => {{ let s = ''; process.stdin.on('data', d => s += d);
  process.stdin.on('end', () => r(s)); }}));
const out = [];
for (const c of cases) {{ {script} }}
process.stdout.write(JSON.stringify(out));
"""
    run = subprocess.run([NODE, "--input-type=module", "-e", program], input=json.dumps(cases), text=True,
                         capture_output=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_the_phones_allocation_preview_is_the_servers_allocation():
    rng = random.Random(7)
    seasons = ["2023-2024", "2024-2025", "2025-2026", "2026-2027"]
    cases = []
    for _ in range(400):
        bills = [{"season": s, "balance_fen": rng.choice([0, rng.randint(1, 300000)])}
                 for s in seasons[:rng.randint(1, 4)]]
        cases.append({"bills": bills, "amount": rng.randint(1, 900000),
                      "season": rng.choice([None, rng.choice(seasons)])})
    js = run_js("out.push(allocate(c.bills, c.amount, c.season));", cases)
    for case, got in zip(cases, js):
        allocations, credit = allocate(case["amount"], [OpenBill(b["season"], b["balance_fen"]) for b in case["bills"]],
                                       case["season"])
        assert got == {"allocations": [{"season": a.season, "amount_fen": a.amount_fen} for a in allocations],
                       "credit_fen": credit}, case


def test_the_receipts_daxie_is_the_servers_daxie():
    rng = random.Random(11)
    cases = [0, 5, 50, 100, 120000, 205440, 100805, 1050000, 140950, 32504, 168032, 10000000000] + \
        [rng.randint(0, 10**10) for _ in range(500)]
    js = run_js("out.push(daxie(c));", cases)
    assert js == [daxie(c) for c in cases]


def test_the_phones_receipt_check_code_is_the_one_the_server_verifies():
    rng = random.Random(3)
    cases = [{"secret": f"{rng.getrandbits(128):032x}", "receipt": f"K7Q-{rng.randint(1, 999999):06d}",
              "household": f"hh-{rng.getrandbits(32)}", "amount": rng.randint(1, 10**8),
              "season": rng.choice([None, "2026-2027"])} for _ in range(50)]
    js = run_js("out.push(await checkCode(c.secret, c.receipt, c.household, c.amount, c.season));", cases)
    assert js == [check_code(c["secret"], c["receipt"], c["household"], c["amount"], c["season"]) for c in cases]


def test_the_phones_grid_is_the_offices_grid():
    rng = random.Random(12)
    cases = []
    for _ in range(500):
        due = rng.choice([None, 0, rng.randint(1, 400000)])
        paid = rng.choice([0, due or 0, rng.randint(0, 400000)])
        room = "".join(rng.choice("0123456789-S ") for _ in range(rng.randint(0, 6)))
        cases.append({"status": rng.choice(["active", "suspended", "not_opened", "disconnected"]), "due": due,
                      "paid": paid, "credit": rng.choice([0, 0, rng.randint(1, 9000)]), "room": room,
                      "unit": str(rng.randint(1, 12))})
    js = run_js("out.push([flatState(c.status, c.due, c.paid, c.credit), floorOf(c.room)]);", cases)
    assert js == [[flat_state(c["status"], c["due"], c["paid"], c["credit"]), floor_of(c["room"])] for c in cases]
    order = run_js("out.push(c.map(([unit, room]) => ({unit, room})).sort(compareFlats).map(f => [f.unit, f.room]));",
                   [[[c["unit"], c["room"]] for c in cases[i:i + 25]] for i in range(0, 500, 25)])
    assert order == [sorted(([c["unit"], c["room"]] for c in cases[i:i + 25]), key=lambda f: flat_order(*f))
                     for i in range(0, 500, 25)]
