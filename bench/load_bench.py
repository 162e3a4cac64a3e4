"""Load (issue 11, "Hardening"): many collectors pull their scope and push payments at once, with lost answers.

    .venv/bin/python bench/load_bench.py [--collectors 200] [--payments 50] [--batch 10] [--drop 0.1]
                                         [--concurrency 10] [--full] [--timeout 900] [--history N]
                                         [--database-url postgresql+psycopg://… | --postgres]

The server runs as deployed: gunicorn with 2 sync workers (tests/live_server.py), loopback only, on SQLite,
and on PostgreSQL with --database-url (an empty database made on that server and dropped after) or with
--postgres (a throwaway server by scripts/pg.sh, stopped after). The demo database has one building of 40
households per collector (users l001 … made directly in the database, since no API creates users yet; each
is given its own building through PUT /api/v1/admin/assignments/<username>). --history N adds old payments
until the journal holds N (bench/big_db.py), for the issue's 1,000,000-payment case (with --households
100000, say, so that a household has ten payments, not a hundred).

Each collector signs in first, one after the other (a phone's sign-in lasts 30 days: a morning's cycles
start signed in; --login-in-load signs in inside the cycle instead). Then each, on a thread: pulls its
scope to the end, pushes --payments payments in batches of
--batch, and then pulls again from its cursor. With probability --drop a push answer is "lost": the client
throws it away and sends the same batch again, and every operation of that resend must come back
`duplicate` with the first answer's receipt and allocations. A 5xx is sent again too (PROTOCOL.md, Push),
and counted as an error.

Concurrency. --concurrency collectors are in their sync cycle at the same moment (default 10), the others
wait for a free slot, as collectors arriving over a morning do: 200 collectors who each sync a few times an
hour rarely overlap by more than a handful, and 10 at once is already several times a busy morning's peak.
The server has 2 sync workers, so at any concurrency above 2 a request's time is mostly its wait in
gunicorn's queue: with 200 clients sending at the same instant a request waits behind ~100 others whatever
the code does. --full repeats the run with every collector at once (concurrency = --collectors), to show
that queue too.

Bounded: --collectors × (2 + batches × 2) requests at most, and a wall-clock --timeout after which no new
request starts, the run stops and reports what it saw (requests have a 60 s timeout of their own).

Prints throughput (payments applied per second, requests per second), p50/p95/p99 of push and of pull
requests, every error (status and body), and then checks, from the database: each op_id pushed has one
operation row and one journal entry (lost: none; doubled: more than one), each bill's paid_fen = the sum of
its allocations, DESIGN.md's invariants (tests/invariants.py), and that the daily ledger's totals
(GET /api/v1/ledgers/daily) grew by exactly the amounts pushed and equal the journal's entries of that day.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from bench.push_bench import postgres_database, uuid7  # noqa: E402
from tests.live_server import LiveServer  # noqa: E402

BEIJING = timezone(timedelta(hours=8))
PER_BUILDING = 40  # server/demo.py: one building = 40 households, one building per collector here
PASSWORD = "load-password"


# --- HTTP, with the status and body of every answer kept (errors are reported, not raised)

def request(base, method, path, body=None, token=None, timeout=60):
    """(status, parsed body or text, seconds). A connection that fails is status 0."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    req.add_header("Accept-Language", "en")
    req.add_header("X-Client-Time", datetime.now(BEIJING).isoformat(timespec="seconds"))
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            status, raw = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    except Exception as e:  # refused, reset, timed out: the phone would retry later
        return 0, f"{type(e).__name__}: {e}", time.perf_counter() - started
    elapsed = time.perf_counter() - started
    try:
        return status, json.loads(raw), elapsed
    except ValueError:
        return status, raw[:500].decode(errors="replace"), elapsed


# --- the database side: users, assignments, history, and the checks afterwards

def engine_for(url):
    if url.startswith("postgresql://"):
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    return sa.create_engine(url)


