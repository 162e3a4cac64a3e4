"""Sign-in, device enrolment, console sessions, bearer tokens and roles (PROTOCOL.md, Authentication;
OFFICE.md, Users and sessions)."""
import hashlib
import secrets
from datetime import timedelta
from functools import wraps
from uuid import uuid4

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, g, request

from ..changes import audit, begin_write
from ..errors import ApiError
from ..extensions import db
from ..models import ConsoleSession, Device, LoginAttempt, User, utcnow
from ..timefmt import iso_utc

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("timing-equaliser")
MAX_FAILURES, FAILURE_WINDOW = 5, timedelta(minutes=10)
MIN_PASSWORD = 8
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: the code is read off paper receipts
# OFFICE.md: a console sign-in names no device, or "console"; it enrols no phone device. Only the office's
# roles have one: a collector's sign-in is always a phone's (PROTOCOL.md: each login enrols a device).
CONSOLE_NAMES = ("", "console")
OFFICE_ROLES = ("clerk", "admin")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(user: User | None, password: str) -> bool:
    """Argon2 check; the same work for an unknown user, so timing does not tell who exists."""
    try:
        return _hasher.verify(user.password_hash if user else _DUMMY_HASH, password) and user is not None
    except (VerificationError, InvalidHashError):
        return False


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _recent_failures(username: str, now) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt).where(
        LoginAttempt.username == username, LoginAttempt.at > now - FAILURE_WINDOW))


def _new_device_code() -> str:
    for length in (4, 4, 4, 5, 5, 5):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))
        if db.session.scalar(sa.select(Device.id).where(Device.code == code)) is None:
            return code
    raise ApiError("conflict")


def login(username: str, password: str, device_name: str) -> dict:
    """Check the password, then enrol a device (a phone) or open a console session; count failures.

    The password is checked first, outside any lock (argon2 takes tens of milliseconds); the failures are
    then counted again and the attempt or the sign-in written under the write lock (changes.begin_write), so
    a sign-in while collectors push neither fails on a busy database nor goes uncounted (issue 11)."""
    username = username.strip()
    if _recent_failures(username, utcnow()) >= MAX_FAILURES:
        raise _too_many()
    user = db.session.scalar(sa.select(User).where(User.username == username))
    ok = password_matches(user, password)
    user_id = user.id if user is not None else None
    disabled = ok and not user.active
    console = ok and user.role in OFFICE_ROLES and device_name.strip() in CONSOLE_NAMES
    begin_write()
    now = utcnow()
    if _recent_failures(username, now) >= MAX_FAILURES:  # others failed meanwhile: this one waits too
        db.session.rollback()
        raise _too_many()
    if not ok:
        db.session.add(LoginAttempt(username=username, at=now))
        db.session.commit()
        raise ApiError("bad_credentials")
    if disabled:  # the right password of a deactivated account: say so, count nothing
        db.session.rollback()
        raise ApiError("account_disabled")
    token = secrets.token_urlsafe(32)
    expires = now + timedelta(days=current_app.config["TOKEN_DAYS"])
    answer = {"token": token, "device_id": None, "device_code": None, "device_secret": None,
              "server_time": iso_utc(now), "token_expires_at": iso_utc(expires)}
    if console:
        db.session.add(ConsoleSession(user_id=user_id, token_hash=token_hash(token), expires_at=expires))
    else:
        device = Device(id=str(uuid4()), user_id=user_id, name=device_name or "", code=_new_device_code(),
                        secret=secrets.token_hex(16), token_hash=token_hash(token), token_expires_at=expires,
                        last_seen_at=now)
        db.session.add(device)
        answer.update(device_id=device.id, device_code=device.code, device_secret=device.secret)
    db.session.execute(sa.update(User).where(User.id == user_id).values(last_login_at=now))
    db.session.commit()
    return {**answer, "user": db.session.get(User, user_id)}


