"""Admin actions: revoke a device, set a collector's buildings. Each is audited and logged for pulls."""
from datetime import timedelta

import sqlalchemy as sa

from ..changes import audit, begin_write, touch
from ..errors import ApiError
from ..extensions import db
from ..models import Assignment, Building, Device, Household, Project, SyncSession, User, utcnow
from ..timefmt import iso_utc


def device_view(device: Device, username: str, user_name: str | None = None, outbox_depth: int | None = None) -> dict:
    return {"id": device.id, "code": device.code, "name": device.name, "username": username, "user_name": user_name,
            "revoked_at": iso_utc(device.revoked_at), "last_seen_at": iso_utc(device.last_seen_at),
            "device_last_seq": device.seq_contiguous or 0, "seq_max": device.seq_max or 0,
            "gap": (device.seq_max or 0) > (device.seq_contiguous or 0), "app_version": device.app_version,
            "outbox_depth": outbox_depth}


def _outbox_left():
    """Per device, what its outbox still held after its last push: the depth it reported with that batch
    (PROTOCOL.md: outbox_depth, counted before the batch) less the operations the batch settled."""
    last = (sa.select(SyncSession.device_id, sa.func.max(SyncSession.id).label("id"))
            .where(SyncSession.kind == "push", SyncSession.outbox_depth.is_not(None))
            .group_by(SyncSession.device_id).subquery())
    return (sa.select(SyncSession.device_id, SyncSession.outbox_depth, SyncSession.counts)
            .join(last, last.c.id == SyncSession.id))


def _left(depth, counts) -> int:
    settled = sum(v for v in (counts or {}).values() if isinstance(v, int))
    return max(int(depth) - settled, 0)


def list_devices(silent_hours: int | None = None, page: int = 1, per_page: int = 50, now=None) -> dict:
    """Phones, newest first. With `silent_hours`: only the collectors' phones not revoked and not heard from
    for that long that still have work pending (an outbox left non-empty, or a gap in their seqs), the ones
    a clerk should chase before a ledger is believed (DOMAIN.md §5)."""
    left = {d: _left(depth, counts) for d, depth, counts in db.session.execute(_outbox_left())}
    query = (sa.select(Device, User.username, User.name).join(User, User.id == Device.user_id)
             .order_by(Device.created_at.desc(), Device.id))
    rows = db.session.execute(query).all()
    if silent_hours is not None:
        since = (now or utcnow()) - timedelta(hours=silent_hours)
        rows = [r for r in rows if r[0].revoked_at is None and r[0].last_seen_at is not None
                and r[0].last_seen_at < since
                and (left.get(r[0].id, 0) > 0 or (r[0].seq_max or 0) > (r[0].seq_contiguous or 0))]
    shown = rows[(page - 1) * per_page: page * per_page]
    return {"items": [device_view(d, u, n, left.get(d.id)) for d, u, n in shown], "total": len(rows)}


def revoke_device(device_id: str, admin: User) -> dict:
    begin_write()
    device = db.session.get(Device, device_id)
    if device is None:
        raise ApiError("not_found", {"field": "device_id"})
    if device.revoked_at is None:
        now = utcnow()
        device.revoked_at, device.revoked_by = now, admin.id
        audit("device.revoked", "device", device.id, {"revoked_at": None}, {"revoked_at": iso_utc(now)}, None,
              admin.id, now)
    db.session.commit()
    owner = db.session.get(User, device.user_id)
    return device_view(device, owner.username, owner.name)


def set_assignments(username: str, buildings: list[dict], admin: User) -> dict:
    """Replace a collector's buildings from now on; the moved households reach the phones by the change log."""
    begin_write()
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        raise ApiError("not_found", {"field": "username"})
    wanted = set()
    for ref in buildings:
        building_id = db.session.scalar(sa.select(Building.id).join(Project, Project.id == Building.project_id)
                                         .where(Project.name == ref["project"], Building.name == ref["building"]))
        if building_id is None:
            raise ApiError("validation_failed", {"building": ref})
        wanted.add(building_id)
    now = utcnow()
    current = {a.building_id: a for a in db.session.scalars(sa.select(Assignment).where(
        Assignment.user_id == user.id, Assignment.valid_to.is_(None)))}
    ended = set(current) - wanted
    added = wanted - set(current)
    for building_id in ended:
        current[building_id].valid_to = now
    for building_id in added:
        db.session.add(Assignment(user_id=user.id, building_id=building_id, valid_from=now, created_by=admin.id))
    if ended or added:
        audit("assignment.set", "user", user.id, {"buildings": sorted(current)}, {"buildings": sorted(wanted)},
              None, admin.id, now)
        moved = db.session.scalars(sa.select(Household.id).where(Household.building_id.in_(ended | added)))
        touch(list(moved), now=now)
    db.session.commit()
    return _assignments_view(user)


def assignments_of(username: str) -> dict:
    """A collector's buildings now, in the shape PUT answers: what the console edits before it replaces."""
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        raise ApiError("not_found", {"field": "username"})
    return _assignments_view(user)


def _assignments_view(user: User) -> dict:
    wanted = sa.select(Assignment.building_id).where(Assignment.user_id == user.id, Assignment.valid_to.is_(None))
    refs = db.session.execute(sa.select(Project.name, Building.name).join(Project, Project.id == Building.project_id)
                              .where(Building.id.in_(wanted)).order_by(Project.name, sa.func.length(Building.name),
                                                                        Building.name)).all()
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Household)
                              .where(Household.building_id.in_(wanted)))
    return {"username": user.username, "buildings": [{"project": p, "building": b} for p, b in refs],
            "households": count}


def list_buildings() -> list[dict]:
    """The estate as clerks name it in requests: each project with its buildings, in their natural order."""
    rows = db.session.execute(sa.select(Project.name, Building.name).join(Building, Building.project_id == Project.id)
                              .order_by(Project.name, sa.func.length(Building.name), Building.name)).all()
    projects: dict[str, list[str]] = {}
    for project, building in rows:
        projects.setdefault(project, []).append(building)
    return [{"project": p, "buildings": b} for p, b in projects.items()]