def create_collectors(database_url, n) -> list[str]:
    """n collector users, l001 …, made with the app's own model and password hash (no user API exists yet).
    One hash for all: argon2 takes ~0.1 s a hash, and each still has its own row and devices."""
    from server import create_app
    from server.auth.service import hash_password
    from server.extensions import db
    from server.models import User
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    names = [f"l{i + 1:03d}" for i in range(n)]
    with app.app_context():
        digest = hash_password(PASSWORD)
        db.session.add_all(User(username=u, name=f"收费员{u}", role="collector", password_hash=digest) for u in names)
        db.session.commit()
        db.engine.dispose()
    return names


def buildings(database_url) -> list[dict]:
    engine = engine_for(database_url)
    with engine.connect() as c:
        refs = [{"project": p, "building": b} for p, b in c.execute(sa.text(
            "SELECT project.name, building.name FROM building JOIN project ON project.id = building.project_id "
            "ORDER BY building.id"))]
    engine.dispose()
    return refs


def shanghai_today():
    return datetime.now(BEIJING).date().isoformat()


def ledger_total(base, token, day) -> tuple[int, int]:
    status, body, _ = request(base, "GET", f"/api/v1/ledgers/daily?date={day}&per_page=1", token=token)
    assert status == 200, (status, body)
    return body["totals"]["count"], body["totals"]["amount_fen"]


# --- one collector's morning

@dataclass
class Stats:
    push: list = field(default_factory=list)  # seconds per push request (resends included)
    pull: list = field(default_factory=list)
    login: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # (collector, what, status, body)
    pushed: dict = field(default_factory=dict)  # op_id → amount_fen, for ops that got a final status
    sent: dict = field(default_factory=dict)  # op_id → amount_fen, every op sent at least once
    dropped: int = 0
    applied: int = 0
    duplicates_ok: int = 0
    last_seq_ok: int = 0
    cycles: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def error(self, who, what, status, body):
        with self.lock:
            self.errors.append((who, what, status, json.dumps(body, ensure_ascii=False)[:600]
                                if not isinstance(body, str) else body[:600]))


