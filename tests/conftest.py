"""Fixtures: an app on a fresh database per test (SQLite by default, PostgreSQL when TEST_DATABASE_URL
names one), built from a migrated and demo-seeded template, plus a `phone` that speaks PROTOCOL.md."""
import itertools
import os
import shutil
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

TEMPLATE_HOUSEHOLDS = 200  # 5 buildings of 40: one building per demo collector
_counter = itertools.count()


def _pg_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


def _make_app(url: str, data_dir: str):
    from server import create_app
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "DATA_DIR": data_dir,
                       "ATTACHMENTS_DIR": os.path.join(data_dir, "attachments"),
                       "DOCUMENTS_DIR": os.path.join(data_dir, "documents"), "SECRET_KEY": "test-secret-key"})


def _build(url: str, data_dir: str):
    from flask_migrate import upgrade

    from server.demo import seed
    from server.extensions import db
    app = _make_app(url, data_dir)
    with app.app_context():
        upgrade()
        seed(TEMPLATE_HOUSEHOLDS)
        db.engine.dispose()


def _with_db(url: str, name: str) -> str:
    return str(sa.engine.make_url(url).set(database=name))


@pytest.fixture(scope="session")
def template(tmp_path_factory):
    data_dir = str(tmp_path_factory.mktemp("template"))
    pg = _pg_url()
    if pg:
        name = f"hl_tmpl_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(pg, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.exec_driver_sql(f'CREATE DATABASE "{name}"')
        _build(_with_db(pg, name), data_dir)
        yield {"kind": "postgresql", "name": name, "admin": admin, "data_dir": data_dir}
        with admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
    else:
        path = os.path.join(data_dir, "template.db")
        _build(f"sqlite:///{path}", data_dir)
        yield {"kind": "sqlite", "path": path, "data_dir": data_dir}


@pytest.fixture
def database_url(template, tmp_path):
    """A fresh copy of the seeded template for one test."""
    if template["kind"] == "sqlite":
        path = tmp_path / "heatledger.db"
        shutil.copyfile(template["path"], path)
        yield f"sqlite:///{path}"
        return
    name = f"hl_t{next(_counter)}_{uuid.uuid4().hex[:6]}"
    with template["admin"].connect() as c:
        c.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template["name"]}"')
    yield _with_db(_pg_url(), name)
    with template["admin"].connect() as c:
        c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def app(database_url, tmp_path):
    from server.extensions import db
    app = _make_app(database_url, str(tmp_path))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def shanghai_now(offset: timedelta = timedelta(0)) -> str:
    return (datetime.now(timezone(timedelta(hours=8))) + offset).isoformat(timespec="seconds")


class Phone:
    """A collector's phone as PROTOCOL.md describes it, over the Flask test client."""

    def __init__(self, client, username="c01", password=None):
        self.client = client
        r = client.post("/api/v1/auth/login", json={"username": username, "password": password or f"demo-{username}",
                                                    "device_name": "pytest"})
        assert r.status_code == 200, r.get_json()
        body = r.get_json()
        self.token, self.device_id, self.code = body["token"], body["device_id"], body["device_code"]
        self.secret, self.user = body["device_secret"], body["user"]
        self.seq = self.receipt = 0
        self.cursor = None
        self.households = {}

    @property
    def headers(self):
        return {"Authorization": f"Bearer {self.token}"}

    def pull(self, cursor="__own__", limit=None):
        cursor = self.cursor if cursor == "__own__" else cursor
        query = {k: v for k, v in (("cursor", cursor), ("limit", limit)) if v is not None}
        r = self.client.get("/api/v1/sync/pull", query_string=query, headers=self.headers)
        return r.status_code, r.get_json()

    def pull_all(self):
        while True:
            status, body = self.pull()
            assert status == 200, body
            if body["reset"]:
                self.households = {}
            self.households.update({h["id"]: h for h in body["households"]})
            for hid in body["removed"]:
                self.households.pop(hid, None)
            self.cursor = body["cursor"]
            if not body["has_more"]:
                return body

    def op(self, type_, household_id, data, at=None):
        self.seq += 1
        return {"op_id": str(uuid.uuid4()), "seq": self.seq, "type": type_, "household_id": household_id,
                "at": at or shanghai_now(), "data": data}

    def payment(self, household_id, amount_fen, season="2026-2027", method="cash", **extra):
        self.receipt += 1
        data = {"amount_fen": amount_fen, "method": method, "receipt_no": f"{self.code}-{self.receipt:06d}", **extra}
        if season:
            data["season"] = season
        return self.op("payment", household_id, data)

    def push(self, ops, client_time=None, **extra):
        r = self.client.post("/api/v1/sync/push", json={"device_id": self.device_id, "ops": ops, **extra},
                             headers={**self.headers, "X-Client-Time": client_time or shanghai_now()})
        return r.status_code, r.get_json()


