"""Issue 11: every integer a request may carry is bounded; past the bound a 400 (or, for an id in a route,
a 404), never a number too large for a 64-bit column or an OFFSET (SQLite answered 500)."""
import pytest

HUGE = "99999999999999999999"


@pytest.mark.parametrize("path", [
    f"/api/v1/ledgers/daily?date=2026-11-26&page={HUGE}", f"/api/v1/ledgers/daily?date=2026-11-26&per_page={HUGE}",
    f"/api/v1/review?page={HUGE}", f"/api/v1/review/rejected?page={HUGE}", "/api/v1/review?page=1000001",
    f"/api/v1/sync/pull?limit={HUGE}"])
def test_a_page_or_limit_beyond_its_bound_is_a_400(clerk, path):
    r = clerk.client.get(path, headers=clerk.headers)
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "bad_request", r.get_json()


def test_the_last_allowed_page_is_an_empty_page_not_an_error(clerk):
    r = clerk.client.get("/api/v1/ledgers/daily?date=2026-11-26&page=1000000", headers=clerk.headers)
    assert r.status_code == 200 and r.get_json()["entries"] == []


def test_an_item_id_beyond_64_bits_matches_no_route(clerk):
    r = clerk.client.post(f"/api/v1/review/{HUGE}/resolve", json={"decision": "accept", "reason": "x"},
                          headers=clerk.headers)
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"


def test_every_integer_the_openapi_document_takes_in_has_a_maximum(client):
    """A new endpoint's integer parameter or body field without a bound fails here."""
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    unbounded = []

    def walk(schema, where):
        if "$ref" in schema:
            schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
        if schema.get("readOnly"):
            return
        if schema.get("type") == "integer" and "maximum" not in schema:
            unbounded.append(where)
        for name, prop in (schema.get("properties") or {}).items():
            walk(prop, f"{where}.{name}")
        if isinstance(schema.get("items"), dict):
            walk(schema["items"], f"{where}[]")

    for path, operations in document["paths"].items():
        for method, op in operations.items():
            for p in op.get("parameters", []):
                walk(p.get("schema", {}), f"{method.upper()} {path} ?{p['name']}")
            for content in (op.get("requestBody") or {}).get("content", {}).values():
                walk(content.get("schema", {}), f"{method.upper()} {path} body")
    assert not unbounded, unbounded