class Collector:
    def __init__(self, base, username, args, stats: Stats, stop: threading.Event, rng: random.Random):
        self.base, self.username, self.args, self.stats, self.stop, self.rng = base, username, args, stats, stop, rng
        self.token = self.device_id = self.code = self.cursor = None
        self.households = {}

    def call(self, method, path, body=None, kind=None, token=True):
        status, answer, seconds = request(self.base, method, path, body, self.token if token else None)
        if kind is not None:
            with self.stats.lock:
                getattr(self.stats, kind).append(seconds)
        return status, answer

    def pull_to_end(self) -> dict | None:
        while not self.stop.is_set():
            q = "limit=1000" + (f"&cursor={self.cursor}" if self.cursor else "")
            status, body = self.call("GET", f"/api/v1/sync/pull?{q}", kind="pull")
            if status != 200:
                self.stats.error(self.username, "pull", status, body)
                if status and status < 500:
                    return None
                time.sleep(0.2)
                continue
            if body["reset"]:
                self.households = {}
            self.households.update({h["id"]: h for h in body["households"]})
            for hid in body["removed"]:
                self.households.pop(hid, None)
            self.cursor = body["cursor"]
            if not body["has_more"]:
                return body
        return None

    def push(self, ops) -> dict | None:
        """Send until a 200; 5xx and dropped connections are sent again (PROTOCOL.md, Push)."""
        for _ in range(20):
            if self.stop.is_set():
                return None
            status, body = self.call("POST", "/api/v1/sync/push", {"device_id": self.device_id, "ops": ops},
                                     kind="push")
            if status == 200:
                return body
            self.stats.error(self.username, "push", status, body)
            if status and status < 500:
                return None
            time.sleep(0.2)
        return None

    def sign_in(self) -> bool:
        for _ in range(10):  # a collector whose sign-in failed with a 5xx taps again
            status, body = self.call("POST", "/api/v1/auth/login", {"username": self.username, "password": PASSWORD,
                                                                    "device_name": "load"}, kind="login", token=False)
            if status == 200:
                break
            self.stats.error(self.username, "login", status, body)
            if status and status < 500:
                return
            time.sleep(0.2)
        else:
            return False
        self.token, self.device_id, self.code = body["token"], body["device_id"], body["device_code"]
        return True

    def run(self):
        if self.stop.is_set():
            return
        if self.token is None and not self.sign_in():
            return
        if self.pull_to_end() is None:
            return
        homes = sorted(self.households)
        if not homes:
            self.stats.error(self.username, "scope", 200, "empty scope")
            return
        seq = 0
        n, size = self.args.payments, self.args.batch
        for start in range(0, n, size):
            ops = []
            for i in range(start, min(start + size, n)):
                seq += 1
                # Amounts differ per household and payment, so no duplicate_suspect flags pile up review items.
                ops.append({"op_id": uuid7(), "seq": seq, "type": "payment", "household_id": homes[i % len(homes)],
                            "at": datetime.now(BEIJING).isoformat(timespec="seconds"),
                            "data": {"season": "2026-2027", "amount_fen": 1000 + 10 * i + self.rng.randrange(10),
                                     "method": "cash", "receipt_no": f"{self.code}-{seq:06d}"}})
            with self.stats.lock:
                self.stats.sent.update({o["op_id"]: o["data"]["amount_fen"] for o in ops})
            first = self.push(ops)
            if first is None:
                return
            if not self._check(ops, first, "applied"):
                return
            if self.rng.random() < self.args.drop:
                # The answer is lost on the way back: the phone never saw it and sends the same batch again.
                with self.stats.lock:
                    self.stats.dropped += 1
                again = self.push(ops)
                if again is None:
                    return
                if not self._check(ops, again, "duplicate"):
                    return
                same = all(a.get("receipt_no") == b.get("receipt_no") and a.get("allocations") == b.get("allocations")
                           for a, b in zip(first["results"], again["results"]))
                if not same:
                    self.stats.error(self.username, "resend", 200, "a duplicate's answer differs from the first")
                    return
                with self.stats.lock:
                    self.stats.duplicates_ok += len(ops)
        last = self.pull_to_end()
        if last is None:
            return
        with self.stats.lock:
            self.stats.cycles += 1
            if last["device_last_seq"] == seq:
                self.stats.last_seq_ok += 1
            else:
                self.stats.errors.append((self.username, "pull", 200, f"device_last_seq {last['device_last_seq']} "
                                          f"!= {seq}"))

    def _check(self, ops, answer, expected) -> bool:
        results = answer.get("results") or []
        statuses = [r.get("status") for r in results]
        if len(results) != len(ops) or set(statuses) != {expected} or \
                [r.get("op_id") for r in results] != [o["op_id"] for o in ops]:
            self.stats.error(self.username, f"push ({expected} expected)", 200, {"statuses": statuses,
                                                                                "first": results[:1]})
            return False
        with self.stats.lock:
            self.stats.pushed.update({o["op_id"]: o["data"]["amount_fen"] for o in ops})
            if expected == "applied":
                self.stats.applied += len(ops)
        return True


def pct(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered) + 0.5)) - 1))]


def figures(values) -> str:
    if not values:
        return "no requests"
    return (f"n={len(values):5d}  p50 {pct(values, 50) * 1000:7.0f} ms  p95 {pct(values, 95) * 1000:7.0f} ms  "
            f"p99 {pct(values, 99) * 1000:7.0f} ms  max {max(values) * 1000:7.0f} ms")


# --- checks afterwards, from the database

