"""报停 (暂停供热): application, approval or rejection, resumption and violation (DOMAIN.md §2, cases 3 and 8;
OFFICE.md "A household's life").

The rules are sync/vacancy.py's: whether an application met the deadline (decide_vacancy_application), and
what the season's bill is in each state of its suspension (season_due_fen). This module keeps the record,
bills the season through a bill adjustment when its bills exist (fees/service.py bills it when they are
issued later), lets the household's status follow its latest billed season, and audits every change.
Each function owns its transaction; the change log carries every change to the phones (changes.touch).
"""
import sqlalchemy as sa

from sync.merge import posting_date
from sync.rules import Approval, ApprovalRequired, Season as RuleSeason, require_approval_if_closed, season_closed
from sync.vacancy import (APPLIED, APPROVED, REJECTED, RESUMED, VIOLATED, VacancyInspection,
                          decide_vacancy_application, rebill_violated_suspension, season_due_fen, season_ratio)

from ..billing import service as billing
from ..changes import audit, begin_write, touch
from ..errors import ApiError
from ..extensions import db
from ..fees.rules import fee_rules
from ..models import Bill, Household, ReviewItem, Season, SuspensionApplication, User, utcnow
from ..timefmt import iso_utc

LIVE = (APPLIED, APPROVED)  # one of these per household and season at a time


def rule_season(season: Season) -> RuleSeason:
    return RuleSeason(season.id, season.starts_on, season.ends_on)


def is_closed(season: Season) -> bool:
    return season_closed(season.open, season.ends_on, posting_date(utcnow()))


def out(s: SuspensionApplication) -> dict:
    """An application as the API and the household page show it."""
    names = {u.id: u.username for u in db.session.scalars(sa.select(User).where(
        User.id.in_([i for i in (s.created_by, s.decided_by) if i])))}
    return {"id": s.id, "household_id": s.household_id, "season": s.season_id, "applied_on": s.applied_on.isoformat(),
            "reason": s.reason, "state": s.status, "on_time": s.on_time, "overridden": bool(s.overridden),
            "ratio": str(s.ratio), "agreement_no": s.agreement_no, "created_by": names.get(s.created_by),
            "decided_by": names.get(s.decided_by), "decided_at": iso_utc(s.decided_at) if s.decided_at else None,
            "decision_reason": s.decision_reason, "ended_on": s.ended_on.isoformat() if s.ended_on else None,
            "review_item_id": s.review_item_id}


def _snapshot(s: SuspensionApplication) -> dict:
    return {"state": s.status, "ratio": str(s.ratio), "ended_on": s.ended_on.isoformat() if s.ended_on else None,
            "overridden": bool(s.overridden)}


def _load(suspension_id: int) -> SuspensionApplication:
    s = db.session.get(SuspensionApplication, suspension_id, with_for_update=True)
    if s is None:
        raise ApiError("not_found", {"suspension_id": suspension_id})
    return s


def _require_state(s: SuspensionApplication, *states: str):
    if s.status not in states:
        raise ApiError("suspension_state", {"state": s.status, "allowed": list(states)})


def apply(household_id: str, season_id: str, applied_on, reason: str, user: User) -> dict:
    """File an application (kept even when late: case 3 keeps it and says so with on_time: false)."""
    begin_write()
    household = db.session.get(Household, household_id[:36])
    if household is None:
        raise ApiError("not_found", {"household_id": household_id[:36]})
    season = db.session.get(Season, season_id)
    if season is None:
        raise ApiError("not_found", {"season": season_id})
    live = db.session.scalar(sa.select(SuspensionApplication.id).where(
        SuspensionApplication.household_id == household.id, SuspensionApplication.season_id == season.id,
        SuspensionApplication.status.in_(LIVE)))
    if live is not None:
        raise ApiError("suspension_exists", {"id": live, "season": season.id})
    rules = fee_rules()
    ruling = decide_vacancy_application(applied_on, rule_season(season), rules)
    s = SuspensionApplication(household_id=household.id, season_id=season.id, applied_on=applied_on,
                              ratio=rules.suspension_ratio, status=APPLIED, reason=reason,
                              on_time=ruling.takes_effect_this_season, overridden=False, created_by=user.id,
                              created_at=utcnow())
    db.session.add(s)
    db.session.flush()
    audit("suspension.applied", "suspension", s.id, None, {"household_id": household.id, "season": season.id,
          "applied_on": applied_on.isoformat(), "on_time": s.on_time, "deadline": ruling.deadline.isoformat()},
          reason, user.id)
    touch([household.id])
    db.session.commit()
    return out(s)


