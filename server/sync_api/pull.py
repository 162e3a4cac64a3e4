"""Pull (PROTOCOL.md, Pull): a snapshot of the scope, then what changed after a cursor, page by page.

Each page is read in one database snapshot (REPEATABLE READ on PostgreSQL, one BEGIN on SQLite), so a
page never mixes the before and after of one change. Never one query per household.
"""
import sqlalchemy as sa
from flask import current_app

from sync import cursor as cursors

from ..changes import begin_snapshot, epoch
from ..company import company
from ..extensions import db
from ..models import Assignment, ChangeLog, Device, Household, utcnow
from ..timefmt import iso_utc
from .records import household_records, seasons


def scope_buildings(user_id: int, now=None) -> list[int]:
    now = now or utcnow()
    return list(db.session.scalars(sa.select(Assignment.building_id).where(
        Assignment.user_id == user_id, Assignment.valid_from <= now,
        sa.or_(Assignment.valid_to.is_(None), Assignment.valid_to > now)).distinct()))


def _ever_buildings(user_id: int) -> list[int]:
    return list(db.session.scalars(sa.select(Assignment.building_id).where(Assignment.user_id == user_id)
                                   .distinct()))


def pull(user, device: Device, cursor_text: str | None, limit: int) -> dict:
    begin_snapshot()
    key = current_app.config["SECRET_KEY"].encode()
    db_epoch = epoch()
    head = db.session.scalar(sa.select(sa.func.max(ChangeLog.change_seq))) or 0
    cur = cursors.decode(cursor_text, key, db_epoch, user.id)
    reset = bool(cursor_text) and (cur is None or cur.change_seq > head)  # malformed, foreign or pre-restore
    if reset:
        cur = None
    in_scope = scope_buildings(user.id)
    all_seasons = seasons()
    removed: list[str] = []
    if cur is None or cur.after_household is not None:
        start = cur.change_seq if cur else head
        query = sa.select(Household.id).where(Household.building_id.in_(in_scope)).order_by(Household.id)
        if cur is not None:
            query = query.where(Household.id > cur.after_household)
        ids = list(db.session.scalars(query.limit(limit + 1)))
        has_more = len(ids) > limit
        ids = ids[:limit]
        nxt = cursors.Cursor(db_epoch, user.id, start, ids[-1] if has_more else None)
    else:
        last = sa.func.max(ChangeLog.change_seq).label("last")
        rows = db.session.execute(
            sa.select(ChangeLog.household_id, last, Household.building_id)
            .join(Household, Household.id == ChangeLog.household_id)
            .where(ChangeLog.change_seq > cur.change_seq, Household.building_id.in_(_ever_buildings(user.id)))
            .group_by(ChangeLog.household_id, Household.building_id).order_by(last).limit(limit + 1)).all()
        has_more = len(rows) > limit
        rows = rows[:limit]
        scope = set(in_scope)
        ids = [r.household_id for r in rows if r.building_id in scope]
        removed = [r.household_id for r in rows if r.building_id not in scope]
        # The cursor reaches the head when this page is the last one; it never moves backwards.
        nxt = cursors.Cursor(db_epoch, user.id, rows[-1].last if has_more else max(head, cur.change_seq))
    device_last_seq = db.session.scalar(sa.select(Device.seq_contiguous).where(Device.id == device.id)) or 0
    return {"cursor": cursors.encode(nxt, key), "has_more": has_more, "reset": reset,
            "server_time": iso_utc(utcnow()),
            "seasons": [{"id": s.id, "starts_on": s.starts_on.isoformat(), "ends_on": s.ends_on.isoformat(),
                         "open": s.open} for s in all_seasons],
            "households": household_records(ids, all_seasons), "removed": removed,
            "device_last_seq": device_last_seq,
            # the name the phone prints at the head of a receipt, as notices and letters print it
            "company": {"name": company()["name"]}}