@pytest.fixture
def phone(client):
    return Phone(client, "c01")


@pytest.fixture
def make_phone(client):
    return lambda username="c01": Phone(client, username)


@pytest.fixture
def clerk(client):
    return Phone(client, "clerk")


@pytest.fixture
def admin(client):
    return Phone(client, "admin")


# --- Appended for the protocol tests (tests/server/test_protocol_*.py, tests/soak): markers and a clerk's desk.

def pytest_configure(config):
    config.addinivalue_line("markers", "soak: 10,000-example runs of the protocol machine (HEATLEDGER_SOAK=1)")


def pytest_collection_modifyitems(config, items):
    """Soak runs are deselected (and counted as such) unless HEATLEDGER_SOAK=1 asks for them."""
    if os.environ.get("HEATLEDGER_SOAK") == "1":
        return
    soak = [i for i in items if i.get_closest_marker("soak")]
    if soak:
        config.hook.pytest_deselected(items=soak)
        items[:] = [i for i in items if not i.get_closest_marker("soak")]


class Desk:
    """What a clerk and an admin do from the console, plus direct looks into the database for assertions."""

    def __init__(self, client, clerk, admin):
        self.client, self.clerk, self.admin = client, clerk, admin

    def review(self, kind=None, state="open", **query):
        r = self.client.get("/api/v1/review", query_string={"state": state, "per_page": 500,
                                                            **({"kind": kind} if kind else {}), **query},
                            headers=self.clerk.headers)
        assert r.status_code == 200, r.get_json()
        return r.get_json()["items"]

    def resolve(self, item_id, decision, reason="checked with the owner"):
        return self.client.post(f"/api/v1/review/{item_id}/resolve", json={"decision": decision, "reason": reason},
                                headers=self.clerk.headers)

    def revoke(self, device_id):
        r = self.client.post(f"/api/v1/admin/devices/{device_id}/revoke", headers=self.admin.headers)
        assert r.status_code == 200, r.get_json()
        return r.get_json()

    def devices(self):
        r = self.client.get("/api/v1/admin/devices", headers=self.admin.headers)
        assert r.status_code == 200, r.get_json()
        return {d["id"]: d for d in r.get_json()["items"]}

    def assign(self, username, buildings):
        r = self.client.put(f"/api/v1/admin/assignments/{username}", json={"buildings": buildings},
                            headers=self.admin.headers)
        assert r.status_code == 200, r.get_json()
        return r.get_json()

    @staticmethod
    def households_of(username):
        """Household ids in the buildings assigned to `username` now, in id order."""
        from server.extensions import db
        from server.models import Assignment, Household, User
        return list(db.session.scalars(
            sa.select(Household.id).join(Assignment, Assignment.building_id == Household.building_id)
            .join(User, User.id == Assignment.user_id)
            .where(User.username == username, Assignment.valid_to.is_(None)).order_by(Household.id)))

    @staticmethod
    def bills(household_id):
        """{season: (due_fen, paid_fen)} as the database holds them now."""
        from server.extensions import db
        from server.models import Bill
        db.session.expire_all()
        return {b.season_id: (b.due_fen, b.paid_fen) for b in db.session.scalars(
            sa.select(Bill).where(Bill.household_id == household_id))}


@pytest.fixture
def desk(client, clerk, admin):
    return Desk(client, clerk, admin)


@pytest.fixture
def english(client):
    """Every request of this test asks for English (error messages, PROTOCOL.md Errors)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
