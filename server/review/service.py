"""The review queue: list anomalies and resolve them with a decision and a reason.

What each decision does, by the kind of item (PROTOCOL.md, Flags; DOMAIN.md §8(d)):
- a held payment (`device_revoked`): accept applies it now; void or dismiss voids it (it never counted);
- a void request (`void_request`): accept or void reverses the payment; dismiss keeps it;
- other payment flags: void reverses the payment (e.g. a duplicate captured twice, case 5); accept or
  dismiss keeps it as it is;
- `vacancy_violation`: rebill bills the season in full and the flat is active again (case 8);
- `vacancy_claim`: accept records a suspension application for the next season (case 3);
- `area_mismatch`: rebill takes the measured area for the household and the open season's bill (case 7).
Each decision is a recorded change that reaches the phone in its next pull.
"""
import json
from decimal import Decimal

import sqlalchemy as sa

from sync.merge import posting_date
from sync.vacancy import VacancyInspection, decide_vacancy_application

from ..billing import service as billing
from ..fees.rules import fee_rules
from ..households import area
from ..suspensions import service as suspensions
from ..changes import audit, begin_write, touch
from ..errors import ApiError, message
from ..extensions import db
from ..models import (Bill, Building, Device, FieldRecord, Household, Payment, Project, Quarantine, ReviewItem,
                      Season, SuspensionApplication, User, utcnow)
from ..estate.address import flat_label
from ..timefmt import iso_utc, shanghai_date
from ..schemas_util import MAX_ID
from . import queue

PAYMENT_FLAGS = {"overpaid", "out_of_scope", "receipt_duplicate", "duplicate_suspect", "clock_skew",
                 "season_closed", "season_unknown"}
# What the console offers on an item of each kind: one decision per effect (issue 12, item 4), named by what
# it does. The API also takes the other names older clients send (ALIASES): they do the same.
OFFERED = {"device_revoked": {"accept", "void"}, "void_request": {"void", "dismiss"},
           "vacancy_violation": {"rebill", "dismiss"}, "vacancy_claim": {"accept", "dismiss"},
           "area_mismatch": {"rebill", "dismiss"}, "complaint": {"dismiss"}}
ALIASES = {"device_revoked": {"dismiss"}, "void_request": {"accept"}, "vacancy_violation": {"accept"},
           "area_mismatch": {"accept"}, "complaint": {"accept"}}


def offered_for(kind: str) -> set[str]:
    """The decisions the console shows for an item of this kind."""
    return OFFERED.get(kind, {"accept", "void"} if kind in PAYMENT_FLAGS else {"dismiss"})


# When one operation raised items of several kinds, the one a clerk decides on: what it is about (a held
# payment, a void, an inspection's finding, an area) before what is odd about it (a clock, a scope).
PRIORITY = ("device_revoked", "void_request", "vacancy_violation", "area_mismatch", "vacancy_claim", "complaint")


def primary(items: list) -> "ReviewItem":
    """The item whose kind an entry of several items is decided as."""
    return min(items, key=lambda i: (PRIORITY.index(i.kind) if i.kind in PRIORITY else len(PRIORITY), i.id))


def decisions_for(kind: str) -> set[str]:
    """What a clerk may decide on an item of this kind (the offered ones and their older names)."""
    extra = ALIASES.get(kind, {"dismiss"} if kind in PAYMENT_FLAGS else {"accept"})
    return offered_for(kind) | extra


RAW_SHOWN = 4000  # characters of an operation as sent, in the list (the row keeps it whole)


def _household_ref(value) -> str | None:
    """The household id an operation named, if it could be one: whatever a phone sent may be in quarantine
    (a NUL, which PostgreSQL refuses in a query, or 10,000 characters)."""
    return value if isinstance(value, str) and 0 < len(value) <= 36 and "\x00" not in value else None