def approve(suspension_id: int, reason: str, override: bool, user: User) -> dict:
    """Approve an application: its season is billed at the ratio now if its bills exist. A late one only
    with an admin's override and a reason (DOMAIN.md case 3)."""
    begin_write()
    s = _load(suspension_id)
    _require_state(s, APPLIED)
    season = db.session.get(Season, s.season_id)
    approval = None
    if not s.on_time:
        if not override:
            raise ApiError("suspension_late", {"applied_on": s.applied_on.isoformat()})
        if user.role != "admin":
            raise ApiError("admin_approval_required", {"override": True})
        approval = Approval(user.username, reason)
    ruling = decide_vacancy_application(s.applied_on, rule_season(season), fee_rules(), approval)
    if not ruling.takes_effect_this_season:  # the deadline moved since it was filed (fee settings)
        raise ApiError("suspension_late", {"applied_on": s.applied_on.isoformat()})
    _decide(s, APPROVED, reason, user, overridden=ruling.overridden)
    db.session.commit()
    return out(s)


def reject(suspension_id: int, reason: str, user: User) -> dict:
    """Refuse an application (in writing, with the reason: 京管发〔2022〕22号); the season stays billed in full."""
    begin_write()
    s = _load(suspension_id)
    _require_state(s, APPLIED)
    _decide(s, REJECTED, reason, user)
    db.session.commit()
    return out(s)


def end(suspension_id: int, from_day, reason: str, user: User) -> dict:
    """恢复供热: heat back from `from_day`; a season is never prorated, so heat back within it bills it in full."""
    begin_write()
    s = _load(suspension_id)
    _require_state(s, APPROVED)
    if from_day < s.applied_on:
        raise ApiError("validation_failed", {"fields": {"from": ["before the application"]}})
    _decide(s, RESUMED, reason, user, ended_on=from_day)
    db.session.commit()
    return out(s)


def violate(s: SuspensionApplication, inspection: VacancyInspection, reason: str, user: User,
            review_item_id: int | None = None):
    """A suspended flat found heating (case 8): the suspension is violated and its season billed in full.
    In the caller's transaction (a clerk's decision on the inspection's review item)."""
    _require_state(s, APPROVED)
    bill = _bill_of(s)
    full = None
    if bill is not None:
        try:
            full = rebill_violated_suspension(bill.due_fen, bill.area_m2, bill.price_yuan, inspection).new_due_fen
        except ValueError as e:  # RuleError too: an inspection that found nothing wrong
            raise ApiError("validation_failed", {"reason": str(e)}) from None
    _decide(s, VIOLATED, reason, user, review_item_id=review_item_id, due_fen=full)


def _decide(s: SuspensionApplication, state: str, reason: str, user: User, *, overridden=None, ended_on=None,
            review_item_id=None, due_fen=None):
    before = _snapshot(s)
    now = utcnow()
    s.status, s.decision_reason, s.decided_at = state, reason, now
    if state in (APPROVED, REJECTED):
        s.decided_by = user.id
    if overridden is not None:
        s.overridden = overridden
    if ended_on is not None:
        s.ended_on = ended_on
    audit(f"suspension.{state}", "suspension", s.id, before, _snapshot(s), reason, user.id, now)
    bill_season(s, reason, user, review_item_id=review_item_id, due_fen=due_fen)
    household = db.session.get(Household, s.household_id)
    follow_season(household, reason, user.id)
    touch([s.household_id], now=now)


def _bill_of(s: SuspensionApplication) -> Bill | None:
    return db.session.scalar(sa.select(Bill).where(Bill.household_id == s.household_id,
                                                   Bill.season_id == s.season_id).with_for_update())