def verify(database_url, stats: Stats, before: dict, base, clerk_token) -> dict:
    """Exactly once, balanced bills, DESIGN.md's invariants, and the daily ledger against the amounts pushed."""
    ids = list(stats.sent)
    engine = engine_for(database_url)
    with engine.connect() as c:
        ops, pays = {}, {}
        for k in range(0, len(ids), 500):
            chunk = ids[k:k + 500]
            ops.update(c.execute(sa.text("SELECT op_id, count(*) FROM operation WHERE op_id IN :ids GROUP BY op_id")
                                 .bindparams(sa.bindparam("ids", expanding=True)), {"ids": chunk}).all())
            pays.update(c.execute(sa.text("SELECT op_id, count(*) FROM payment WHERE kind = 'payment' AND op_id IN :ids "
                                          "GROUP BY op_id").bindparams(sa.bindparam("ids", expanding=True)),
                                  {"ids": chunk}).all())
        unbalanced = c.execute(sa.text(
            "SELECT count(*) FROM bill LEFT JOIN (SELECT bill_id, sum(amount_fen) AS s FROM allocation GROUP BY bill_id)"
            " a ON a.bill_id = bill.id WHERE bill.paid_fen != coalesce(a.s, 0)")).scalar()
        journal_days = dict(c.execute(sa.text(
            "SELECT posted_on, sum(amount_fen) FROM payment WHERE kind = 'payment' AND op_id IN :ids GROUP BY posted_on")
            .bindparams(sa.bindparam("ids", expanding=True)), {"ids": ids}).all()) if ids else {}
    engine.dispose()
    # An op that was answered must be in the journal once; an op that was sent and never answered (the run
    # stopped) may be there once or not at all, never twice.
    lost = [o for o in stats.pushed if pays.get(o, 0) == 0 or ops.get(o, 0) == 0]
    doubled = [o for o in ids if pays.get(o, 0) > 1 or ops.get(o, 0) > 1]
    unanswered = [o for o in ids if o not in stats.pushed]
    unanswered_applied = sum(pays.get(o, 0) for o in unanswered)
    # The daily ledger: every date our payments were posted on (one, unless the run crosses midnight).
    ledger_ok, ledger_lines = True, []
    days = sorted({str(d) for d in journal_days} | set(before))
    for day in days:
        count, amount = ledger_total(base, clerk_token, day)
        was = before.get(day, (0, 0))
        ours = int(journal_days.get(day) or journal_days.get(datetime.fromisoformat(day).date()) or 0)
        grew = amount - was[1]
        ledger_lines.append(f"{day}: ledger {was[1]} → {amount} fen (+{grew}), journal of our payments {ours}")
        ledger_ok &= grew == ours
    pushed_sum = sum(stats.pushed.values())
    applied_sum = sum(int(v) for v in journal_days.values())
    ledger_ok &= applied_sum == pushed_sum + sum(stats.sent[o] for o in unanswered if pays.get(o))
    invariants = run_invariants(database_url)
    return {"lost": len(lost), "doubled": len(doubled), "unbalanced_bills": unbalanced, "ledger_ok": ledger_ok,
            "ledger_lines": ledger_lines, "invariants": invariants, "unanswered": len(unanswered),
            "unanswered_applied": unanswered_applied, "pushed_fen": pushed_sum, "journal_fen": applied_sum}


def run_invariants(database_url) -> str:
    """tests/invariants.py (DESIGN.md 1–3) with the app's models on the same database: 'ok' or the failure."""
    from server import create_app
    from server.extensions import db
    from tests.invariants import check_invariants
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        try:
            check_invariants()
            return "ok"
        except AssertionError as e:
            return f"FAILED: {str(e)[:500]}"
        finally:
            db.session.remove()
            db.engine.dispose()


# --- one run

def prepare(database_url, collectors, history=0, households=0) -> LiveServer:
    """The demo database (households: at least one building per collector), old payments, the collectors."""
    server = LiveServer(households=max(households, collectors * PER_BUILDING), database_url=database_url, workers=2)
    server.prepare()
    if history:
        from bench.big_db import add_history
        add_history(server.database_url, history)
    create_collectors(server.database_url, collectors)
    server.start()
    return server


