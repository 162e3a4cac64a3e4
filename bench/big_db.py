"""A big journal (issue 11: "on a database of 1,000,000 payments …") and where a sync cycle's time goes in it.

    .venv/bin/python bench/big_db.py [--households 100000] [--payments 1000000] [--keep PATH]
                                     [--database-url postgresql+psycopg://… | --postgres]

Builds the demo database (`flask demo-seed --households N`), then adds old payments with `executemany`
(COPY on PostgreSQL) until the journal holds --payments, spread over every household and the three seasons
(about two thirds in the open and the previous season, as in the issue's database). Then one collector, given
one building of 40 households, pulls its scope and pushes 10 payments through the app (Flask's test client,
the product's own queries), and every SQL statement of that cycle is timed; the slowest are shown with their
plan (EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on PostgreSQL). This is done twice on SQLite: with the
statistics removed (sqlite_stat1 emptied: a database the product never analysed) and as the product leaves
the database now; the pull's payments query is timed in both (median of 7).

The added payments are prepayments (预存: no allocation), so the bills and DESIGN.md's invariants stay true.
"""
import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SHANGHAI = timezone(timedelta(hours=8))
# Where old payments fall: the oldest season a third, the previous and the open season two thirds.
SEASON_WEIGHTS = {"2024-2025": 0.345, "2025-2026": 0.4, "2026-2027": 0.255}
COLUMNS = ("kind", "op_id", "household_id", "amount_fen", "method", "receipt_no", "named_season_id", "season_id",
           "collected_at", "posted_at", "posted_on", "state", "flags")


def _driver_url(url):
    u = sa.engine.make_url(url)
    return u.set(drivername="postgresql").render_as_string(hide_password=False)


