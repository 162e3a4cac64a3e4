"""Issue 11: a sign-out ends its token at once; a revoked device is told so while its work is still taken;
a photo is decoded, not judged by its first bytes."""
import hashlib
import io

import pytest
from PIL import Image


def image_bytes(fmt: str, seed: int = 0) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), (seed % 256, 40, 200)).save(out, format=fmt)
    return out.getvalue()


def put(phone, body: bytes):
    return phone.client.put(f"/api/v1/attachments/{hashlib.sha256(body).hexdigest()}", data=body,
                            headers=phone.headers)


def test_after_sign_out_the_token_is_refused_everywhere(phone, clerk):
    r = phone.client.post("/api/v1/auth/logout", headers=phone.headers)
    assert r.status_code == 204
    status, body = phone.pull()
    assert status == 401 and body["error"]["code"] == "token_expired"
    status, body = phone.push([])
    assert status == 401 and body["error"]["code"] == "token_expired"
    r = phone.client.post("/api/v1/auth/logout", headers=phone.headers)
    assert r.status_code == 401
    # another sign-in of the same collector is untouched, and a clerk's sign-out ends only the clerk's
    r = clerk.client.post("/api/v1/auth/logout", headers=clerk.headers)
    assert r.status_code == 204
    assert clerk.client.get("/api/v1/review", headers=clerk.headers).status_code == 401


def test_a_revoked_device_still_delivers_but_its_answers_say_it_is_revoked(phone, desk):
    phone.pull_all()
    hid = next(iter(phone.households))
    desk.revoke(phone.device_id)
    status, body = phone.push([phone.payment(hid, 100)])
    assert status == 200 and body["device_revoked"] is True and body["results"][0]["status"] == "held"
    r = put(phone, image_bytes("PNG", 1))
    assert r.status_code == 201 and r.get_json()["device_revoked"] is True
    status, body = phone.pull()
    assert status == 401 and body["error"]["code"] == "device_revoked"


def test_a_push_of_a_device_in_good_standing_does_not_mention_revocation(phone):
    status, body = phone.push([])
    assert status == 200 and "device_revoked" not in body


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_real_photos_of_each_format_are_kept(phone, fmt):
    r = put(phone, image_bytes(fmt, 7))
    assert r.status_code == 201, r.get_json()


@pytest.mark.parametrize("body", [
    b"\xff\xd8\xff\xe0<html><script>alert(1)</script></html>",  # starts like a JPEG, is a page
    image_bytes("PNG", 3)[:-30],  # cut off before its end
    b"RIFF\x10\x00\x00\x00WEBPVP8 garbage",
    image_bytes("GIF", 4),  # an image, but not one of the three formats
], ids=["html-as-jpeg", "truncated-png", "fake-webp", "gif"])
def test_a_body_that_does_not_decode_as_the_image_it_claims_is_refused(phone, body):
    r = put(phone, body)
    assert r.status_code == 415 and r.get_json()["error"]["code"] == "unsupported_media_type"
