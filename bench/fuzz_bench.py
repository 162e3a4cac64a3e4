"""The OpenAPI fuzz run of the test suite (tests/server/test_openapi_fuzz.py), longer (issue 11, "Hardening").

    .venv/bin/python bench/fuzz_bench.py [--examples 500] [--seconds 1200] [--live] [--workers 2]
                                         [--identities none,collector,clerk,admin] [--modes positive,negative]
                                         [--database-url postgresql+psycopg://…]

Every operation of GET /api/v1/openapi.json × identities × generation modes, judged as in the suite
(tests/openapi_fuzz.py): no 5xx, every error in the one JSON shape, 401 without a token, 403 for a collector
off the phone's endpoints, no household outside c01's scope in an answer to c01. In-process over WSGI by
default; with --live against a real gunicorn on 127.0.0.1 (tests/live_server.py), where gunicorn's own
answers count too. Stops by itself: --seconds is shared out evenly between identity × mode × operation,
and each stops at --examples cases or its share of time. Prints the cases per operation and every failure
(method, path, identity, status, body).
Exit status 1 when a new failure was found. On SQLite each identity starts from a fresh copy of the seeded
database; with --database-url (or --live) they share one, in the order none, collector, clerk, admin.
"""
import argparse
import logging
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import sqlalchemy as sa

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from tests import openapi_fuzz as fuzz  # noqa: E402


def households_in(database_url: str) -> set[str]:
    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as c:
            return set(c.exec_driver_sql("SELECT id FROM household").scalars())
    finally:
        engine.dispose()


class InProcess:
    """The app over WSGI on a fresh copy of a seeded SQLite database (or the given PostgreSQL) per identity."""

    def __init__(self, database_url):
        from tests.conftest import _build
        self.tmp = tempfile.mkdtemp(prefix="hl-fuzz-")
        self.database_url = database_url
        if database_url is None:
            self.template = os.path.join(self.tmp, "template.db")
            _build(f"sqlite:///{self.template}", self.tmp)
        else:
            _build(database_url, self.tmp)

    def open(self, identity):
        from tests.conftest import _make_app
        url = self.database_url
        if url is None:  # each identity starts from the seeded data, as each test of the suite does
            path = os.path.join(self.tmp, f"{identity}.db")
            shutil.copyfile(self.template, path)
            url = f"sqlite:///{path}"
        self.app = _make_app(url, self.tmp)
        self.context = self.app.app_context()
        self.context.push()
        self.client = self.app.test_client()
        self.url = url
        return self

    def login(self, username):
        from tests.conftest import Phone
        return Phone(self.client, username)

    def schema(self):
        return fuzz.load_schema_wsgi(self.app)

    def call(self, case, headers):
        return case.call(headers=headers)

    def get(self, path, headers):
        return self.client.get(path, headers=headers).get_json()

    def adapter(self):
        return self.app.url_map.bind("localhost")

    def close(self):
        from server.extensions import db
        db.session.remove()
        db.engine.dispose()
        self.context.pop()

    def stop(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


class Live:
    """One gunicorn on 127.0.0.1 for the whole run; identities run in turn, the admin last."""

    def __init__(self, database_url, workers):
        import requests
        from tests.live_server import LiveServer
        self.server = LiveServer(database_url=database_url, workers=workers).prepare().start()
        self.session = requests.Session()
        self.url = self.server.database_url

    def open(self, identity):
        return self

    def login(self, username):
        return LivePhone(self.session, self.server.url, username)

    def schema(self):
        import schemathesis
        return fuzz.every_operation(schemathesis.openapi.from_url(f"{self.server.url}/api/v1/openapi.json"))

    def call(self, case, headers):
        return case.call(base_url=self.server.url, session=self.session, headers=headers, timeout=30)

    def get(self, path, headers):
        return self.session.get(self.server.url + path, headers=headers, timeout=30).json()

    def adapter(self):
        from server import create_app
        if not hasattr(self, "_app"):  # the routes only, to tell a routed path from a 404 of the router
            self._app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                                    "DATA_DIR": self.server.tmp, "SECRET_KEY": "routes-only"})
        return self._app.url_map.bind("localhost")

    def close(self):
        pass

    def stop(self):
        self.server.close()


