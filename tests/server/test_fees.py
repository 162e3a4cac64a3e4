"""Fee rules are data an admin changes without code; a new season's bills use its own rates and credit
rolls forward onto them (DOMAIN.md §8(b), §8(d) extra rules)."""
import sqlalchemy as sa

from server.extensions import db
from server.models import AuditLog, Bill
from tests.invariants import check_invariants


def _admin_put(client, admin, path, body, method="put"):
    r = getattr(client, method)(path, json=body, headers=admin.headers)
    return r.status_code, r.get_json()


def test_an_admin_changes_the_suspension_ratio_and_a_bad_ratio_is_refused_with_a_reason(client, admin):
    status, body = _admin_put(client, admin, "/api/v1/admin/settings/suspension",
                              {"value": {"ratio": "0.60", "apply_by": "10-31"}})
    assert status == 200 and body["value"]["ratio"] == "0.60"
    assert client.get("/api/v1/admin/settings", headers=admin.headers).get_json()["suspension"]["apply_by"] == "10-31"
    status, body = _admin_put(client, admin, "/api/v1/admin/settings/suspension", {"value": {"ratio": "1.5"}})
    assert status == 400 and body["error"]["code"] == "validation_failed"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog)
                             .where(AuditLog.action == "setting.changed")) == 1


def test_a_collector_cannot_change_fee_rules(client, phone):
    r = client.put("/api/v1/admin/settings/suspension", json={"value": {"ratio": "0.1"}}, headers=phone.headers)
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"


def test_a_new_season_is_billed_at_its_own_rate_and_old_bills_keep_theirs(client, admin, phone):
    status, _ = _admin_put(client, admin, "/api/v1/admin/seasons",
                           {"id": "2027-2028", "starts_on": "2027-11-15", "ends_on": "2028-03-15"}, "post")
    assert status == 201
    status, _ = _admin_put(client, admin, "/api/v1/admin/seasons/2027-2028/rates",
                           {"rates": [{"category": "residential", "price_yuan": "26.00"},
                                      {"category": "non_residential", "zone": "core6", "price_yuan": "45.00"}]})
    assert status == 200
    phone.pull_all()
    payer = next(h for h in phone.households.values()
                 if h["status"] == "active" and h["category"] == "residential" and h["bills"][-1]["balance_fen"] == 0)
    # 500.00 beyond every open bill becomes credit (预存) ...
    status, body = phone.push([phone.payment(payer["id"], 50000, season=None)])
    assert "overpaid" in body["results"][0]["flags"]
    status, body = _admin_put(client, admin, "/api/v1/admin/seasons/2027-2028/bills", {}, "post")
    assert status == 200 and body["issued"] == 200
    new = db.session.scalar(sa.select(Bill).where(Bill.household_id == payer["id"], Bill.season_id == "2027-2028"))
    old = db.session.scalar(sa.select(Bill).where(Bill.household_id == payer["id"], Bill.season_id == "2026-2027"))
    assert str(new.price_yuan) == "26.00" and str(old.price_yuan) == "24.00"
    # ... and rolls onto the next season's bill when it is issued
    assert new.paid_fen == min(50000, new.due_fen)
    assert body["credit_applied_fen"] >= new.paid_fen
    check_invariants()


def test_season_dates_that_make_no_sense_are_refused(client, admin):
    status, body = _admin_put(client, admin, "/api/v1/admin/seasons",
                              {"id": "2027-2028", "starts_on": "2028-03-15", "ends_on": "2027-11-15"}, "post")
    assert status == 400 and body["error"]["code"] == "validation_failed"
