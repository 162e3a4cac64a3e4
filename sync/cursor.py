"""Pull cursors (PROTOCOL.md, Pull): opaque to the phone, honoured only for the same database and user.

A cursor carries the database epoch (changed by a restore), the user, the change_seq reached and, while
a snapshot is being paged, the last household id sent. Anything the server cannot honour decodes to None
and the pull answers with `reset: true` and a fresh snapshot, never an error.
"""
import base64
import hashlib
import hmac
from dataclasses import dataclass


@dataclass(frozen=True)
class Cursor:
    epoch: str
    user_id: int
    change_seq: int
    after_household: str | None = None  # set while a snapshot is still being paged


def _sign(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()[:16]


def encode(c: Cursor, key: bytes) -> str:
    text = f"1|{c.epoch}|{c.user_id}|{c.change_seq}|{c.after_household or ''}"
    token = f"{text}|{_sign(key, text)}"
    return base64.urlsafe_b64encode(token.encode()).decode().rstrip("=")


def decode(value: str | None, key: bytes, epoch: str, user_id: int) -> Cursor | None:
    if not value or len(value) > 300:
        return None
    try:
        token = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        version, c_epoch, c_user, c_seq, after, sig = token.split("|")
        if version != "1" or not hmac.compare_digest(sig, _sign(key, token.rsplit("|", 1)[0])):
            return None
        cursor = Cursor(c_epoch, int(c_user), int(c_seq), after or None)
    except (ValueError, UnicodeDecodeError):
        return None
    if cursor.epoch != epoch or cursor.user_id != user_id or cursor.change_seq < 0:
        return None
    return cursor
