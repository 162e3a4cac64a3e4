"""Sign-in, device enrolment, bearer tokens and roles (PROTOCOL.md, Authentication)."""
import hashlib
import secrets
from datetime import timedelta
from functools import wraps
from uuid import uuid4

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, g, request

from ..changes import begin_write
from ..errors import ApiError
from ..extensions import db
from ..models import Device, LoginAttempt, User, utcnow
from ..timefmt import iso_utc

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("timing-equaliser")
MAX_FAILURES, FAILURE_WINDOW = 5, timedelta(minutes=10)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: the code is read off paper receipts


def hash_password(password: str) -> str:
    return _hasher.hash(password)


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
    """Check the password, enrol a device and hand out its token; count failures for the rate limit.

    The password is checked first, outside any lock (argon2 takes tens of milliseconds); the failures are
    then counted again and the attempt or the device written under the write lock (changes.begin_write), so
    a sign-in while collectors push neither fails on a busy database nor goes uncounted (issue 11)."""
    username = username.strip()
    if _recent_failures(username, utcnow()) >= MAX_FAILURES:
        raise _too_many()
    user = db.session.scalar(sa.select(User).where(User.username == username))
    try:
        ok = _hasher.verify(user.password_hash if user else _DUMMY_HASH, password) and user is not None \
            and user.active
    except (VerificationError, InvalidHashError):
        ok = False
    user_id = user.id if user is not None else None
    begin_write()
    now = utcnow()
    if _recent_failures(username, now) >= MAX_FAILURES:  # others failed meanwhile: this one waits too
        db.session.rollback()
        raise _too_many()
    if not ok:
        db.session.add(LoginAttempt(username=username, at=now))
        db.session.commit()
        raise ApiError("bad_credentials")
    token = secrets.token_urlsafe(32)
    device = Device(id=str(uuid4()), user_id=user_id, name=device_name or "", code=_new_device_code(),
                    secret=secrets.token_hex(16), token_hash=token_hash(token),
                    token_expires_at=now + timedelta(days=current_app.config["TOKEN_DAYS"]), last_seen_at=now)
    db.session.add(device)
    db.session.commit()
    user = db.session.get(User, user_id)
    return {"token": token, "device_id": device.id, "device_code": device.code, "device_secret": device.secret,
            "user": user, "server_time": iso_utc(now), "token_expires_at": iso_utc(device.token_expires_at)}


def _too_many() -> ApiError:
    return ApiError("too_many_attempts", {"retry_after_seconds": int(FAILURE_WINDOW.total_seconds())})


def logout(device: Device) -> None:
    """End this sign-in: its token is refused from now on (401 token_expired), on every worker at once."""
    device_id = device.id
    begin_write()
    db.session.execute(sa.update(Device).where(Device.id == device_id, Device.signed_out_at.is_(None))
                       .values(signed_out_at=utcnow()))
    db.session.commit()


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header[:7].lower() == "bearer " else None


# Built once: every request of a phone or a clerk runs it (a statement built per call costs more than its run).
_BY_TOKEN = sa.select(Device, User).join(User, User.id == Device.user_id) \
    .where(Device.token_hash == sa.bindparam("token_hash"))


def authenticate(*roles: str, allow_revoked: bool = False):
    """Decorator: a valid bearer token of one of `roles`; sets g.user and g.device.

    A revoked device is turned away (401 device_revoked) except where `allow_revoked`: its pushes are
    still taken and held, because the cash it recorded exists (PROTOCOL.md, Authentication).
    """
    def wrap(view):
        @wraps(view)
        def inner(*args, **kwargs):
            token = _bearer()
            if not token:
                raise ApiError("unauthorized")
            row = db.session.execute(_BY_TOKEN, {"token_hash": token_hash(token)}).first()
            if row is None:
                raise ApiError("unauthorized")
            device, user = row
            if device.signed_out_at is not None:
                raise ApiError("token_expired")
            if device.revoked_at is not None and not allow_revoked:
                raise ApiError("device_revoked")
            if device.revoked_at is None and device.token_expires_at < utcnow():
                raise ApiError("token_expired")
            if not user.active:
                raise ApiError("unauthorized")
            if roles and user.role not in roles:
                raise ApiError("forbidden")
            g.user, g.device = user, device
            return view(*args, **kwargs)
        return inner
    return wrap