class LivePhone:
    def __init__(self, session, base, username):
        r = session.post(f"{base}/api/v1/auth/login", json={"username": username, "password": f"demo-{username}",
                                                            "device_name": "fuzz-bench"}, timeout=30)
        r.raise_for_status()
        body = r.json()
        self.token, self.device_id = body["token"], body["device_id"]
        self.headers = {"Authorization": f"Bearer {self.token}"}
        self.households, cursor = set(), None
        while True:  # c01's scope, as its phone sees it
            page = session.get(f"{base}/api/v1/sync/pull", params={"cursor": cursor} if cursor else {},
                               headers=self.headers, timeout=60).json()
            self.households |= {h["id"] for h in page["households"]}
            cursor = page["cursor"]
            if not page["has_more"]:
                break


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--examples", type=int, default=500, help="cases per operation, identity and mode at most")
    p.add_argument("--seconds", type=float, default=1200, help="the whole run's time, shared out evenly")
    p.add_argument("--live", action="store_true", help="against gunicorn on 127.0.0.1 instead of WSGI")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--identities", default=",".join(fuzz.IDENTITIES))
    p.add_argument("--modes", default=",".join(fuzz.MODES))
    p.add_argument("--database-url", default=None, help="PostgreSQL to use (an empty database); default SQLite")
    args = p.parse_args()
    identities, modes = args.identities.split(","), args.modes.split(",")
    logging.getLogger("server.errors").setLevel(logging.CRITICAL)  # failures are printed below, once each
    logging.getLogger("alembic").setLevel(logging.WARNING)

    started = time.monotonic()
    target = Live(args.database_url, args.workers) if args.live else InProcess(args.database_url)
    failures, cases = [], Counter()
    try:
        for identity in identities:
            target.open(identity)
            c01 = target.login("c01")
            if args.live:
                scope = c01.households
            else:
                c01.pull_all()
                scope = set(c01.households)
            everywhere = households_in(target.url)
            me = None if identity == "none" else c01 if identity == "collector" else target.login(
                fuzz.USERNAMES[identity])
            who = fuzz.Identity(identity, me.headers if me else {}, me.device_id if me else None)
            real = sorted(scope)[:3] + sorted(everywhere - scope)[:3]
            if not args.live:
                fuzz.open_a_review_item(c01, sorted(everywhere - scope)[0])
            admin = me if identity == "admin" else target.login("admin")
            real_path = fuzz.real_path_values(lambda path: target.get(path, admin.headers))
            operations = fuzz.operations(target.schema())
            share = max(args.seconds - (time.monotonic() - started), 0) / (
                len(operations) * len(modes) * (len(identities) - identities.index(identity)))
            for mode in modes:
                if me is not None and mode != modes[0]:  # the mode before ended with signing out
                    me = target.login(fuzz.USERNAMES[identity])
                    who = fuzz.Identity(identity, me.headers, me.device_id)
                judge = fuzz.Judge(target.adapter(), scope, everywhere)
                for operation in operations:
                    t = time.monotonic()
                    try:
                        fuzz.run_operation(operation, who, mode, judge, args.examples, target.call, real,
                                           raise_new=False, deadline=t + share, real_path=real_path)
                    except Exception as e:  # noqa: BLE001 — a case the client could not even send
                        print(f"  {operation.label}: the run stopped: {type(e).__name__}: {str(e)[:300]}")
                    n = sum(v for (i, m, key), v in judge.cases.items()
                            if key == (operation.method.upper(), operation.path))
                    cases[(identity, mode, operation.label)] = n
                    statuses = judge.statuses[(identity, (operation.method.upper(), operation.path))]
                    print(f"{identity:9} {mode:8} {operation.label:55} {n:5} cases {time.monotonic() - t:6.1f} s  "
                          + " ".join(f"{s}×{c}" for s, c in sorted(statuses.items())), flush=True)
                failures += judge.failures
            target.close()
    finally:
        target.stop()

    print(f"\n{sum(cases.values())} cases in {time.monotonic() - started:.0f} s; {len(failures)} failures")
    seen = set()
    for f in sorted(failures, key=lambda f: (f.method, f.path)):
        shape = (f.method, f.path, f.identity, f.status, f.what[:40])
        if shape in seen:  # one of each kind: the same failure a hundred times tells nothing more
            continue
        seen.add(shape)
        print(f"FAILURE: {f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
