"""The audit log as a clerk reads it (issue 12, item 6): who changed what money or billing state, when,
before and after, and why. Newest first; by household (its own record, its payments, bills, review items and
owner), by user, by action (exact, or a prefix ending in '.': `payment.`), and by Shanghai dates."""
from datetime import date

import sqlalchemy as sa

from ..extensions import db
from ..models import AuditLog, Bill, Household, Payment, ReviewItem, User
from ..timefmt import day_end_utc, day_start_utc, iso_utc


def _of_household(household_id: str):
    """Audit rows about this household or anything of it (entity ids are text: ids cast to match)."""
    text = sa.String(40)

    def ids(column, where):
        return sa.select(sa.cast(column, text)).where(where)
    return sa.or_(
        sa.and_(AuditLog.entity == "household", AuditLog.entity_id == household_id),
        sa.and_(AuditLog.entity == "payment", AuditLog.entity_id.in_(ids(Payment.id, Payment.household_id == household_id))),
        sa.and_(AuditLog.entity == "bill", AuditLog.entity_id.in_(ids(Bill.id, Bill.household_id == household_id))),
        sa.and_(AuditLog.entity == "review_item",
                AuditLog.entity_id.in_(ids(ReviewItem.id, ReviewItem.household_id == household_id))),
        sa.and_(AuditLog.entity == "party", AuditLog.entity_id.in_(ids(Household.owner_id, Household.id == household_id))))


def list_entries(household_id: str | None, username: str | None, action: str | None, start: date | None,
                 end: date | None, page: int, per_page: int) -> dict:
    where = []
    if household_id:
        where.append(_of_household(household_id))
    if username:
        where.append(User.username == username)
    if action:
        where.append(AuditLog.action.startswith(action, autoescape=True) if action.endswith(".")
                     else AuditLog.action == action)
    if start:
        where.append(AuditLog.at >= day_start_utc(start))
    if end:
        where.append(AuditLog.at < day_end_utc(end))
    query = sa.select(AuditLog, User.username, User.name).outerjoin(User, User.id == AuditLog.user_id).where(*where)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    rows = db.session.execute(query.order_by(AuditLog.at.desc(), AuditLog.id.desc())
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return {"items": [{"id": a.id, "at": iso_utc(a.at), "user": user, "user_name": name, "action": a.action,
                       "entity": a.entity, "entity_id": a.entity_id, "before": a.before, "after": a.after,
                       "reason": a.reason} for a, user, name in rows], "total": total}