def list_rejected(page: int, per_page: int) -> dict:
    """Operations the server could not understand, kept as sent (PROTOCOL.md principles 3 and 6): newest
    first, with who sent them, why they were refused, and the household they name when it exists."""
    rows = db.session.execute(
        sa.select(Quarantine, User.username, Device.code).outerjoin(User, User.id == Quarantine.user_id)
        .outerjoin(Device, Device.id == Quarantine.device_id)
        .order_by(Quarantine.id.desc()).limit(per_page).offset((page - 1) * per_page)).all()
    items = []
    for q, collector, device_code in rows:
        try:
            sent = json.loads(q.raw)
        except ValueError:
            sent = None
        sent = sent if isinstance(sent, dict) else {}
        items.append({"id": q.id, "op_id": q.op_id, "error_code": q.error_code,
                      "message": message(q.error_code), "collector": collector, "device_code": device_code,
                      "type": str(sent["type"])[:40] if "type" in sent else None,
                      "household_id": _household_ref(sent.get("household_id")),
                      "received_at": iso_utc(q.received_at), "raw": q.raw[:RAW_SHOWN]})
    known = {h: (b, u, r) for h, b, u, r in db.session.execute(
        sa.select(Household.id, Building.name, Household.unit, Household.room).join(Building)
        .where(Household.id.in_({i["household_id"] for i in items if i["household_id"]}))).all()}
    for i in items:
        i["label"] = flat_label(*known[i["household_id"]]) if i["household_id"] in known else None
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Quarantine))
    return {"items": items, "page": page, "per_page": per_page, "total": total}


def resolve(item_id: int, decision: str, reason: str, clerk: User) -> dict:
    """Decide an entry of the queue: the item and every open item of the same operation (one decision for
    all its flags). The effect on money or billing is carried out once per kind, each item audited."""
    if not 0 < item_id <= MAX_ID:  # beyond any id the database can hold
        raise ApiError("not_found")
    begin_write()
    item = db.session.get(ReviewItem, item_id, with_for_update=True)
    if item is None:
        raise ApiError("not_found")
    if item.state == "resolved":
        raise ApiError("already_resolved", {"decision": item.decision})
    group = [item]
    if item.op_id:
        group += list(db.session.scalars(sa.select(ReviewItem).where(
            ReviewItem.op_id == item.op_id, ReviewItem.state == "open", ReviewItem.id != item.id)
            .order_by(ReviewItem.id).with_for_update()))
    allowed = decisions_for(primary(group).kind)
    if decision not in allowed:
        raise ApiError("validation_failed", {"decision": decision, "allowed": sorted(allowed)})
    now = utcnow()
    for one in group:
        if decision in decisions_for(one.kind):  # a flag that takes no such decision only closes with it
            _carry_out(one, decision, reason, clerk.id)
        audit("review.resolved", "review_item", one.id, {"state": "open"},
              {"state": "resolved", "decision": decision}, reason, clerk.id, now)
        one.state, one.decision, one.reason, one.decided_by, one.decided_at = "resolved", decision, reason, \
            clerk.id, now
    if item.household_id:
        touch([item.household_id], now=now)
    db.session.commit()
    first = item.id if not item.op_id else db.session.scalar(
        sa.select(sa.func.min(ReviewItem.id)).where(ReviewItem.op_id == item.op_id))
    return queue.entries([first])[0]


def resolve_many(item_ids: list[int], decision: str, reason: str, clerk: User) -> dict:
    """A bulk decision, one reason for many entries of one kind: each decided as resolve() does, on its own;
    one that cannot be (already decided, a decision it does not take) is reported, not fatal."""
    kinds = set(db.session.scalars(sa.select(ReviewItem.kind).where(ReviewItem.id.in_(item_ids))))
    if len(kinds) > 1:
        raise ApiError("validation_failed", {"fields": {"item_ids": [f"one kind at a time, not {sorted(kinds)}"]}})
    resolved, failed = [], []
    for item_id in dict.fromkeys(item_ids):
        try:
            resolved.append(resolve(item_id, decision, reason, clerk))
        except ApiError as e:
            db.session.rollback()
            failed.append({"id": item_id, "code": e.code, "details": e.details})
    return {"resolved": resolved, "failed": failed}


