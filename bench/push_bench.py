"""Push speed (issue 3, "Speed"): 10,000 payments in batches of 500 through the real HTTP server.

    .venv/bin/python bench/push_bench.py [--payments 10000] [--batch 500] [--households 5000] [--runs 3]
                                         [--database-url postgresql+psycopg://…] [--no-pouch] [--op-ids v7|v4]

Prints, each against a baseline measured in the same run (each run on fresh databases, the median of --runs;
request bodies are encoded before the clock starts and answers decoded after it stops, for pouchdb-server too):
- ours: operations per second of POST /api/v1/sync/push (gunicorn, 2 workers, loopback), one client;
- raw: a bare `executemany` of the four rows the merge writes per operation (payment, allocation, change
  log, operation with its stored result) in one transaction per batch, on the same engine type;
  goal ours/raw ≥ 35 %; on SQLite also, for context, the same raw rows into a copy of the server's seeded
  database (the 5,000 households' bills, payments and indexes ours writes into);
- pouchdb-server 4.2.0 (`_bulk_docs` of the same 10,000 documents in batches of 500); goal ours/pouch ≥ 5.
The op_ids are UUIDv7, as the PWA makes them (pwa/src/uuid7.js); --op-ids v4 sends random ones instead,
as another client might (the raw baseline writes whichever the run sent).
PostgreSQL when --database-url (or DATABASE_URL / TEST_DATABASE_URL) names one: an empty database is
created on that server for each run and dropped after.
"""
import argparse
import json
import os
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from server import sqlite_wal  # noqa: E402
from tests.live_server import LiveServer, free_port  # noqa: E402

BEIJING = timezone(timedelta(hours=8))
POUCH_VERSION = "4.2.0"


def call(url, method="GET", body=None, token=None, timeout=300):
    encoded = json.dumps(body).encode() if body is not None else None
    return json.loads(send(url, method, encoded, token, timeout))


