"""Content-addressed photos (PROTOCOL.md, Photos). The path comes from the verified hash, never from input."""
import hashlib
import os
import re
from pathlib import Path

from flask import current_app

from ..errors import ApiError
from ..extensions import db
from ..models import Attachment

MAX_BYTES = 2 * 1024 * 1024
_HEX = re.compile(r"^[0-9a-f]{64}$")
_MAGIC = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))


def sniff(body: bytes) -> str | None:
    for magic, kind in _MAGIC:
        if body.startswith(magic):
            return kind
    if body[:4] == b"RIFF" and body[8:12] == b"WEBP":
        return "image/webp"
    return None


def store(sha256: str, body: bytes, user_id: int) -> bool:
    sha256 = sha256.lower()
    if not _HEX.match(sha256):
        raise ApiError("bad_request", {"field": "sha256"})
    if len(body) > MAX_BYTES:
        raise ApiError("payload_too_large", {"max_bytes": MAX_BYTES})
    if hashlib.sha256(body).hexdigest() != sha256:
        raise ApiError("hash_mismatch")
    kind = sniff(body)
    if kind is None:
        raise ApiError("unsupported_media_type")
    if db.session.get(Attachment, sha256) is not None:
        return False
    folder = Path(current_app.config["ATTACHMENTS_DIR"]) / sha256[:2]
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / sha256
    tmp = folder / f".{sha256}.{os.getpid()}.tmp"
    tmp.write_bytes(body)
    os.replace(tmp, target)
    db.session.add(Attachment(sha256=sha256, content_type=kind, size=len(body), uploaded_by=user_id))
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        if db.session.get(Attachment, sha256) is None:
            raise
        return False
    return True


def path_of(sha256: str) -> Path:
    return Path(current_app.config["ATTACHMENTS_DIR"]) / sha256[:2] / sha256
