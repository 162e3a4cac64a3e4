"""The company's particulars (name, office, service phone, bank, document prefixes): printed on notices and
letters, named on the phone's receipts and on the public receipt and document checks. Defaults are fictional, for the demo
(DOMAIN.md §8(c)); a company sets its own in Setting "documents"."""
from urllib.parse import urlsplit

import sqlalchemy as sa

from .extensions import db
from .models import Setting

DEFAULTS = {"name": "北京示范热力有限公司", "office_address": "北京市朝阳区示范路1号 供热收费营业厅",
            "office_hours": "供暖期内每日 8:30—17:00", "phone": "010-6500 0000",
            "bank_name": "示范银行北京朝阳支行", "bank_account_name": "北京示范热力有限公司",
            "bank_account": "1100 0000 0000 0000 000", "notice_prefix": "京示热催字", "deadline_days": 15,
            "law_firm": "北京示范律师事务所", "law_firm_address": "北京市东城区示范大街8号", "lawyer": "＿＿＿",
            "letter_prefix": "京示律函字", "letter_deadline_days": 10,
            # The address payers reach the server at, for the check link in a document's QR code; empty: the
            # address the clerk's console used when the documents were requested.
            "public_url": ""}


def company() -> dict:
    """The defaults, overridden by what the company stored."""
    stored = db.session.scalar(sa.select(Setting.value).where(Setting.key == "documents")) or {}
    return {**DEFAULTS, **stored}


def particulars(value: dict) -> dict:
    """Check what an admin sets as Setting "documents": only the known particulars, each of its kind."""
    unknown = sorted(set(value) - set(DEFAULTS))
    if unknown:
        raise ValueError(f"unknown particulars: {', '.join(unknown)}; known: {', '.join(DEFAULTS)}")
    for k, v in value.items():
        if not isinstance(v, type(DEFAULTS[k])) or isinstance(v, bool) or (isinstance(v, str) and len(v) > 200):
            raise ValueError(f"{k}: a {type(DEFAULTS[k]).__name__} of at most 200 characters")
    if value.get("public_url"):
        value = {**value, "public_url": public_url(value["public_url"])}
    return value


def public_url(url: str) -> str:
    """'https://heat.example.cn/' → 'https://heat.example.cn': an http(s) address with a host, to which a
    document's check path is added; a query or fragment would swallow that path, so neither is allowed."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 — a port that is not a number raises here
    except ValueError:
        raise ValueError("public_url: not an address") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or "?" in url or "#" in url \
            or any(c.isspace() or ord(c) < 0x20 for c in url.strip()):
        raise ValueError("public_url: an http(s) address with a host and no ? or #, e.g. https://heat.example.cn")
    return f"{parts.scheme}://{parts.netloc}{parts.path}".rstrip("/")
