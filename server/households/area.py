"""Area from the office (供暖面积核查, DOMAIN.md §7 and case 7; OFFICE.md "A household's life").

The household's charging area changes with its source (certificate, drawing, survey) and date, and each bill
is re-billed by sync.billing.correct_area, the rule with one home: a closed season only with an admin's
approval (approve_closed), an open one always. More due on a bill with something left to pay offers a fresh
notice (补缴, case 7); less due than paid becomes credit (billing.adjust_bill releases it).
"""
from decimal import Decimal

import sqlalchemy as sa

from sync.billing import correct_area as area_rule
from sync.merge import posting_date
from sync.rules import Approval

from ..billing import service as billing
from ..changes import audit, begin_write, touch
from ..errors import ApiError
from ..extensions import db
from ..models import Bill, Household, Season, User, utcnow
from ..suspensions.service import is_closed


def correct(household_id: str, area_m2: Decimal, source: str, reason: str, approve_closed: bool, user: User) -> dict:
    """POST /households/<id>/area: one transaction, answered with the adjustments it made."""
    begin_write()
    household = db.session.get(Household, household_id[:36])  # begin_write serialises the writers
    if household is None:
        raise ApiError("not_found", {"household_id": household_id[:36]})
    result = correct_area(household, area_m2, source, reason, user, approve_closed=approve_closed)
    db.session.commit()
    return result


def correct_area(household: Household, area_m2: Decimal, source: str, reason: str, user: User, *,
                 approve_closed: bool, review_item_id: int | None = None) -> dict:
    """In the caller's transaction (the office's request, or a clerk's decision on a phone's area_check)."""
    if approve_closed and user.role != "admin":
        raise ApiError("admin_approval_required", {"approve_closed": True})
    approval = Approval(user.username, reason) if approve_closed else None
    today = posting_date(utcnow())
    before = {"area_m2": str(household.area_m2), "area_source": household.area_source,
              "area_checked_on": household.area_checked_on.isoformat() if household.area_checked_on else None}
    household.area_m2, household.area_source, household.area_checked_on = area_m2, source, today
    audit("household.area", "household", household.id, before, {"area_m2": str(area_m2), "area_source": source,
          "area_checked_on": today.isoformat(), "approve_closed": approve_closed}, reason, user.id)
    rows = db.session.execute(sa.select(Bill, Season).join(Season, Season.id == Bill.season_id)
                              .where(Bill.household_id == household.id).order_by(Season.starts_on)
                              .with_for_update(of=Bill)).all()
    adjustments, kept_closed = [], []
    for bill, season in rows:
        closed = is_closed(season)
        if closed and approval is None:
            if bill.area_m2 != area_m2:
                kept_closed.append(season.id)  # the closed season keeps its bill: no approval was given
            continue
        correction = area_rule(bill.area_m2, area_m2, bill.price_yuan, paid_fen=bill.paid_fen, area_source=source,
                               measured_on=today, season_closed=closed, ratio=bill.ratio, approval=approval)
        before_fen = bill.due_fen
        row = billing.adjust_bill(bill, "area_fix", reason, user.id, review_item_id, due_fen=correction.new_due_fen,
                                  area_m2=correction.new_area_m2)
        if row is None:
            continue
        adjustments.append({"id": row.id, "season": season.id, "kind": row.kind, "before_fen": before_fen,
                            "after_fen": row.after_fen, "delta_fen": row.after_fen - before_fen,
                            "paid_fen": correction.paid_fen, "balance_fen": correction.balance_fen,
                            "overpaid_fen": correction.overpaid_fen, "closed_season": closed,
                            "approved_by": user.username})
    touch([household.id])
    more_due = [a for a in adjustments if a["delta_fen"] > 0 and a["balance_fen"] > 0]
    return {"household_id": household.id, "area_m2": f"{area_m2:.2f}", "area_source": source,
            "area_checked_on": today.isoformat(), "adjustments": adjustments, "kept_closed": kept_closed,
            "notice_offered": bool(more_due),
            # What a fresh notice (补缴通知, case 7) would ask for: POST /api/v1/documents/notices with these.
            "notice": {"seasons": [a["season"] for a in more_due], "household_ids": [household.id],
                       "more_due_fen": sum(a["delta_fen"] for a in more_due)} if more_due else None}