def assign(server, usernames):
    status, admin, _ = request(server.url, "POST", "/api/v1/auth/login",
                               {"username": "admin", "password": "demo-admin", "device_name": "load"})
    assert status == 200, admin
    refs = buildings(server.database_url)
    assert len(refs) >= len(usernames), (len(refs), len(usernames))
    for username, ref in zip(usernames, refs):
        status, body, _ = request(server.url, "PUT", f"/api/v1/admin/assignments/{username}", {"buildings": [ref]},
                                  admin["token"])
        assert status == 200, (status, body)
    # The operations' `at` has whole seconds: wait until it cannot fall before the assignments just made,
    # or payments come back flagged out_of_scope (bench/push_bench.py does the same).
    time.sleep(1.1)


def load(server, usernames, args, concurrency, seed=11) -> tuple[Stats, float, dict]:
    """Every collector's cycle, `concurrency` at a time, stopped by args.timeout at the latest."""
    status, clerk, _ = request(server.url, "POST", "/api/v1/auth/login",
                               {"username": "clerk", "password": "demo-clerk", "device_name": "load"})
    assert status == 200, clerk
    day = shanghai_today()
    before = {day: ledger_total(server.url, clerk["token"], day)}
    stats, stop = Stats(), threading.Event()
    timer = threading.Timer(args.timeout, stop.set)
    timer.daemon = True
    timer.start()
    master = random.Random(seed)
    clients = [Collector(server.url, u, args, stats, stop, random.Random(master.random())) for u in usernames]
    if not args.login_in_load:
        # A phone signs in once for HEATLEDGER_TOKEN_DAYS (30 days): a morning's sync cycles start signed in.
        for c in clients:
            c.sign_in()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for f in [pool.submit(c.run) for c in clients]:
            try:
                f.result()
            except Exception as e:  # a bug of this script: reported like any other error
                stats.error("client", "exception", 0, f"{type(e).__name__}: {e}")
    elapsed = time.perf_counter() - started
    timer.cancel()
    if stop.is_set():
        stats.error("run", "timeout", 0, f"stopped after --timeout {args.timeout} s")
    day_after = shanghai_today()
    if day_after != day:
        before[day_after] = (0, 0)  # a new day starts empty: its ledger holds only what was posted after midnight
    result = verify(server.database_url, stats, before, server.url, clerk["token"])
    return stats, elapsed, result


def report(label, concurrency, stats: Stats, elapsed, result, collectors) -> bool:
    print(f"\n== {label}: {collectors} collectors, {concurrency} in flight, {elapsed:.1f} s ==", flush=True)
    requests = len(stats.push) + len(stats.pull)  # sign-ins before the morning are not in the clock
    print(f"throughput: {stats.applied / elapsed:7.1f} payments applied/s, {requests / elapsed:6.1f} pull+push requests/s "
          f"({stats.applied} payments, {requests} requests, {stats.dropped} answers dropped and resent, "
          f"{stats.cycles} full cycles)")
    print(f"push  {figures(stats.push)}")
    print(f"pull  {figures(stats.pull)}")
    print(f"login {figures(stats.login)}")
    print(f"errors: {len(stats.errors)} ({len(sync_errors(stats))} in pull/push, {len(login_errors(stats))} "
          f"sign-ins answered 5xx and retried)")
    for who, what, status, body in stats.errors:
        print(f"  {who} {what}: {status} {body}")
    print(f"lost: {result['lost']}  doubled: {result['doubled']}  (sent {len(stats.sent)}, answered "
          f"{len(stats.pushed)}, resends answered duplicate {stats.duplicates_ok}, device_last_seq right "
          f"{stats.last_seq_ok}/{stats.cycles})")
    print(f"bills whose paid_fen != sum of allocations: {result['unbalanced_bills']}; DESIGN.md invariants: "
          f"{result['invariants']}")
    print(f"daily ledger {'balances' if result['ledger_ok'] else 'DOES NOT BALANCE'}: pushed {result['pushed_fen']} fen, "
          f"journal {result['journal_fen']} fen; " + "; ".join(result["ledger_lines"]), flush=True)
    return ok(stats, result)


