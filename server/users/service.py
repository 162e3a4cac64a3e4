"""Users, as an admin manages them (OFFICE.md, Users and sessions): create, change, deactivate.

Every change is audited (who, when, before, after; never a password or its hash). Deactivating ends the
user's sign-ins at once: their console sessions and devices are closed, so reactivating later does not
bring an old token back (its next call: 401 token_expired; meanwhile 401 account_disabled)."""
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..auth.service import check_password_rule, hash_password
from ..changes import audit, begin_write
from ..errors import ApiError
from ..extensions import db
from ..models import ConsoleSession, Device, User, utcnow
from ..timefmt import iso_utc


def view(user: User) -> dict:
    return {"username": user.username, "name": user.name, "role": user.role, "active": user.active,
            "last_login_at": iso_utc(user.last_login_at)}


def list_users(role: str | None, page: int, per_page: int) -> dict:
    query, count = sa.select(User), sa.select(sa.func.count()).select_from(User)
    if role:
        query, count = query.where(User.role == role), count.where(User.role == role)
    users = db.session.scalars(query.order_by(User.username).limit(per_page).offset((page - 1) * per_page))
    return {"items": [view(u) for u in users], "total": db.session.scalar(count)}


def create_user(username: str, name: str, role: str, password: str, admin_id: int) -> dict:
    check_password_rule(password)
    password_hash = hash_password(password)  # slow: outside the write lock
    begin_write()
    if db.session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        db.session.rollback()
        raise ApiError("username_taken", {"username": username})
    user = User(username=username, name=name.strip(), role=role, password_hash=password_hash, active=True)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:  # a username differing only where the engine compares alike
        db.session.rollback()
        raise ApiError("username_taken", {"username": username}) from None
    audit("user.created", "user", user.id, None, _audited(user), None, admin_id)
    db.session.commit()
    return view(user)


def update_user(username: str, changes: dict, admin_id: int) -> dict:
    if "password" in changes:
        check_password_rule(changes["password"])
        new_hash = hash_password(changes.pop("password"))
    else:
        new_hash = None
    begin_write()
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        raise ApiError("not_found", {"username": username})
    if user.id == admin_id and (changes.get("active") is False or changes.get("role", "admin") != "admin"):
        raise ApiError("validation_failed", {"fields": {"active": ["an admin cannot lock themselves out"]}})
    before = _audited(user)
    for field in ("name", "role", "active"):
        if field in changes:
            setattr(user, field, changes[field].strip() if field == "name" else changes[field])
    if new_hash is not None:
        user.password_hash = new_hash
    now = utcnow()
    if changes.get("active") is False and before["active"]:
        _end_sign_ins(user.id, now)
    after = _audited(user)
    if after != before or new_hash is not None:
        audit("user.updated", "user", user.id, before, {**after, **({"password": "reset"} if new_hash else {})},
              None, admin_id, now)
    db.session.commit()
    return view(user)


def _end_sign_ins(user_id: int, now) -> None:
    db.session.execute(sa.update(ConsoleSession).where(ConsoleSession.user_id == user_id,
                                                       ConsoleSession.ended_at.is_(None)).values(ended_at=now))
    db.session.execute(sa.update(Device).where(Device.user_id == user_id, Device.signed_out_at.is_(None))
                       .values(signed_out_at=now))


def _audited(user: User) -> dict:
    return {"username": user.username, "name": user.name, "role": user.role, "active": user.active}
