"""Printed documents: arrears notices, lawyer-letter drafts (DOMAIN.md §4), the job runner behind them."""
from datetime import datetime
from decimal import Decimal

from sync.money import daxie, format_yuan

from ..labels import label
from ..timefmt import SHANGHAI
from .qr import qr_data_uri


def local_time(iso_utc: str | None) -> str:
    """'2026-11-24T06:44:00Z' → '2026-11-24 14:44' (Asia/Shanghai), for print."""
    if not iso_utc:
        return ""
    return datetime.fromisoformat(iso_utc.replace("Z", "+00:00")).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def percent(rate) -> str:
    """'0.7151' → '71.51%'; no rate (nothing due) → '—'."""
    if rate is None or rate == "":
        return "—"
    return f"{Decimal(str(rate)) * 100:.2f}%"


def init_app(app):
    from .routes import bp
    app.register_blueprint(bp)
    app.add_template_filter(format_yuan, "yuan")
    app.add_template_filter(daxie, "daxie")
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(percent, "percent")
    app.add_template_filter(qr_data_uri, "qr")  # {{ n.check_url | qr }}: the check link's QR code, an <img src>
    # Ledger PDFs name methods, states and flags from the one shared table: {{ label("method", e.method) }}.
    app.add_template_global(label, "label")