def send(url, method, encoded: bytes | None, token=None, timeout=300) -> bytes:
    """One request with a body already encoded; the answer's bytes (decoded by the caller, off the clock)."""
    req = urllib.request.Request(url, data=encoded, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    req.add_header("X-Client-Time", datetime.now(BEIJING).isoformat(timespec="seconds"))
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.read()


def login(server, username):
    return call(server.url + "/api/v1/auth/login", "POST",
                {"username": username, "password": f"demo-{username}", "device_name": "bench"})


def assign_everything(server, admin_token, username="c01"):
    """One collector works every building (via the admin API), so every household is in scope."""
    engine = sa.create_engine(server.database_url)
    with engine.connect() as c:
        refs = [{"project": p, "building": b} for p, b in c.execute(sa.text(
            "SELECT project.name, building.name FROM building JOIN project ON project.id = building.project_id"))]
    engine.dispose()
    call(server.url + f"/api/v1/admin/assignments/{username}", "PUT", {"buildings": refs}, admin_token)


def uuid7() -> str:
    """An op_id as the PWA makes it (pwa/src/uuid7.js): Unix milliseconds first, then random bits."""
    b = bytearray(int(time.time() * 1000).to_bytes(6, "big") + secrets.token_bytes(10))
    b[6] = 0x70 | (b[6] & 0x0F)
    b[8] = 0x80 | (b[8] & 0x3F)
    return str(uuid.UUID(bytes=bytes(b)))


OP_IDS = {"v7": uuid7, "v4": lambda: str(uuid.uuid4())}


def payment_ops(households, n, device_code, op_ids="v7"):
    """n payments, spread so that no household sees the same amount twice (no duplicate_suspect flags)."""
    at = datetime.now(BEIJING).isoformat(timespec="seconds")
    make_id = OP_IDS[op_ids]
    ops = []
    for i in range(n):
        hid, round_ = households[i % len(households)], i // len(households)
        ops.append({"op_id": make_id(), "seq": i + 1, "type": "payment", "household_id": hid, "at": at,
                    "data": {"season": "2026-2027", "amount_fen": 100 + round_, "method": "cash",
                             "receipt_no": f"{device_code}-{i + 1:06d}"}})
    return ops


def bench_ours(server, n, batch, op_ids="v7"):
    admin = login(server, "admin")
    assign_everything(server, admin["token"])
    # The operations' `at` has whole seconds: wait until it cannot fall before the assignments just made,
    # or most payments come back flagged out_of_scope (and open review items) depending on the clock.
    time.sleep(1.0)
    phone = login(server, "c01")
    body = call(server.url + "/api/v1/sync/pull?limit=5000", token=phone["token"])
    households = [h["id"] for h in body["households"] if h["bills"] and h["bills"][-1]["balance_fen"] >= 5000]
    ops = payment_ops(households, n, phone["device_code"], op_ids)
    # The bodies are encoded before the clock starts and the answers decoded after it stops, here and for
    # pouchdb-server alike: what is measured is the server, not this script's JSON.
    bodies = [json.dumps({"device_id": phone["device_id"], "ops": ops[i:i + batch]}).encode()
              for i in range(0, n, batch)]
    started = time.perf_counter()
    answers = [send(server.url + "/api/v1/sync/push", "POST", body, phone["token"]) for body in bodies]
    elapsed = time.perf_counter() - started
    flags = 0
    for text in answers:
        results = json.loads(text)["results"]
        statuses = {r["status"] for r in results}
        assert statuses == {"applied"}, statuses
        flags += sum(bool(r["flags"]) for r in results)
    return n / elapsed, elapsed, ops, flags


# --- the raw baseline: the same four rows per operation, written with executemany

def _table_ddl(dialect):
    from server.models import Allocation, ChangeLog, Operation, Payment
    from sqlalchemy.schema import CreateIndex, CreateTable
    out = []
    for model in (Payment, Allocation, ChangeLog, Operation):
        table = model.__table__
        out.append(str(CreateTable(table, include_foreign_key_constraints=[]).compile(dialect=dialect)))
        out += [str(CreateIndex(ix).compile(dialect=dialect)) for ix in table.indexes]
    return out


def _raw_rows(ops, start_id, bills=None):
    now = datetime.utcnow()
    payments, allocations, changes, operations = [], [], [], []
    for k, op in enumerate(ops):
        pid = start_id + k
        d = op["data"]
        payments.append((pid, "payment", op["op_id"], op["household_id"], d["amount_fen"], d["method"], d["receipt_no"],
                         d["season"], d["season"], now, op["at"], now, now.date(), 1, "dev", "recorded", "[]"))
        allocations.append((pid, bills[op["household_id"]] if bills else pid, d["amount_fen"], "designated", now))
        changes.append((op["household_id"], now))
        result = {"op_id": op["op_id"], "seq": op["seq"], "status": "applied", "flags": [],
                  "receipt_no": d["receipt_no"], "allocations": [{"season": d["season"], "amount_fen": d["amount_fen"]}],
                  "credit_fen": 0, "error": None}
        operations.append((op["op_id"], "dev", 1, op["seq"], "payment", op["household_id"], json.dumps(op),
                           uuid.uuid4().hex * 2, "applied", json.dumps(result), now, now))
    return payments, allocations, changes, operations


RAW_SQL = [
    "INSERT INTO payment (id, kind, op_id, household_id, amount_fen, method, receipt_no, named_season_id, season_id, "
    "collected_at, at_raw, posted_at, posted_on, collector_id, device_id, state, flags) "
    "VALUES ({})".format(", ".join(["{p}"] * 17)),
    "INSERT INTO allocation (payment_id, bill_id, amount_fen, rule, created_at) VALUES ({})".format(
        ", ".join(["{p}"] * 5)),
    "INSERT INTO change_log (household_id, at) VALUES ({p}, {p})",
    "INSERT INTO operation (op_id, device_id, user_id, seq, type, household_id, payload, payload_hash, status, "
    "result, at_corrected, received_at) VALUES ({})".format(", ".join(["{p}"] * 12)),
]


def bench_raw_sqlite(ops, batch, seeded: str | None = None):
    """Into empty tables, or (`seeded`: a copy of the server's database before the run) into the same
    populated tables the server writes to, allocations pointing at the real bills."""
    folder = tempfile.mkdtemp(prefix="hl-raw-")
    path = os.path.join(folder, "raw.db")
    if seeded:
        for suffix in ("", "-wal"):
            if os.path.exists(seeded + suffix):
                shutil.copy(seeded + suffix, path + suffix)
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")  # as the server's connections (server/extensions.py)
    # The served app checkpoints from a thread of its own and leaves SQLite's checkpoint as a backstop at this
    # size (server/sqlite_wal.py): no write in the run waits for one, here either.
    con.execute(f"PRAGMA wal_autocheckpoint={sqlite_wal.BACKSTOP_PAGES}")
    con.execute("PRAGMA cache_size=-32768")  # idem
    from sqlalchemy.dialects import sqlite
    bills, first_id = None, 1
    if seeded:
        bills = dict(con.execute("SELECT household_id, id FROM bill WHERE season_id = ?", (ops[0]["data"]["season"],)))
        first_id = con.execute("SELECT coalesce(max(id), 0) + 1 FROM payment").fetchone()[0]
    else:
        for ddl in _table_ddl(sqlite.dialect()):
            con.execute(ddl)
    sql = [s.replace("{p}", "?") for s in RAW_SQL]
    started = time.perf_counter()
    for i in range(0, len(ops), batch):
        rows = _raw_rows(ops[i:i + batch], first_id + i, bills)
        con.execute("BEGIN IMMEDIATE")
        for statement, params in zip(sql, rows):
            con.executemany(statement, params)
        con.execute("COMMIT")
    elapsed = time.perf_counter() - started
    con.close()
    shutil.rmtree(folder, ignore_errors=True)
    return len(ops) / elapsed


def bench_raw_postgres(url, ops, batch):
    import psycopg
    from sqlalchemy.dialects import postgresql
    u = sa.engine.make_url(url)
    conninfo = u.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as con:
        for ddl in _table_ddl(postgresql.dialect()):
            con.execute(ddl)
        sql = [s.replace("{p}", "%s") for s in RAW_SQL]
        started = time.perf_counter()
        for i in range(0, len(ops), batch):
            rows = _raw_rows(ops[i:i + batch], i + 1)
            with con.transaction(), con.cursor() as cur:
                for statement, params in zip(sql, rows):
                    cur.executemany(statement, params)
        elapsed = time.perf_counter() - started
    return len(ops) / elapsed


# --- pouchdb-server

def pouch_bin():
    if os.environ.get("POUCHDB_SERVER"):  # an installed pouchdb-server binary
        return Path(os.environ["POUCHDB_SERVER"])
    for base in (REPO / "bench", Path(tempfile.gettempdir()) / "hl-pouch"):
        candidate = base / "node_modules" / ".bin" / "pouchdb-server"
        if candidate.exists():
            return candidate
    target = REPO / "bench"
    print(f"installing pouchdb-server@{POUCH_VERSION} into {target}/node_modules (gitignored) …", flush=True)
    subprocess.run(["npm", "i", "--no-audit", "--no-fund", "--no-save", f"pouchdb-server@{POUCH_VERSION}"],
                   cwd=target, check=True, stdout=subprocess.DEVNULL)
    return target / "node_modules" / ".bin" / "pouchdb-server"


def bench_pouch(ops, batch):
    folder = tempfile.mkdtemp(prefix="hl-pouch-")
    port = free_port()
    proc = subprocess.Popen([str(pouch_bin()), "--host", "127.0.0.1", "--port", str(port), "--dir", folder],
                            cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                call(base + "/")
                break
            except Exception:
                time.sleep(0.2)
        call(base + "/payments", "PUT")
        docs = [dict(op, _id=op["op_id"]) for op in ops]
        bodies = [json.dumps({"docs": docs[i:i + batch]}).encode() for i in range(0, len(docs), batch)]
        started = time.perf_counter()
        answers = [send(base + "/payments/_bulk_docs", "POST", body) for body in bodies]
        elapsed = time.perf_counter() - started
        for text in answers:
            answer = json.loads(text)
            assert all(r.get("ok") for r in answer), answer[:3]
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(10)
        shutil.rmtree(folder, ignore_errors=True)
    return len(ops) / elapsed


def postgres_database(url):
    """A fresh, empty database on the server that `url` names: (url of it, drop function)."""
    name = f"hl_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop():
        with admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
    return str(sa.engine.make_url(url).set(database=name)), drop


def run_once(engine_kind, url, args):
    """One measurement on fresh databases: (ours, raw, elapsed, flags, ops)."""
    drops = []
    if engine_kind == "postgresql":
        server_url, drop = postgres_database(url)
        drops.append(drop)
    else:
        server_url = None
    server = LiveServer(households=args.households, database_url=server_url, workers=2)
    seeded = None
    try:
        server.prepare()
        if engine_kind == "sqlite":
            seeded = os.path.join(tempfile.mkdtemp(prefix="hl-seeded-"), "seeded.db")
            shutil.copy(server.database_url[len("sqlite:///"):], seeded)
        server.start()
        ours, elapsed, ops, flags = bench_ours(server, args.payments, args.batch, args.op_ids)
    finally:
        server.close()
    if engine_kind == "postgresql":
        raw_url, drop = postgres_database(url)
        drops.append(drop)
        raw = bench_raw_postgres(raw_url, ops, args.batch)
        populated = None
    else:
        raw = bench_raw_sqlite(ops, args.batch)
        populated = bench_raw_sqlite(ops, args.batch, seeded)
        shutil.rmtree(os.path.dirname(seeded), ignore_errors=True)
    for drop in drops:
        drop()
    return ours, raw, elapsed, flags, ops, populated


def run(engine_kind, url, args):
    """`args.runs` measurements, ours and raw alternating so that both see the machine alike; the medians."""
    ours_all, raw_all, populated_all = [], [], []
    for k in range(args.runs):
        ours, raw, elapsed, flags, ops, populated = run_once(engine_kind, url, args)
        ours_all.append(ours)
        raw_all.append(raw)
        extra = ""
        if populated:
            populated_all.append(populated)
            extra = f" | raw into the seeded tables {populated:8.0f} ops/s, ours/that {ours / populated:6.1%}"
        print(f"{engine_kind:10} run {k + 1}: ours {ours:8.0f} ops/s ({args.payments} payments in {elapsed:.2f} s, "
              f"{flags} flagged) | raw executemany {raw:8.0f} ops/s | ours/raw {ours / raw:6.1%}{extra}", flush=True)
    # Each run's ratio pairs two figures measured back to back, on the machine as it was then; the median of
    # those ratios, not the ratio of two medians taken from different runs.
    ratio = statistics.median(o / r for o, r in zip(ours_all, raw_all))
    ours, raw = statistics.median(ours_all), statistics.median(raw_all)
    print(f"{engine_kind:10} median of {args.runs}: ours {ours:8.0f} ops/s | raw executemany {raw:8.0f} ops/s | "
          f"ours/raw {ratio:6.1%} (median of the runs' ratios; goal ≥ 35 %)", flush=True)
    if populated_all:
        populated = statistics.median(populated_all)
        ratio = statistics.median(o / p for o, p in zip(ours_all, populated_all))
        print(f"{engine_kind:10} median of {args.runs}: raw executemany into a copy of the server's seeded database "
              f"{populated:8.0f} ops/s | ours/that {ratio:6.1%} (for context: the same rows, the same "
              f"populated indexes)", flush=True)
    return ours, ops


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--households", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3, help="measurements on fresh databases; medians reported")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--no-pouch", action="store_true")
    parser.add_argument("--op-ids", choices=sorted(OP_IDS), default="v7",
                        help="v7: time-ordered, as the PWA makes them (default); v4: random")
    args = parser.parse_args()
    ours, ops = run("sqlite", None, args)
    if args.database_url and args.database_url.startswith("postgres"):
        run("postgresql", args.database_url, args)
    if not args.no_pouch:
        pouch = statistics.median(bench_pouch(ops, args.batch) for _ in range(args.runs))
        print(f"pouchdb-server {POUCH_VERSION} _bulk_docs, median of {args.runs}: {pouch:8.0f} docs/s | "
              f"ours (SQLite)/pouch {ours / pouch:5.2f}× (goal ≥ 5×)", flush=True)


if __name__ == "__main__":
    main()
