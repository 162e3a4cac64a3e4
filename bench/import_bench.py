"""Onboarding 20,000 households from a file (issue 13, "Speed") against a bare executemany of the same rows.

    .venv/bin/python bench/import_bench.py [--rows 20000] [--runs 3] [--database-url postgresql+psycopg://…]
                                           [--profile]

A fresh database (SQLite in a temporary folder unless --database-url names a PostgreSQL one, which must be
empty), migrated and seeded with the small demo. Each run loads a register of --rows households into a new
project of its own, four ways, and prints the median of each and its ratio to the baseline:

  baseline   the same rows (party, household, account, change_log, audit_log) by executemany of prepared dicts
             in one transaction: no file, no checks, no lookups: the floor of what writing them costs here;
  service    server.imports.service.import_households on the CSV bytes (good_rows): parse, check every cell,
             read the state the file names, write, commit;
  http csv   POST /api/v1/imports/households with the CSV (Flask's test client: multipart, auth, JSON report);
  http xlsx  the same with an .xlsx workbook of the same rows (openpyxl's reader is the larger part).

Measured 2026-12-03 on the shared 2-core box, median of 3 (baseline = 1):
  SQLite:     baseline 1.08 s, service 1.76 s (×1.63), http csv 1.75 s (×1.63), http xlsx 2.56 s (×2.38)
  PostgreSQL: baseline 2.17 s, service 3.32 s (×1.53), http csv 3.71 s (×1.71), http xlsx 4.63 s (×2.13)
Before the changes of its commit: service ×1.7–4.6 (pypinyin once a name), xlsx ×5.8 (openpyxl parsed
the sheet twice: once for its size, since write-only files carry no <dimension>).
"""
import argparse
import csv
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sync.onboarding import COLUMNS  # noqa: E402


def register(project: str, n: int) -> list[list]:
    rows = []
    for k in range(n):
        b, rest = divmod(k, 400)
        unit, r = divmod(rest, 100)
        floor, flat = divmod(r, 4)
        rows.append([project, f"{b + 1}", str(unit + 1), f"{floor + 1}{flat + 1:02d}", "", f"业主{k:05d}",
                     f"139{k:08d}", f"{60 + (k % 9000) / 100:.2f}", "房产证", "住宅", "正常"])
    return rows


def as_csv(rows) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(COLUMNS)
    w.writerows(rows)
    return out.getvalue().encode("gb18030")


def baseline(project_id: int, rows, now) -> None:
    """executemany of the rows the import writes, into the same tables, in one transaction."""
    from decimal import Decimal

    from server.changes import insert_rows
    from server.extensions import db
    from server.models import Account, AuditLog, Building, ChangeLog, Household, Party
    from server.models.base import new_id
    names = sorted({r[1] for r in rows}, key=lambda s: (len(s), s))
    made = db.session.execute(sa.insert(Building).returning(Building.id, Building.name, sort_by_parameter_order=True),
                              [{"project_id": project_id, "name": b} for b in names]).all()
    building = {name: bid for bid, name in made}
    party_ids = db.session.scalars(sa.insert(Party).returning(Party.id, sort_by_parameter_order=True),
                                   [{"kind": "person", "name": r[5], "phone": r[6]} for r in rows]).all()
    households, accounts, audits, changes = [], [], [], []
    for k, (r, pid) in enumerate(zip(rows, party_ids)):
        hid = new_id()
        households.append({"id": hid, "building_id": building[r[1]], "unit": r[2], "room": r[3],
                           "area_m2": Decimal(r[7]), "area_source": "certificate", "category": "residential",
                           "status": "active", "loop_type": "independent", "owner_id": pid, "owner_initials": "yz",
                           "dunning_stage": "none", "created_at": now})
        accounts.append({"household_id": hid, "party_id": pid, "number": f"BX{project_id:03d}{k:07d}",
                         "contract_kind": "de_facto", "valid_from": now.date()})
        audits.append({"at": now, "user_id": None, "action": "household.created", "entity": "household",
                       "entity_id": hid, "before": None, "after": {"owner": r[5], "area_m2": r[7]}, "reason": "bench"})
        changes.append({"household_id": hid, "at": now})
    insert_rows(Household, households)
    insert_rows(Account, accounts)
    insert_rows(AuditLog, audits)
    insert_rows(ChangeLog, changes)
    db.session.commit()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--database-url")
    ap.add_argument("--profile", action="store_true", help="cProfile one service run, top 25 by cumulative time")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="hl-import-bench-")
    url = a.database_url or f"sqlite:///{tmp}/bench.db"
    os.environ.setdefault("HEATLEDGER_SCHEDULER", "0")
    from flask_migrate import upgrade

    from server import create_app, spreadsheet
    from server.demo import seed
    from server.estate import service as estate
    from server.extensions import db
    from server.imports import service
    from server.models import User, utcnow
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "DATA_DIR": tmp, "SECRET_KEY": "bench", "SCHEDULER": False})
    times = {k: [] for k in ("baseline", "service", "http csv", "http xlsx")}
    with app.app_context():
        upgrade()
        seed(40)
        admin_id = db.session.scalar(sa.select(User.id).where(User.username == "admin"))
        client = app.test_client()
        token = client.post("/api/v1/auth/login", json={"username": "admin", "password": "demo-admin"}).get_json()["token"]
        for run in range(a.runs):
            for way in times:
                project = estate.create_project({"name": f"{way}-{run}"}, admin_id)
                rows = register(project["name"], a.rows)
                data = as_csv(rows)
                if way == "http xlsx":
                    data = spreadsheet.workbook_bytes([spreadsheet.Table("住户", list(COLUMNS), rows)])
                db.session.commit()
                start = time.perf_counter()
                if way == "baseline":
                    baseline(project["id"], rows, utcnow())
                elif way == "service":
                    if a.profile and run == 0:
                        import cProfile
                        import pstats
                        prof = cProfile.Profile()
                        prof.enable()
                    report, _ = service.import_households("bench.csv", data, "good_rows", admin_id, False)
                    if a.profile and run == 0:
                        prof.disable()
                        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
                    assert report["imported"] == a.rows and not report["errors"], report["errors"][:3]
                else:
                    name = "bench.xlsx" if way == "http xlsx" else "bench.csv"
                    r = client.post("/api/v1/imports/households", data={"file": (io.BytesIO(data), name),
                                                                        "mode": "good_rows"},
                                    headers={"Authorization": f"Bearer {token}"}, content_type="multipart/form-data")
                    assert r.status_code == 200 and r.get_json()["imported"] == a.rows, r.get_json()
                times[way].append(time.perf_counter() - start)
                db.session.remove()
        engine = db.engine.dialect.name
    base = statistics.median(times["baseline"])
    print(f"{a.rows:,} households, {engine}, median of {a.runs} runs")
    for way, ts in times.items():
        m = statistics.median(ts)
        print(f"  {way:10s} {m:7.2f} s  {a.rows / m:8.0f} rows/s  ×{m / base:5.2f} of the baseline")


if __name__ == "__main__":
    main()
