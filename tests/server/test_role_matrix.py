"""Issue 12, item 8: every route of the API × no token, collector, clerk, admin.

The roles each endpoint allows are pinned here (PROTOCOL.md, Authentication; OFFICE.md: a collector gets
403 on the office's API, an endpoint marked (admin) answers 403 to a clerk). A route added without a line
here fails; a route whose decorator allows other roles than pinned fails; and each identity is tried
against each route: allowed → never 401 or 403, refused → 403 (401 without a token)."""
import re

import pytest

PUBLIC = {"auth.login", "openapi.openapi"}
# Pages outside the API, each open without sign-in: the apps' shells, health, metrics (OFFICE.md, Operations)
# and the payer's checks that a QR code opens: a receipt's (PROTOCOL.md, Receipts) and a notice's or lawyer
# letter's (issue 15, item 1). A page added without a line here fails, so none is public by accident.
PUBLIC_PAGES = {"static", "metrics.metrics", "web.healthz", "web.root", "web.app_shell", "web.console",
                "web.receipt", "web.document_check"}
PAYER_CHECKS = {"web.receipt": "/r/AB123-000001?c=x", "web.document_check": "/d/1?t=x"}
EVERYONE, OFFICE, ADMIN = ("collector", "clerk", "admin"), ("clerk", "admin"), ("admin",)
ROLES = {
    "auth.logout": EVERYONE, "auth.password": EVERYONE,
    "sync_api.pull": EVERYONE, "sync_api.push": EVERYONE, "sync_api.put_attachment": EVERYONE,
    "sync_api.get_attachment": EVERYONE, "sync_api.import_outbox": OFFICE,
    "review.list_items": OFFICE, "review.resolve": OFFICE, "review.rejected": OFFICE, "review.detail": OFFICE,
    "review.bulk": OFFICE,
    "admin.devices": ADMIN, "admin.revoke": ADMIN, "admin.assignments": ADMIN, "admin.buildings": OFFICE,
    "admin.schedule": ADMIN, "admin.get_assignments": ADMIN,
    "fees.settings": OFFICE, "fees.put_setting": ADMIN, "fees.seasons": OFFICE, "fees.create_season": ADMIN,
    "fees.patch_season": ADMIN, "fees.put_rates": ADMIN, "fees.issue_bills": ADMIN,
    "fees.rates": OFFICE,
    "ledgers.daily": OFFICE, "ledgers.close": OFFICE, "ledgers.weekly": OFFICE, "ledgers.monthly": OFFICE,
    "ledgers.total": OFFICE, "ledgers.hand_over": OFFICE, "ledgers.list_handovers": OFFICE,
    "ledgers.correct_handover": OFFICE, "documents.notices": OFFICE, "documents.lawyer_letters": OFFICE,
    "documents.job": OFFICE, "documents.job_file": OFFICE, "documents.documents": OFFICE,
    "documents.document": OFFICE, "documents.document_file": OFFICE, "documents.delivery": OFFICE,
    "documents.sign": OFFICE, "dunning.queue": OFFICE,
    "users.list_users": ADMIN, "users.create_user": ADMIN, "users.update_user": ADMIN,
    "audit.entries": OFFICE, "households.search": OFFICE, "households.detail": OFFICE, "households.debts": OFFICE,
    "estate.projects": OFFICE, "estate.grid": OFFICE,
    "estate.create_project": ADMIN, "estate.create_building": ADMIN, "imports.households": ADMIN,
    "imports.households_template": OFFICE, "households.export": OFFICE,
    "households.area": OFFICE, "households.transfer": OFFICE, "households.open_household": OFFICE, "suspensions.apply": OFFICE, "suspensions.approve": OFFICE,
    "suspensions.reject": OFFICE, "suspensions.end": OFFICE,
    "complaints.open_complaint": OFFICE, "complaints.list_complaints": OFFICE, "complaints.complaint": OFFICE,
    "complaints.follow_up": OFFICE, "complaints.close": OFFICE, "complaints.satisfaction": OFFICE,
    "refunds.propose": OFFICE, "refunds.list_refunds": OFFICE, "refunds.approve": OFFICE, "refunds.reject": OFFICE,
    "refunds.pay": OFFICE,
}
PATH_VALUES = {"sha256": "0" * 64, "item_id": "1", "device_id": "00000000-0000-0000-0000-000000000000",
               "username": "c05", "key": "suspension", "season_id": "2026-2027", "job_id": "nope",
               "household_id": "nope", "building_id": "1", "document_id": "1", "handover_id": "1",
               "project_id": "1", "suspension_id": "1", "complaint_id": "1",
               "refund_id": "1"}


def api_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def test_every_api_route_is_pinned_and_its_decorator_allows_exactly_the_pinned_roles(app):
    seen = {}
    for rule, _ in api_routes(app):
        view = app.view_functions[rule.endpoint]
        seen[rule.endpoint] = None if rule.endpoint in PUBLIC else getattr(view, "roles", "not authenticated")
    assert set(seen) == set(ROLES) | PUBLIC, set(seen) ^ (set(ROLES) | PUBLIC)
    wrong = {e: r for e, r in seen.items() if e not in PUBLIC and tuple(sorted(r)) != tuple(sorted(ROLES[e]))}
    assert not wrong, wrong


@pytest.mark.parametrize("who", ["none", "collector", "clerk", "admin"])
def test_each_identity_is_let_in_exactly_where_its_role_is_allowed(app, client, phone, clerk, admin, who):
    identity = {"none": None, "collector": phone, "clerk": clerk, "admin": admin}[who]
    headers = {"Accept-Language": "en", **(identity.headers if identity else {})}
    wrong = []
    for rule, method in api_routes(app):
        if rule.endpoint in PUBLIC or rule.endpoint == "auth.logout":  # logout would end the identity's token
            continue
        path = _fill(rule)
        r = client.open(path, method=method, json={}, headers=headers)
        if who == "none":
            ok = r.status_code == 401
        elif who in ROLES[rule.endpoint]:
            ok = r.status_code not in (401, 403) or (r.status_code == 403 and r.get_json()["error"]["code"]
                                                     == "device_mismatch")
        else:
            ok = r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"
        if not ok:
            wrong.append((method, path, r.status_code, r.get_json()))
    assert not wrong, wrong


def test_every_page_outside_the_api_is_pinned_as_public(app):
    pages = {rule.endpoint for rule in app.url_map.iter_rules() if not rule.rule.startswith("/api/v1/")}
    assert pages == PUBLIC_PAGES, pages ^ PUBLIC_PAGES


@pytest.mark.parametrize("endpoint", sorted(PAYER_CHECKS))
def test_a_payers_check_page_opens_without_sign_in_and_as_html(client, endpoint):
    r = client.get(PAYER_CHECKS[endpoint])  # no token: a payer's phone camera
    assert r.status_code in (200, 404) and r.mimetype == "text/html", (endpoint, r.status_code, r.data[:200])


def _fill(rule) -> str:
    """The route with a plausible value in each of its parts (the role is checked before the part is read)."""
    path = rule.rule
    for whole, name in re.findall(r"(<(?:[^:<>]+:)?([^<>]+)>)", path):
        path = path.replace(whole, PATH_VALUES.get(name, "x"))
    return path