def add_history(database_url: str, total: int, seed: int = 7) -> int:
    """Add payments (prepayments, no allocation) until the journal holds `total`; returns how many were added."""
    engine = sa.create_engine(database_url)
    with engine.connect() as c:
        have = c.execute(sa.text("SELECT count(*) FROM payment")).scalar()
        households = list(c.execute(sa.text("SELECT id FROM household ORDER BY id")).scalars())
    engine.dispose()
    need = total - have
    if need <= 0:
        return 0
    rng = random.Random(seed)
    seasons, weights = list(SEASON_WEIGHTS), list(SEASON_WEIGHTS.values())
    now = datetime.utcnow()

    def rows():
        for k in range(need):
            season = rng.choices(seasons, weights)[0]
            start = datetime(int(season[:4]), 5, 1)  # the season's payment window opens on May 1
            when = min(start + timedelta(minutes=rng.randrange(60 * 24 * 300)), now - timedelta(days=1))
            when = when.replace(microsecond=0)
            yield ("payment", str(uuid.UUID(int=rng.getrandbits(128), version=4)), rng.choice(households),
                   100 + rng.randrange(50000), "cash", f"OLD-{k + 1:07d}", season, season, when, when,
                   (when + timedelta(hours=8)).date(), "recorded", "[]")

    started = time.perf_counter()
    if database_url.startswith("sqlite"):
        import sqlite3
        con = sqlite3.connect(database_url[len("sqlite:///"):], isolation_level=None)
        sql = f"INSERT INTO payment ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
        con.execute("BEGIN")
        batch = []
        for row in rows():
            batch.append((*row[:8], row[8].isoformat(sep=" "), row[9].isoformat(sep=" "), row[10].isoformat(),
                          *row[11:]))
            if len(batch) == 50_000:
                con.executemany(sql, batch)
                batch = []
        con.executemany(sql, batch)
        con.execute("COMMIT")
        con.close()
    else:
        import psycopg
        with psycopg.connect(_driver_url(database_url)) as con, con.cursor() as cur:
            with cur.copy(f"COPY payment ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows():
                    copy.write_row(row)
    print(f"big_db: {need} payments added in {time.perf_counter() - started:.1f} s ({total} in the journal)",
          flush=True)
    return need


# --- where the time goes

class Statements:
    """Every statement the app runs, with its time (SQLAlchemy's cursor events)."""

    def __init__(self, engine):
        self.rows, self.engine = [], engine
        sa.event.listen(engine, "before_cursor_execute", self.before)
        sa.event.listen(engine, "after_cursor_execute", self.after)

    def before(self, conn, cursor, statement, parameters, context, executemany):
        conn.info["t0"] = time.perf_counter()

    def after(self, conn, cursor, statement, parameters, context, executemany):
        self.rows.append((time.perf_counter() - conn.info.pop("t0"), statement, parameters, executemany))

    def close(self):
        sa.event.remove(self.engine, "before_cursor_execute", self.before)
        sa.event.remove(self.engine, "after_cursor_execute", self.after)


def plan(conn, statement, parameters) -> str:
    raw = conn.connection.dbapi_connection
    cur = raw.cursor()
    if conn.dialect.name == "sqlite":
        cur.execute("EXPLAIN QUERY PLAN " + statement, parameters)
        return "\n".join(f"      {r[3]}" for r in cur.fetchall())
    cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
    return "\n".join(f"      {r[0]}" for r in cur.fetchall())


def cycle(app, label, show=6):
    """One collector (c01, one building) pulls its scope, pushes 10 payments, pulls again: each statement
    timed; the slowest shown with their plans. Returns the pull's total ms and the payments query's ms."""
    from server.extensions import db
    client = app.test_client()

    def login(user):
        r = client.post("/api/v1/auth/login", json={"username": user, "password": f"demo-{user}", "device_name": "b"})
        assert r.status_code == 200, r.get_json()
        return r.get_json()

    admin = login("admin")
    with app.app_context():
        ref = db.session.execute(sa.text("SELECT project.name, building.name FROM building JOIN project ON "
                                         "project.id = building.project_id ORDER BY building.id LIMIT 1")).one()
    r = client.put("/api/v1/admin/assignments/c01", json={"buildings": [{"project": ref[0], "building": ref[1]}]},
                   headers={"Authorization": f"Bearer {admin['token']}"})
    assert r.status_code == 200, r.get_json()
    time.sleep(1.1)
    phone = login("c01")
    headers = {"Authorization": f"Bearer {phone['token']}"}
    with app.app_context():
        stmts = Statements(db.engine)
    try:
        t0 = time.perf_counter()
        r = client.get("/api/v1/sync/pull?limit=1000", headers=headers)
        pull_ms = (time.perf_counter() - t0) * 1000
        assert r.status_code == 200, r.get_json()
        body = r.get_json()
        pull_rows = list(stmts.rows)
        stmts.rows.clear()
        at = datetime.now(SHANGHAI).isoformat(timespec="seconds")
        ops = [{"op_id": str(uuid.uuid4()), "seq": i + 1, "type": "payment", "household_id": h["id"], "at": at,
                "data": {"season": "2026-2027", "amount_fen": 777 + i, "method": "cash",
                         "receipt_no": f"{phone['device_code']}-{i + 1:06d}"}}
               for i, h in enumerate(body["households"][:10])]
        t0 = time.perf_counter()
        r = client.post("/api/v1/sync/push", json={"device_id": phone["device_id"], "ops": ops},
                        headers={**headers, "X-Client-Time": at})
        push_ms = (time.perf_counter() - t0) * 1000
        assert r.status_code == 200 and {x["status"] for x in r.get_json()["results"]} == {"applied"}, r.get_json()
        push_rows = list(stmts.rows)
    finally:
        stmts.close()
    print(f"\n--- {label}: pull of {len(body['households'])} households "
          f"({sum(len(h['payments']) for h in body['households'])} payments listed) {pull_ms:.0f} ms, "
          f"push of 10 payments {push_ms:.0f} ms", flush=True)
    payments_ms = None
    with app.app_context():
        conn = db.session.connection()
        for name, rows in (("pull", pull_rows), ("push", push_rows)):
            total = sum(r[0] for r in rows) * 1000
            print(f"  {name}: {len(rows)} statements, {total:.1f} ms in the database; the slowest:")
            for seconds, statement, parameters, many in sorted(rows, key=lambda r: -r[0])[:show]:
                first = " ".join(statement.split())[:160]
                print(f"    {seconds * 1000:8.2f} ms  {first}")
                if not many and statement.lstrip().upper().startswith("SELECT"):
                    print(plan(conn, statement, parameters))
        # The pull's payments query alone, repeated (the one the issue measured at 549–584 ms).
        query = next(r for r in pull_rows if r[1].lstrip().startswith("SELECT payment.id")
                     and "FROM payment" in r[1] and "payment.household_id IN" in r[1])
        raw = conn.connection.dbapi_connection
        times = []
        for _ in range(7):
            cur = raw.cursor()
            t0 = time.perf_counter()
            cur.execute(query[1], query[2])
            cur.fetchall()
            times.append((time.perf_counter() - t0) * 1000)
        payments_ms = statistics.median(times)
        print(f"  the pull's payments query alone: {payments_ms:.2f} ms (median of 7)")
        db.session.rollback()
    return pull_ms, payments_ms


def make_app(url, data_dir):
    from server import create_app
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "DATA_DIR": data_dir, "SECRET_KEY": "big-db",
                       "ATTACHMENTS_DIR": os.path.join(data_dir, "attachments"),
                       "DOCUMENTS_DIR": os.path.join(data_dir, "documents")})


