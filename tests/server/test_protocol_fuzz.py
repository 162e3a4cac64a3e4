"""Fuzzing push/pull bodies and JSON endpoints (hypothesis): never a 500, and every 4xx is the one JSON error
shape of PROTOCOL.md, Errors. The schemathesis run over the whole OpenAPI document is test_openapi_fuzz.py."""
import json
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.invariants import check_invariants

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))


def test_every_bound_in_the_openapi_document_is_a_number(client):
    document = client.get("/api/v1/openapi.json").get_json()
    wrong = []

    def walk(node, where):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems") and (
                        not isinstance(value, (int, float)) or isinstance(value, bool)):
                    wrong.append(f"{where}/{key} = {value!r}")
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")
    walk(document, "")
    assert not wrong, wrong


# --- hypothesis fuzz of push operations and pull queries, with real households

json_leaf = st.none() | st.booleans() | st.integers(-2**63, 2**63) | st.floats(allow_nan=False) | st.text(max_size=40)
json_value = st.recursive(json_leaf, lambda inner: st.lists(inner, max_size=4)
                          | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)


def op_strategy(households):
    field = st.sampled_from(households) | st.text(max_size=50) | json_value
    data = st.fixed_dictionaries({}, optional={
        "amount_fen": st.integers(-10, 200_000_000) | json_value, "method": st.sampled_from(
            ["cash", "wechat", "x"]) | json_value, "receipt_no": st.text(max_size=60) | json_value,
        "season": st.sampled_from(["2026-2027", "2025-2026", "1999-2000", ""]) | json_value,
        "payer": st.text(max_size=60), "note": st.text(max_size=250), "payment_op_id": st.uuids().map(str),
        "reason": st.text(max_size=20), "finding": st.sampled_from(["vacant", "occupied", "?"]),
        "valve_sealed": st.booleans() | json_value, "seal_intact": json_value, "photo_ids": json_value,
        "measured_area_m2": st.sampled_from(["89.50", "0", "-1", "1e9", "NaN", "12.345"]) | json_value,
        "kind": st.sampled_from(["complaint", "notice_delivered", "x"]), "text": st.text(max_size=30),
        "satisfaction": json_value, "phone": st.text(max_size=25)}) | json_value
    return st.fixed_dictionaries({}, optional={
        "op_id": st.uuids().map(str) | st.text(max_size=40) | json_value,
        "seq": st.integers(-5, 2**70) | json_value,
        "type": st.sampled_from(["payment", "payment_void", "vacancy_check", "area_check", "visit",
                                 "contact_update", "nope"]) | json_value,
        "household_id": field,
        "at": st.sampled_from(["2026-11-26T09:12:00+08:00", "2026-11-26", "yesterday", "9999-12-31T23:59:59Z"])
        | st.datetimes().map(lambda d: d.isoformat()) | json_value,
        "data": data}) | json_value


def test_random_operations_in_a_push_never_fail_the_request(client, phone):
    phone.pull_all()
    households = sorted(phone.households)[:5]

    @given(ops=st.lists(op_strategy(households), max_size=6), extra=st.dictionaries(
        st.sampled_from(["app_version", "outbox_depth", "zzz"]), json_value, max_size=2),
        client_time=st.none() | st.text(max_size=40) | st.sampled_from(["2026-11-26T09:12:00+08:00"]))
    @FUZZ
    def run(ops, extra, client_time):
        headers = {**phone.headers, "Accept-Language": "en"}
        if client_time is not None and client_time.isprintable() and client_time.isascii():
            headers["X-Client-Time"] = client_time
        r = client.post("/api/v1/sync/push", json={"device_id": phone.device_id, "ops": ops, **extra},
                        headers=headers)
        assert r.status_code == 200, r.get_data(as_text=True)[:500]
        results = r.get_json()["results"]
        assert len(results) == len(ops)
        for res in results:
            assert res["status"] in ("applied", "duplicate", "held", "rejected")
            if res["status"] == "rejected":
                assert res["error"]["code"] and res["error"]["message"]
    run()
    check_invariants()


def test_random_pull_queries_never_fail_the_request(client, phone):
    @given(query=st.dictionaries(st.sampled_from(["cursor", "limit", "x"]),
                                 st.text(max_size=400) | st.integers().map(str), max_size=3))
    @FUZZ
    def run(query):
        r = client.get("/api/v1/sync/pull", query_string=query, headers={**phone.headers, "Accept-Language": "en"})
        assert r.status_code in (200, 400), r.get_data(as_text=True)[:500]
        body = r.get_json()
        if r.status_code == 400:
            assert body["error"]["code"] == "bad_request"
        else:
            assert body["reset"] in (True, False) and isinstance(body["households"], list)
    run()


def test_random_bodies_at_every_json_endpoint_answer_in_the_error_shape(client, admin):
    paths = [("post", "/api/v1/auth/login"), ("post", "/api/v1/sync/push"), ("post", "/api/v1/review/1/resolve"),
             ("put", "/api/v1/admin/assignments/c01"), ("post", f"/api/v1/admin/devices/{uuid.uuid4()}/revoke")]

    @given(target=st.sampled_from(paths), body=st.binary(max_size=200) | json_value.map(
        lambda v: json.dumps(v).encode()))
    @FUZZ
    def run(target, body):
        method, path = target
        r = getattr(client, method)(path, data=body, content_type="application/json",
                                    headers={**admin.headers, "Accept-Language": "en"})
        assert r.status_code < 500, r.get_data(as_text=True)[:500]
        if r.status_code >= 400:
            assert r.mimetype == "application/json" and set(r.get_json()["error"]) == {"code", "message", "details"}
    run()
