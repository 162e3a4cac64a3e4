"""OFFICE.md, Users and sessions: an admin creates and changes users, a deactivated user's tokens die at
once, everyone changes their own password, and a console sign-in is no phone device."""
import sqlalchemy as sa

from server.extensions import db
from server.models import AuditLog, ConsoleSession, Device, User

USERS = "/api/v1/admin/users"


def sign_in(client, username, password, device_name="console"):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password,
                                                   "device_name": device_name})


def create(client, admin, **fields):
    body = {"username": "c09", "name": "王小明", "role": "collector", "password": "harbin-2026", **fields}
    return client.post(USERS, json=body, headers=admin.headers)


def test_an_admin_creates_a_collector_who_then_signs_in_and_pulls(client, admin):
    r = create(client, admin)
    assert r.status_code == 201
    assert r.get_json() == {"username": "c09", "name": "王小明", "role": "collector", "active": True,
                            "last_login_at": None}
    r = sign_in(client, "c09", "harbin-2026", "phone")
    assert r.status_code == 200 and r.get_json()["device_code"]
    token = r.get_json()["token"]
    assert client.get("/api/v1/sync/pull", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    listed = {u["username"]: u for u in client.get(USERS, headers=admin.headers).get_json()["items"]}
    assert listed["c09"]["last_login_at"] is not None and {"admin", "clerk", "c01"} <= set(listed)
    audit = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "user.created"))
    assert audit.after["username"] == "c09" and "password" not in str(audit.after)


def test_a_taken_username_is_409_and_a_short_password_400(client, admin):
    r = create(client, admin, username="c01")
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "username_taken"
    r = create(client, admin, password="short")
    assert r.status_code == 400 and "password" in r.get_json()["error"]["details"]["fields"]
    r = create(client, admin, role="boss")
    assert r.status_code == 400


def test_deactivating_a_user_ends_their_tokens_at_once_and_their_sign_in(client, admin):
    clerk = sign_in(client, "clerk", "demo-clerk").get_json()["token"]
    headers = {"Authorization": f"Bearer {clerk}"}
    assert client.get("/api/v1/review", headers=headers).status_code == 200
    r = client.patch(f"{USERS}/clerk", json={"active": False}, headers=admin.headers)
    assert r.status_code == 200 and r.get_json()["active"] is False
    r = client.get("/api/v1/review", headers=headers)
    assert r.status_code == 401 and r.get_json()["error"]["code"] in ("token_expired", "account_disabled")
    r = sign_in(client, "clerk", "demo-clerk")
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "account_disabled"
    assert sign_in(client, "clerk", "wrong-password").get_json()["error"]["code"] == "bad_credentials"
    # reactivated, the old token stays dead; a fresh sign-in works
    client.patch(f"{USERS}/clerk", json={"active": True}, headers=admin.headers)
    assert client.get("/api/v1/review", headers=headers).status_code == 401
    assert sign_in(client, "clerk", "demo-clerk").status_code == 200


def test_an_admin_changes_name_and_role_and_resets_a_password(client, admin):
    r = client.patch(f"{USERS}/c05", json={"name": "赵五", "role": "clerk", "password": "new-pass-55"},
                     headers=admin.headers)
    assert r.status_code == 200 and r.get_json()["name"] == "赵五" and r.get_json()["role"] == "clerk"
    assert sign_in(client, "c05", "demo-c05").status_code == 401
    assert sign_in(client, "c05", "new-pass-55").status_code == 200
    audit = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "user.updated")).all()[-1]
    assert audit.before["role"] == "collector" and audit.after["role"] == "clerk" and audit.after["password"] == "reset"
    assert client.patch(f"{USERS}/nobody", json={"name": "x"}, headers=admin.headers).status_code == 404


def test_an_admin_cannot_lock_themselves_out(client, admin):
    r = client.patch(f"{USERS}/admin", json={"active": False}, headers=admin.headers)
    assert r.status_code == 400


def test_users_are_for_admins_only(client, clerk, phone):
    for who in (clerk, phone):
        assert client.get(USERS, headers=who.headers).status_code == 403
        assert create(client, who).status_code == 403
    assert client.get(USERS).status_code == 401


def test_everyone_changes_their_own_password_with_the_old_one(client, phone):
    r = client.post("/api/v1/auth/password", json={"old_password": "wrong", "new_password": "longer-one-1"},
                    headers=phone.headers)
    assert r.status_code == 401
    r = client.post("/api/v1/auth/password", json={"old_password": "demo-c01", "new_password": "short"},
                    headers=phone.headers)
    assert r.status_code == 400
    r = client.post("/api/v1/auth/password", json={"old_password": "demo-c01", "new_password": "longer-one-1"},
                    headers=phone.headers)
    assert r.status_code == 204
    assert sign_in(client, "c01", "demo-c01", "phone").status_code == 401
    assert sign_in(client, "c01", "longer-one-1", "phone").status_code == 200


def test_a_console_sign_in_enrols_no_phone_device_and_cannot_push(client):
    devices = db.session.scalar(sa.select(sa.func.count()).select_from(Device))
    for name in ("console", ""):
        r = sign_in(client, "clerk", "demo-clerk", name)
        assert r.status_code == 200 and r.get_json()["device_id"] is None and r.get_json()["token"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Device)) == devices
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConsoleSession)) == 2
    token = r.get_json()["token"]
    r = client.post("/api/v1/sync/push", json={"device_id": "x", "ops": []}, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 403
    # a collector's sign-in is always a phone's, whatever it names (PROTOCOL.md: each login enrols a device)
    assert sign_in(client, "c01", "demo-c01", "").get_json()["device_id"]
    assert client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"}).status_code == 204
    r = client.get("/api/v1/review", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "token_expired"
    assert db.session.get(User, 1) is not None
