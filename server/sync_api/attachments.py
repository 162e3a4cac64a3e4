"""Content-addressed photos (PROTOCOL.md, Photos). The path comes from the verified hash, never from input.
The only module that imports Pillow (STYLE.md habit 8): a photo is decoded before it is kept."""
import hashlib
import io
import os
import re
import threading
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from PIL import Image

from ..changes import begin_write
from ..errors import ApiError
from ..extensions import db
from ..models import Attachment, FieldRecord, Household

MAX_BYTES = 2 * 1024 * 1024
_HEX = re.compile(r"^[0-9a-f]{64}$")
_MAGIC = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))
_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
# A phone's photo is a few megapixels; a small file that unpacks to more is a decompression bomb.
MAX_PIXELS = 40_000_000


def sniff(body: bytes) -> str | None:
    for magic, kind in _MAGIC:
        if body.startswith(magic):
            return kind
    if body[:4] == b"RIFF" and body[8:12] == b"WEBP":
        return "image/webp"
    return None


def decoded_kind(body: bytes) -> str | None:
    """The image's type if the whole of it decodes as the JPEG, PNG or WebP its first bytes claim; else None.
    First bytes alone let through an HTML page that starts like a JPEG (issue 11)."""
    kind = sniff(body)
    if kind is None:
        return None
    try:
        with Image.open(io.BytesIO(body)) as image:
            if _FORMATS.get(image.format) != kind or image.width * image.height > MAX_PIXELS:
                return None
            image.verify()  # the file's structure: chunks and their checksums, through to its end
        with Image.open(io.BytesIO(body)) as image:
            image.load()  # every pixel decoded: a forged body that passes the structure fails here
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None
    return kind


def store(sha256: str, body: bytes, user_id: int) -> bool:
    sha256 = sha256.lower()
    if not _HEX.match(sha256):
        raise ApiError("bad_request", {"field": "sha256"})
    if len(body) > MAX_BYTES:
        raise ApiError("payload_too_large", {"max_bytes": MAX_BYTES})
    if hashlib.sha256(body).hexdigest() != sha256:
        raise ApiError("hash_mismatch")
    kind = decoded_kind(body)
    if kind is None:
        raise ApiError("unsupported_media_type")
    folder = Path(current_app.config["ATTACHMENTS_DIR"]) / sha256[:2]
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / sha256
    if not target.exists():  # the same bytes under the same name: writing them twice is harmless
        tmp = folder / f".{sha256}.{os.getpid()}.{threading.get_ident()}.tmp"
        tmp.write_bytes(body)
        os.replace(tmp, target)
    begin_write()  # read, then write: under the write lock, so a push on another worker never makes it fail
    if db.session.get(Attachment, sha256) is not None:
        db.session.rollback()
        return False
    db.session.add(Attachment(sha256=sha256, content_type=kind, size=len(body), uploaded_by=user_id))
    db.session.commit()
    return True


def fetch(sha256: str, user) -> tuple[Path, str]:
    """(path, content type) of a photo for this user: any for the office; for a collector only one that a
    household in their scope refers to (OFFICE.md); 404 for everyone else, so its existence is not told."""
    sha256 = sha256.lower()
    row = db.session.get(Attachment, sha256) if _HEX.match(sha256) else None
    if row is None or (user.role == "collector" and not _in_scope(sha256, user.id)):
        raise ApiError("not_found")
    path = path_of(sha256)
    if not path.is_file():
        raise ApiError("not_found", {"reason": "the file is gone"})
    return path, row.content_type


def _in_scope(sha256: str, user_id: int) -> bool:
    from .pull import scope_buildings
    buildings = scope_buildings(user_id)
    if not buildings:
        return False
    return db.session.scalar(sa.select(FieldRecord.id).join(Household, Household.id == FieldRecord.household_id)
                             .where(Household.building_id.in_(buildings),
                                    sa.cast(FieldRecord.data, sa.Text).contains(sha256)).limit(1)) is not None


def path_of(sha256: str) -> Path:
    return Path(current_app.config["ATTACHMENTS_DIR"]) / sha256[:2] / sha256