def bill_season(s: SuspensionApplication, reason: str, user: User, *, review_item_id=None, due_fen=None):
    """Bring the season's bill, if issued, to what the suspension's state makes it (sync.vacancy.season_due_fen).
    A closed season's bill changes only with an admin's approval (sync.rules.require_approval_if_closed)."""
    bill = _bill_of(s)
    if bill is None:
        return None  # billed when the season's bills are issued (fees/service.py issue_bills)
    season = db.session.get(Season, s.season_id)
    ratio = season_ratio(s.status, s.ratio, rule_season(season), s.ended_on)
    if due_fen is None:
        due_fen = season_due_fen(bill.area_m2, bill.price_yuan, s.status, s.ratio, rule_season(season), s.ended_on)
    if due_fen == bill.due_fen:
        return None
    try:
        require_approval_if_closed(is_closed(season), Approval(user.username, reason) if user.role == "admin" else None)
    except ApprovalRequired:
        raise ApiError("season_closed_needs_approval", {"season": season.id}) from None
    kind = "vacancy_grant" if due_fen < bill.due_fen else "vacancy_revoke"
    return billing.adjust_bill(bill, kind, reason, user.id, review_item_id, due_fen=due_fen, ratio=ratio)


def status_season_of(household_id: str) -> str | None:
    """The season a household's status speaks of: its latest billed season."""
    return db.session.scalar(sa.select(Bill.season_id).join(Season, Season.id == Bill.season_id)
                             .where(Bill.household_id == household_id).order_by(Season.starts_on.desc()).limit(1))


def suspended_in(household_id: str, season_id: str | None) -> bool:
    return season_id is not None and db.session.scalar(sa.select(sa.func.count()).where(
        SuspensionApplication.household_id == household_id, SuspensionApplication.season_id == season_id,
        SuspensionApplication.status == APPROVED)) > 0


def follow_season(household: Household, reason: str, user_id: int | None):
    """A flat is "suspended" exactly when its latest billed season is suspended (never because the last was)."""
    if household.status not in ("active", "suspended"):
        return
    wanted = "suspended" if suspended_in(household.id, status_season_of(household.id)) else "active"
    billing.set_household_status(household, wanted, reason, user_id)


def file_accepted_claim(item: ReviewItem, season_id: str, applied_on, reason: str,
                        user: User) -> SuspensionApplication | None:
    """A vacancy claim a clerk accepted (review queue, case 3) for the season whose deadline it meets: an
    approved application of that season, billed at the ratio now or when its bills are issued."""
    live = db.session.scalar(sa.select(SuspensionApplication.id).where(
        SuspensionApplication.household_id == item.household_id, SuspensionApplication.season_id == season_id,
        SuspensionApplication.status.in_(LIVE)))
    if live is not None:  # the office filed one for that season already: it is decided there
        item.details = dict(item.details or {}, suspension_id=live)
        return None
    rules = fee_rules()
    s = SuspensionApplication(household_id=item.household_id, season_id=season_id, applied_on=applied_on,
                              ratio=rules.suspension_ratio, status=APPLIED, reason=reason, on_time=True,
                              overridden=False, created_by=user.id, review_item_id=item.id, created_at=utcnow())
    db.session.add(s)
    db.session.flush()
    audit("suspension.applied", "suspension", s.id, None, {"household_id": s.household_id, "season": season_id,
          "applied_on": applied_on.isoformat(), "on_time": True, "review_item_id": item.id}, reason, user.id)
    _decide(s, APPROVED, reason, user, overridden=False)
    return s


def carry_accepted_claims(season_id: str):
    """Claims accepted while their season was not set up yet (the decision waited on the review item):
    filed now that it is, so its bills are issued at the ratio (issue 13: they were lost)."""
    filed = set(db.session.scalars(sa.select(SuspensionApplication.review_item_id).where(
        SuspensionApplication.review_item_id.is_not(None))))
    items = db.session.scalars(sa.select(ReviewItem).where(
        ReviewItem.kind == "vacancy_claim", ReviewItem.state == "resolved", ReviewItem.decision == "accept")
        .order_by(ReviewItem.id))
    for item in items:
        details = item.details or {}
        if item.id in filed or details.get("filed_for") != season_id or not item.household_id:
            continue
        clerk = db.session.get(User, item.decided_by) if item.decided_by else None
        if clerk is not None and item.decided_at is not None:
            file_accepted_claim(item, season_id, posting_date(item.decided_at), item.reason or "", clerk)