def sync_errors(stats) -> list:
    """Errors of the sync cycle itself (pull, push, resend, scope), apart from sign-in: see login_errors."""
    return [e for e in stats.errors if e[1] != "login"]


def login_errors(stats) -> list:
    """Sign-ins answered 5xx (and retried). Known on SQLite: login reads in a deferred transaction and then
    inserts the device, and a read transaction cannot become a writer once another commit came after its
    snapshot (SQLITE_BUSY_SNAPSHOT, "database is locked", no busy wait). server/auth is not this bench's."""
    return [e for e in stats.errors if e[1] == "login"]


def ok(stats, result) -> bool:
    return (not stats.errors and result["lost"] == 0 and result["doubled"] == 0 and result["unbalanced_bills"] == 0
            and result["ledger_ok"] and result["invariants"] == "ok")


def server_errors(log: str, limit=3) -> str:
    """The server's tracebacks behind 5xx answers (its log is removed with its folder after the run)."""
    blocks = [b for b in log.split("Traceback (most recent call last):")[1:]]
    if not blocks:
        return "server log: no traceback"
    shown = "\n".join("Traceback (most recent call last):" + b[:2500] for b in blocks[:limit])
    return f"server log: {len(blocks)} traceback(s), the first {min(limit, len(blocks))}:\n{shown}"


def run_engine(label, database_url, args) -> bool:
    good = True
    levels = [args.concurrency] + ([args.collectors] if args.full and args.collectors != args.concurrency else [])
    for concurrency in levels:
        url, drop = (None, None)
        if database_url:
            url, drop = postgres_database(database_url)
        server = None
        try:
            server = prepare(url, args.collectors, args.history, args.households)
            names = [f"l{i + 1:03d}" for i in range(args.collectors)]
            assign(server, names)
            stats, elapsed, result = load(server, names, args, concurrency)
            good &= report(label, concurrency, stats, elapsed, result, args.collectors)
            if any(status == 0 or status >= 500 for _, _, status, _ in stats.errors):
                print(server_errors(server.log()), flush=True)
        finally:
            if server:
                server.kill()
                server.close()
            if drop:
                drop()
    return good


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--collectors", type=int, default=200)
    parser.add_argument("--payments", type=int, default=50, help="per collector")
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--drop", type=float, default=0.1, help="share of push answers lost and resent")
    parser.add_argument("--concurrency", type=int, default=10, help="collectors in their sync cycle at once")
    parser.add_argument("--full", action="store_true", help="also run with every collector at once")
    parser.add_argument("--timeout", type=float, default=900, help="seconds; the run stops by itself after")
    parser.add_argument("--login-in-load", action="store_true",
                        help="sign in inside each cycle, under load (default: all sign in before the morning)")
    parser.add_argument("--history", type=int, default=0, help="old payments to reach this many in the journal")
    parser.add_argument("--households", type=int, default=0,
                        help="demo households in all (default: one building of 40 per collector); the collectors "
                             "work the first buildings, the demo's c01…c05 the rest")
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL (scripts/pg.sh)")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    if args.collectors > 999:
        parser.error("at most 999 collectors (usernames l001 … l999)")
    good = True
    if not args.no_sqlite:
        good &= run_engine("sqlite", None, args)
    pg_dir = None
    url = args.database_url if args.database_url and args.database_url.startswith("postgres") else None
    if args.postgres and not url:
        url = subprocess.run([str(REPO / "scripts" / "pg.sh"), "start"], check=True, capture_output=True,
                             text=True).stdout.strip()
        pg_dir = sa.engine.make_url(url).query["host"]
    try:
        if url:
            good &= run_engine("postgresql", url, args)
    finally:
        if pg_dir:
            subprocess.run([str(REPO / "scripts" / "pg.sh"), "stop", pg_dir], check=False)
    print("\nresult:", "OK (0 errors, 0 lost, 0 doubled, ledgers balance)" if good else "FAILED", flush=True)
    sys.exit(0 if good else 1)


if __name__ == "__main__":
    main()
