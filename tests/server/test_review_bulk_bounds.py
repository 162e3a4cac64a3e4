"""Found by fuzzing on PostgreSQL: ids past the 32-bit primary keys were a query error there (a 500)."""


def test_a_review_id_past_32_bits_matches_no_item_on_any_engine(client, clerk):
    for method, path in (("GET", f"/api/v1/review/{2**31 + 5}"), ("POST", f"/api/v1/review/{2**31 + 5}/resolve")):
        r = client.open(path, method=method, json={"decision": "accept", "reason": "x"}, headers=clerk.headers)
        assert r.status_code == 404, (path, r.get_json())


def test_a_bulk_decision_on_ids_that_do_not_exist_reports_each_as_not_found(client, clerk):
    for ids in ([1], [2**31 + 5], [2**63 - 1], [3, 3]):
        r = client.post("/api/v1/review/bulk", json={"item_ids": ids, "decision": "accept", "reason": "x"},
                        headers=clerk.headers)
        assert r.status_code in (200, 400), (ids, r.get_json())
        if r.status_code == 200:
            assert all(f["code"] in ("not_found", "already_resolved", "validation_failed")
                       for f in r.get_json()["failed"])
