"""开通 and move-in (入住办理, OFFICE.md "A household's life"; issue 13, item 4).

A new project's flats are `not_opened`: no season's bills are issued to them. Opening one from a day makes it
active and issues that season's bill to its payer of record — the owner, or the developer who still holds
the flat (its account's party) — at the season fee less the days before its heat came (sync.billing.
opening_due_fen, the one rule), recorded as an adjustment of kind `opening` so the page says why.
"""
from datetime import date

from sync.billing import opening_due_fen
from sync.merge import posting_date

from ..billing.service import adjust_bill, set_household_status
from ..changes import audit, begin_write
from ..errors import ApiError
from ..extensions import db
from ..fees import service as fees
from ..models import Bill, Household, Season, User, utcnow
from ..suspensions.service import is_closed, rule_season


def open_household(household_id: str, season_id: str, from_: date, reason: str, user: User) -> Bill:
    """POST /households/<id>/open: the flat opened from `from_`, its bill of `season_id` issued."""
    begin_write()
    household = db.session.get(Household, household_id[:36])
    if household is None:
        raise ApiError("not_found", {"household_id": household_id[:36]})
    if household.status != "not_opened":
        raise ApiError("household_opened", {"status": household.status,
                                            "opened_on": household.opened_on.isoformat() if household.opened_on
                                            else None})
    season = db.session.get(Season, season_id)
    if season is None:
        raise ApiError("not_found", {"season": season_id})
    if is_closed(season):
        raise ApiError("validation_failed", {"fields": {"season": [
            f"{season_id} 采暖季已结束 / the season is closed"]}})
    if from_ > posting_date(utcnow()):
        raise ApiError("validation_failed", {"fields": {"from": ["开通日期不能晚于今天 / a flat is opened on a day "
                                                                 "that has come"]}})
    if from_ > season.ends_on:
        raise ApiError("validation_failed", {"fields": {"from": [
            f"开通日期晚于 {season_id} 最后一天 / after the last day of the season"]}})
    if db.session.query(Bill.id).filter_by(household_id=household.id, season_id=season_id).first():
        raise ApiError("household_opened", {"season": season_id})
    before = {"status": household.status, "opened_on": None}
    set_household_status(household, "active", reason, user.id)
    household.opened_on = from_
    audit("household.opened", "household", household.id, before,
          {"status": "active", "opened_on": from_.isoformat(), "season": season_id}, reason, user.id)
    bill = fees.bill_one(household, season_id)
    due = opening_due_fen(bill.due_fen, rule_season(season), from_)
    if due != bill.due_fen:
        adjust_bill(bill, "opening", f"{from_.isoformat()} 开通：{reason}", user.id, due_fen=due)
    fees.roll_credit(bill)
    db.session.commit()
    return bill
