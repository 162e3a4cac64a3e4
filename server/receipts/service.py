"""The public receipt check (PROTOCOL.md, Receipts): what a payer learns from the QR code on a receipt."""
import sqlalchemy as sa

from sync.money import format_yuan
from sync.receipts import check_code

from ..company import company
from ..estate.address import masked_address
from ..extensions import db
from ..models import Building, Device, Household, Payment, Project
from ..timefmt import shanghai_text

# A payment's state → what the payer is told. A held payment (a revoked device's) is not the company's
# money until a clerk accepts it: awaiting confirmation, and recorded or voided only once decided.
# A void that is only requested is not decided either: the money stands as recorded.
SHOWN = {"recorded": "recorded", "void_requested": "recorded", "held": "awaiting", "voided": "voided"}


def check(receipt_no: str, code: str) -> dict:
    """{"receipt_no", "state": recorded|awaiting|voided|not_received|mismatch, "shown", "company"}."""
    receipt_no, code = receipt_no[:40], (code or "").strip().lower()
    rows = db.session.execute(
        sa.select(Payment, Device.secret, Household, Building.name, Project.name)
        .join(Household, Household.id == Payment.household_id).join(Building, Building.id == Household.building_id)
        .join(Project, Project.id == Building.project_id).outerjoin(Device, Device.id == Payment.device_id)
        .where(Payment.receipt_no == receipt_no, Payment.kind == "payment")).all()
    state, shown = "not_received", None
    if rows:
        state = "mismatch"
        # The receipt was signed by the device whose code prefixes its number, which may not be the device
        # that later pushed it (the collector signed in again while it waited).
        signer = db.session.scalar(sa.select(Device.secret).where(Device.code == receipt_no.split("-")[0][:5]))
        for payment, pusher_secret, household, building, project in rows:
            secret = signer or pusher_secret
            if secret and code and code == check_code(secret, payment.receipt_no, payment.household_id,
                                                      payment.amount_fen, payment.named_season_id):
                state = SHOWN.get(payment.state, "awaiting")
                shown = {"address": masked_address(project, building, household.unit, household.room),
                         "amount": format_yuan(payment.amount_fen),
                         "date": shanghai_text(payment.collected_at)[:10]}
                break
    particulars = company()
    return {"receipt_no": receipt_no, "state": state, "shown": shown,
            "company": {"name": particulars["name"], "phone": particulars["phone"]}}
