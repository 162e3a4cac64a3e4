"""The product starts on a migrated, seeded database and answers as PROTOCOL.md says."""
from tests.invariants import check_invariants


def test_health_answers_once_the_database_is_reachable(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.get_json()["status"] == "ok"


def test_a_collector_pays_at_the_door_and_the_pull_shows_the_new_balance(phone):
    phone.pull_all()
    h = next(h for h in phone.households.values() if h["bills"][-1]["balance_fen"] > 5000)
    before = h["bills"][-1]
    status, body = phone.push([phone.payment(h["id"], 5000)])
    assert status == 200 and body["results"][0]["status"] == "applied"
    assert body["results"][0]["allocations"] == [{"season": "2026-2027", "amount_fen": 5000}]
    phone.pull_all()
    after = phone.households[h["id"]]["bills"][-1]
    assert after["paid_fen"] == before["paid_fen"] + 5000
    assert after["balance_fen"] == before["balance_fen"] - 5000
    assert phone.households[h["id"]]["version"] > h["version"]
    check_invariants()


def test_the_demo_database_holds_every_invariant(app):
    check_invariants()