def build(url, households, payments, data_dir):
    """The demo database and the added history; a kept SQLite file (--keep) is only migrated again."""
    env = {"DATABASE_URL": url, "HEATLEDGER_DATA_DIR": data_dir, "FLASK_APP": "server"}
    kept = url.startswith("sqlite") and os.path.exists(url[len("sqlite:///"):])
    started = time.perf_counter()
    steps = [["db", "upgrade"]] + ([] if kept else [["demo-seed", "--households", str(households)]])
    for args in steps:
        subprocess.run([sys.executable, "-m", "flask", "--app", "server", *args], cwd=REPO, check=True,
                       env=dict(os.environ, **env), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not kept:
        print(f"big_db: demo-seed of {households} households in {time.perf_counter() - started:.1f} s", flush=True)
    add_history(url, payments)


def run(label, url, args, data_dir):
    build(url, args.households, args.payments, data_dir)
    app = make_app(url, data_dir)
    from server.extensions import db
    if url.startswith("sqlite"):
        with app.app_context():
            had = db.session.execute(sa.text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")).scalar()
            rows = db.session.execute(sa.text("SELECT count(*) FROM sqlite_stat1")).scalar() if had else 0
            print(f"{label}: sqlite_stat1 {'has ' + str(rows) + ' rows' if had else 'does not exist'} "
                  f"as the database was built", flush=True)
            if had:
                db.session.execute(sa.text("DELETE FROM sqlite_stat1"))
                db.session.commit()
            db.session.remove()
            db.engine.dispose()
        app = make_app(url, data_dir)
        before = cycle(app, f"{label}, without statistics")
        with app.app_context():
            db.engine.dispose()
        app = make_app(url, data_dir)
        # What the product does to a database of its own now (server/stats.py), then a fresh process.
        from server import stats
        with app.app_context():
            t0 = time.perf_counter()
            stats.gather(db.engine)
            print(f"{label}: statistics gathered in {(time.perf_counter() - t0) * 1000:.0f} ms", flush=True)
            db.engine.dispose()
        app = make_app(url, data_dir)
        after = cycle(app, f"{label}, with statistics")
        print(f"\n{label}: pull {before[0]:.0f} → {after[0]:.0f} ms; the payments query {before[1]:.2f} → "
              f"{after[1]:.2f} ms", flush=True)
    else:
        cycle(app, label)
    with app.app_context():
        db.engine.dispose()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--payments", type=int, default=1_000_000)
    parser.add_argument("--keep", help="SQLite: build (or reuse) the database at this path and keep it")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL (scripts/pg.sh)")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="hl-big-")
    if not args.no_sqlite:
        path = args.keep or os.path.join(data_dir, "big.db")
        run("sqlite", f"sqlite:///{path}", args, data_dir)
        if not args.keep:
            os.remove(path)
    pg_dir, url = None, args.database_url
    if args.postgres and not url:
        url = subprocess.run([str(REPO / "scripts" / "pg.sh"), "start"], check=True, capture_output=True,
                             text=True).stdout.strip()
        pg_dir = sa.engine.make_url(url).query["host"]
    try:
        if url:
            from bench.push_bench import postgres_database
            db_url, drop = postgres_database(url)
            try:
                run("postgresql", db_url, args, data_dir)
            finally:
                drop()
    finally:
        if pg_dir:
            subprocess.run([str(REPO / "scripts" / "pg.sh"), "stop", pg_dir], check=False)


if __name__ == "__main__":
    main()
