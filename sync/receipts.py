"""Receipt check codes (PROTOCOL.md, Receipts): what the QR code on a paper or screen receipt carries."""
import base64
import hashlib
import hmac


def check_code(device_secret: str, receipt_no: str, household_id: str, amount_fen: int,
               season: str | None) -> str:
    """First 10 characters of the lower-case base32 of HMAC-SHA256(device_secret, message)."""
    message = f"{receipt_no}|{household_id}|{amount_fen}|{season or ''}"
    digest = hmac.new(device_secret.encode(), message.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode().lower()[:10]


def masked_phone(phone: str | None) -> str | None:
    """138****5678: enough for the collector to confirm, not enough to leak."""
    if not phone:
        return None
    digits = phone.replace(" ", "").replace("-", "")
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 7 else "****"
