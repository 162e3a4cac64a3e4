"""Issue 11: every size limit answers PROTOCOL.md's JSON error, from the HTTP server as deployed (gunicorn,
2 workers) as from the app; a database that cannot be reached is a 503 (send again later), never a 500;
and money acknowledged to a phone is on disk before the answer (SQLite synchronous=FULL)."""
import http.client
import json

import pytest

from tests.live_server import LiveServer


@pytest.fixture(scope="module")
def served():
    with LiveServer(households=40, workers=2) as server:
        yield server


def ask(server, method, path, body=b"", headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        conn.request(method, path, body=body, headers={"Content-Type": "application/json", **(headers or {})})
        r = conn.getresponse()
        return r.status, r.getheader("Content-Type"), r.read()
    finally:
        conn.close()


def assert_error(answer, status, code):
    got_status, content_type, body = answer
    assert got_status == status, (got_status, body[:300])
    assert content_type.startswith("application/json"), (content_type, body[:300])
    assert json.loads(body)["error"]["code"] == code


@pytest.mark.slow
def test_a_request_line_over_4_kb_is_a_json_414(served):
    assert_error(ask(served, "GET", "/api/v1/sync/pull?cursor=" + "x" * 5000), 414, "uri_too_long")


@pytest.mark.slow
def test_headers_too_large_are_a_json_error(served):
    assert_error(ask(served, "GET", "/healthz", headers={"X-Big": "y" * 9000}), 431, "headers_too_large")
    many = {f"X-H{i}": "1" for i in range(150)}
    assert_error(ask(served, "GET", "/healthz", headers=many), 431, "headers_too_large")


@pytest.mark.slow
def test_a_body_over_4_mib_is_a_json_413_that_the_client_reads(served):
    assert_error(ask(served, "POST", "/api/v1/auth/login", body=b" " * (5 * 1024 * 1024)), 413, "payload_too_large")


@pytest.mark.slow
def test_a_push_over_1_mib_is_a_json_413_batch_too_large(served):
    status, _, body = ask(served, "POST", "/api/v1/auth/login",
                          body=json.dumps({"username": "c01", "password": "demo-c01"}).encode())
    token = json.loads(body)["token"]
    answer = ask(served, "POST", "/api/v1/sync/push", body=b'{"ops": [' + b" " * (2 * 1024 * 1024) + b"]}",
                 headers={"Authorization": f"Bearer {token}"})
    assert_error(answer, 413, "batch_too_large")


@pytest.mark.slow
def test_a_malformed_request_line_is_a_json_400(served):
    import socket
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as s:
        s.sendall(b"GET /healthz HTTP/9.9\r\n\r\n")
        head, _, body = s.recv(65536).partition(b"\r\n\r\n")
    assert b"application/json" in head and json.loads(body)["error"]["code"] == "bad_request"


def test_while_the_database_cannot_be_reached_every_call_is_a_503(tmp_path):
    from server import create_app
    from server.extensions import db
    # A PostgreSQL server that is not there (its socket folder does not exist): as while it is down.
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path), "SECRET_KEY": "k",
                      "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://postgres@/postgres?host={tmp_path}/none"})
    client = app.test_client()
    for method, path, body in (("get", "/healthz", None), ("post", "/api/v1/sync/push", {"ops": []}),
                               ("post", "/api/v1/auth/login", {"username": "c01", "password": "x"}),
                               ("get", "/api/v1/sync/pull", None)):
        r = getattr(client, method)(path, json=body, headers={"Authorization": "Bearer abc"})
        assert r.status_code == 503 and r.get_json()["error"]["code"] == "service_unavailable", (path, r.data)
    with app.app_context():
        db.engine.dispose()


def test_a_write_is_on_disk_before_it_is_answered_on_either_engine(app):
    from server.changes import begin_write
    from server.extensions import db
    conn = begin_write()
    if conn.dialect.name == "sqlite":  # FULL: the WAL is synced at every commit, not only at checkpoints
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
    else:  # on, for the writer's transaction, even where the server's default is off (as in these tests)
        assert conn.exec_driver_sql("SHOW synchronous_commit").scalar() == "on"
    db.session.rollback()