def _too_many() -> ApiError:
    return ApiError("too_many_attempts", {"retry_after_seconds": int(FAILURE_WINDOW.total_seconds())})


def logout() -> None:
    """End the sign-in of this request: its token is refused from now on (401 token_expired), on every worker."""
    device, session = g.device, g.console_session
    begin_write()
    now = utcnow()
    if device is not None:
        db.session.execute(sa.update(Device).where(Device.id == device.id, Device.signed_out_at.is_(None))
                           .values(signed_out_at=now))
    else:
        db.session.execute(sa.update(ConsoleSession).where(ConsoleSession.id == session.id,
                                                           ConsoleSession.ended_at.is_(None)).values(ended_at=now))
    db.session.commit()


def change_password(user: User, old_password: str, new_password: str) -> None:
    """Anyone's own password (OFFICE.md): the old one first; wrong: 401 bad_credentials."""
    user_id = user.id
    if not password_matches(user, old_password):
        raise ApiError("bad_credentials")
    check_password_rule(new_password)
    new_hash = hash_password(new_password)
    begin_write()
    db.session.execute(sa.update(User).where(User.id == user_id).values(password_hash=new_hash))
    audit("user.password_changed", "user", user_id, None, None, "own password", user_id)
    db.session.commit()


def check_password_rule(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ApiError("validation_failed", {"fields": {"password": [f"at least {MIN_PASSWORD} characters"]}})


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header[:7].lower() == "bearer " else None


# Built once: every request of a phone or a clerk runs it (a statement built per call costs more than its run).
_BY_TOKEN = sa.select(Device, User).join(User, User.id == Device.user_id) \
    .where(Device.token_hash == sa.bindparam("token_hash"))
_SESSION_BY_TOKEN = sa.select(ConsoleSession, User).join(User, User.id == ConsoleSession.user_id) \
    .where(ConsoleSession.token_hash == sa.bindparam("token_hash"))


def _signed_in(token: str, allow_revoked: bool):
    """(user, device or None, console session or None) of a bearer token, or the reason it is refused."""
    hashed = {"token_hash": token_hash(token)}
    row = db.session.execute(_BY_TOKEN, hashed).first()
    if row is not None:
        device, user = row
        if device.signed_out_at is not None:
            raise ApiError("token_expired")
        if device.revoked_at is not None and not allow_revoked:
            raise ApiError("device_revoked")
        if device.revoked_at is None and device.token_expires_at < utcnow():
            raise ApiError("token_expired")
        return user, device, None
    row = db.session.execute(_SESSION_BY_TOKEN, hashed).first()
    if row is None:
        raise ApiError("unauthorized")
    session, user = row
    if session.ended_at is not None or session.expires_at < utcnow():
        raise ApiError("token_expired")
    return user, None, session


def authenticate(*roles: str, allow_revoked: bool = False, needs_device: bool = False):
    """Decorator: a valid bearer token of one of `roles`; sets g.user, g.device and g.console_session.

    A revoked device is turned away (401 device_revoked) except where `allow_revoked`: its pushes are
    still taken and held, because the cash it recorded exists (PROTOCOL.md, Authentication). A deactivated
    user's every token is refused at once (401 account_disabled). `needs_device`: the phone's endpoints
    (pull, push, photos), which a console session, having no device, is refused (403 forbidden).
    """
    def wrap(view):
        @wraps(view)
        def inner(*args, **kwargs):
            token = _bearer()
            if not token:
                raise ApiError("unauthorized")
            user, device, session = _signed_in(token, allow_revoked)
            if not user.active:
                raise ApiError("account_disabled")
            if roles and user.role not in roles:
                raise ApiError("forbidden")
            if needs_device and device is None:
                raise ApiError("forbidden", {"reason": "a console sign-in has no device: sign in from the app"})
            g.user, g.device, g.console_session = user, device, session
            return view(*args, **kwargs)
        inner.roles = roles  # read by the role matrix test (tests/server/test_role_matrix.py)
        return inner
    return wrap