def _carry_out(item: ReviewItem, decision: str, reason: str, clerk_id: int):
    payment = db.session.get(Payment, item.payment_id) if item.payment_id else None
    if item.kind == "device_revoked":
        if payment is not None and payment.state == "held":
            if decision == "accept":
                billing.accept_held_payment(payment, clerk_id, reason)
            else:
                billing.reverse_payment(payment, clerk_id, reason)
        elif item.field_record_id:
            record = db.session.get(FieldRecord, item.field_record_id)
            record.state = "recorded" if decision == "accept" else "voided"
        return
    if item.kind == "void_request" and payment is not None:
        if decision in ("accept", "void"):
            billing.reverse_payment(payment, clerk_id, reason)
        elif payment.state == "void_requested":
            audit("payment.void_refused", "payment", payment.id, {"state": payment.state}, {"state": "recorded"},
                  reason, clerk_id)
            payment.state = "recorded"
        return
    if item.kind in PAYMENT_FLAGS and payment is not None and decision == "void":
        billing.reverse_payment(payment, clerk_id, reason)
        return
    if item.kind == "vacancy_violation" and decision == "rebill":
        # Case 8: the suspension of the inspected season is violated and that season billed in full
        # (sync/vacancy.py rebill_violated_suspension), through the suspensions' one home.
        details = item.details or {}
        season_id = details.get("season") or _open_season().id
        application = db.session.scalar(sa.select(SuspensionApplication).where(
            SuspensionApplication.household_id == item.household_id, SuspensionApplication.season_id == season_id,
            SuspensionApplication.status == "approved").with_for_update())
        record = db.session.get(FieldRecord, item.field_record_id) if item.field_record_id else None
        data = (record.data if record is not None else None) or {}
        inspection = VacancyInspection(
            inspected_on=shanghai_date(record.at) if record is not None else posting_date(utcnow()),
            seal_intact=details.get("seal_intact") is not False, heat_in_use=details.get("finding") == "occupied",
            seal_no=details.get("seal_no") or "", photo_ids=tuple(data.get("photo_ids") or ()),
            witness=data.get("witness") or "")
        clerk = db.session.get(User, clerk_id)
        if application is not None:
            suspensions.violate(application, inspection, reason, clerk, item.id)
        else:  # no approved suspension of that season on record: the flat is billed in full already
            suspensions.follow_season(db.session.get(Household, item.household_id), reason, clerk_id)
        return
    if item.kind == "vacancy_claim" and decision == "accept":
        # DOMAIN.md case 3: a claim after the deadline counts from the first season whose deadline it meets
        # (sync/vacancy.py); the current bill is untouched. If that season is not set up yet, the decision
        # stays on the review item until it is (fees/service.py files it then: carry_accepted_claims).
        season = db.session.get(Season, (item.details or {}).get("season")) or _open_season()
        ruling = decide_vacancy_application(posting_date(utcnow()), suspensions.rule_season(season), fee_rules())
        item.details = dict(item.details or {}, filed_for=ruling.effective_season)
        if db.session.get(Season, ruling.effective_season) is not None:
            item.decided_by = clerk_id  # the application names the clerk who accepted it
            suspensions.file_accepted_claim(item, ruling.effective_season, ruling.applied_on, reason,
                                            db.session.get(User, clerk_id))
        return
    if item.kind == "area_mismatch" and decision == "rebill":
        # The collector measured it (a survey); only the open seasons' bills, as the area rule allows.
        area.correct_area(db.session.get(Household, item.household_id), Decimal(item.details["measured_m2"]),
                          "survey", reason, db.session.get(User, clerk_id), approve_closed=False,
                          review_item_id=item.id)


def _open_season() -> Season:
    return db.session.scalar(sa.select(Season).where(Season.open).order_by(Season.starts_on.desc()))


def _bill(household_id: str, season_id: str | None) -> Bill | None:
    season_id = season_id or _open_season().id
    return db.session.scalar(sa.select(Bill).where(Bill.household_id == household_id, Bill.season_id == season_id))
