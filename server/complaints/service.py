"""投诉处理档案: complaints, follow-ups (回访) and the satisfaction report (DOMAIN.md §7 Complaints and Surveys;
OFFICE.md "A household's life").

A complaint is opened by a clerk (from the counter, the telephone or a property company) or by a phone's
`visit` with kind `complaint` (PROTOCOL.md, Operations: server/sync_api/batch.py calls from_phone in the
push's transaction). It is closed once, with its resolution. Compensation (需要赔付) is the regional
manager's (DOMAIN.md §7): a clerk who closes with compensation above zero leaves the complaint open with
the compensation `proposed`; an admin's close approves it. While a `temperature` complaint is open the
household's dunning is paused (OFFICE.md): dunning_paused() is what the dunning queue and the notice
jobs leave out. Every change is audited, and touches the household so that the phones' cards show it.
"""
from collections import defaultdict
import sqlalchemy as sa

from ..changes import audit, audit_rows, begin_write, insert_rows, touch
from ..errors import ApiError
from ..estate.address import flat_label
from ..extensions import db
from ..models import (Building, Complaint, ComplaintFollowUp, Household, Project, Season, User, utcnow)
from ..timefmt import day_end_utc, day_start_utc, iso_utc

CATEGORIES = ("temperature", "billing", "service", "other")
SOURCES = ("phone", "office", "property_company")
PAUSES_DUNNING = "temperature"


def dunning_paused():
    """The households whose dunning is paused now: those with an open temperature complaint (OFFICE.md)."""
    return sa.select(Complaint.household_id).where(Complaint.state == "open",
                                                   Complaint.category == PAUSES_DUNNING)


def _names(ids) -> dict:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(User.id, User.username).where(User.id.in_(ids))).all())


def _follow_up_out(f: ComplaintFollowUp, names: dict) -> dict:
    return {"id": f.id, "text": f.text, "satisfaction": f.satisfaction, "by": names.get(f.by), "at": iso_utc(f.at),
            "field_record_id": f.field_record_id}


def out(c: Complaint, follow_ups: list | None = None, where: tuple | None = None) -> dict:
    """A complaint as the API and the household page show it (follow-ups when they were read)."""
    ups = follow_ups or []
    names = _names([c.opened_by, c.closed_by, *(f.by for f in ups)])
    body = {"id": c.id, "household_id": c.household_id, "category": c.category, "text": c.text, "source": c.source,
            "state": c.state, "opened_at": iso_utc(c.opened_at), "opened_by": names.get(c.opened_by),
            "field_record_id": c.field_record_id, "resolution": c.resolution, "satisfaction": c.satisfaction,
            "compensation_fen": c.compensation_fen, "compensation_state": c.compensation_state,
            "closed_at": iso_utc(c.closed_at), "closed_by": names.get(c.closed_by)}
    if where is not None:
        body["label"], body["project"] = where
    if follow_ups is not None:
        body["follow_ups"] = [_follow_up_out(f, names) for f in ups]
    return body


def _snapshot(c: Complaint) -> dict:
    return {"state": c.state, "resolution": c.resolution, "satisfaction": c.satisfaction,
            "compensation_fen": c.compensation_fen, "compensation_state": c.compensation_state}


def _load(complaint_id: int) -> Complaint:
    c = db.session.get(Complaint, complaint_id, with_for_update=True)
    if c is None:
        raise ApiError("not_found", {"complaint_id": complaint_id})
    return c


def _follow_ups(complaint_ids) -> dict[int, list]:
    out_ = defaultdict(list)
    for f in db.session.scalars(sa.select(ComplaintFollowUp).where(ComplaintFollowUp.complaint_id.in_(complaint_ids))
                                .order_by(ComplaintFollowUp.at, ComplaintFollowUp.id)):
        out_[f.complaint_id].append(f)
    return out_


def open_complaint(household_id: str, category: str, text: str, source: str, user: User) -> dict:
    """Open a complaint the office took (counter, telephone, property company)."""
    begin_write()
    household = db.session.get(Household, household_id[:36])
    if household is None:
        raise ApiError("not_found", {"household_id": household_id[:36]})
    c = Complaint(household_id=household.id, category=category, text=text, source=source, state="open",
                  opened_at=utcnow(), opened_by=user.id, compensation_fen=0, compensation_state="none")
    db.session.add(c)
    db.session.flush()
    audit("complaint.opened", "complaint", c.id, None, {"household_id": household.id, "category": category,
          "source": source}, None, user.id)
    touch([household.id])
    db.session.commit()
    return out(c, [])


def get(complaint_id: int) -> dict:
    c = db.session.get(Complaint, complaint_id)
    if c is None:
        raise ApiError("not_found", {"complaint_id": complaint_id})
    return out(c, _follow_ups([c.id])[c.id], _where(c.household_id))


def _where(household_id: str) -> tuple:
    building, project, h = db.session.execute(
        sa.select(Building.name, Project.name, Household).join(Household, Household.building_id == Building.id)
        .join(Project, Project.id == Building.project_id).where(Household.id == household_id)).one()
    return flat_label(building, h.unit, h.room), project


def listing(state, project, household_id, page: int, per_page: int) -> dict:
    """Complaints newest first, by state, project or household."""
    query = (sa.select(Complaint, Building.name, Project.name, Household.unit, Household.room)
             .join(Household, Household.id == Complaint.household_id)
             .join(Building, Building.id == Household.building_id).join(Project, Project.id == Building.project_id))
    if state:
        query = query.where(Complaint.state == state)
    if project:
        query = query.where(Project.name == project)
    if household_id:
        query = query.where(Complaint.household_id == household_id[:36])
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.with_only_columns(Complaint.id).subquery()))
    rows = db.session.execute(query.order_by(Complaint.opened_at.desc(), Complaint.id.desc())
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return {"items": [out(c, None, (flat_label(b, unit, room), p)) for c, b, p, unit, room in rows], "total": total}


def follow_up(complaint_id: int, text: str, satisfaction: int | None, user: User) -> dict:
    """回访: recorded on an open or a closed complaint (a call after the close is the usual 回访)."""
    begin_write()
    c = _load(complaint_id)
    f = ComplaintFollowUp(complaint_id=c.id, text=text, satisfaction=satisfaction, by=user.id, at=utcnow())
    db.session.add(f)
    db.session.flush()
    audit("complaint.follow_up", "complaint", c.id, None, {"follow_up_id": f.id, "satisfaction": satisfaction},
          None, user.id)
    touch([c.household_id])
    db.session.commit()
    return _follow_up_out(f, _names([user.id]))


def close(complaint_id: int, resolution: str, satisfaction: int | None, compensation_fen: int | None,
          user: User) -> dict:
    """Close with the resolution. Compensation above zero needs an admin (DOMAIN.md §7): a clerk's close then
    records the resolution and proposes the compensation, and the complaint stays open for an admin to close
    (an admin closing without naming an amount approves the proposed one)."""
    begin_write()
    c = _load(complaint_id)
    if c.state == "closed":
        raise ApiError("complaint_closed", {"closed_at": iso_utc(c.closed_at)})
    before = _snapshot(c)
    amount = compensation_fen if compensation_fen is not None else (
        c.compensation_fen if c.compensation_state == "proposed" else 0)
    c.resolution = resolution
    if satisfaction is not None:
        c.satisfaction = satisfaction
    c.compensation_fen = amount
    if amount > 0 and user.role != "admin":
        c.compensation_state = "proposed"
        action = "complaint.compensation_proposed"
    else:
        c.compensation_state = "approved" if amount > 0 else "none"
        c.state, c.closed_at, c.closed_by = "closed", utcnow(), user.id
        action = "complaint.closed"
    audit(action, "complaint", c.id, before, _snapshot(c), resolution, user.id)
    touch([c.household_id])
    db.session.commit()
    return out(c, _follow_ups([c.id])[c.id])


# --- from the phones: called by the push (sync_api/batch.py) in its own transaction ----------------------

def from_phone(visits: list[dict], field_ids: dict[str, int], user_id: int, now) -> None:
    """Open a complaint for each `visit` of kind complaint, link each `follow_up` visit to its household's open
    complaint (the newest). Exactly once: a replayed operation is a duplicate and writes no field record, and
    field_record_id is unique on both tables."""
    complaints = []
    for v in visits:
        if v["data"].get("kind") == "complaint":
            data = v["data"]
            category = data.get("category") if data.get("category") in CATEGORIES else "other"
            complaints.append({"household_id": v["household_id"], "category": category, "text": data["text"],
                               "source": "phone", "state": "open", "opened_at": v["at"], "opened_by": user_id,
                               "field_record_id": field_ids[v["op_id"]], "compensation_fen": 0,
                               "compensation_state": "none"})
    audits = []
    if complaints:
        insert_rows(Complaint, complaints)
        for cid, hid, fid in db.session.execute(sa.select(Complaint.id, Complaint.household_id,
                                                          Complaint.field_record_id).where(
                Complaint.field_record_id.in_([c["field_record_id"] for c in complaints]))):
            audits.append({"action": "complaint.opened", "entity": "complaint", "entity_id": str(cid), "before": None,
                           "after": {"household_id": hid, "source": "phone", "field_record_id": fid},
                           "user_id": user_id, "at": now})
    # After this batch's complaints: a complaint and its 回访 may reach the server in one push.
    wanted = sorted({v["household_id"] for v in visits if v["data"].get("kind") == "follow_up"})
    open_ = {}
    if wanted:
        for hid, cid in db.session.execute(sa.select(Complaint.household_id, Complaint.id).where(
                Complaint.household_id.in_(wanted), Complaint.state == "open")
                .order_by(Complaint.opened_at, Complaint.id)):
            open_[hid] = cid  # the newest wins
    follow_ups = [{"complaint_id": open_[v["household_id"]], "text": v["data"]["text"],
                   "satisfaction": v["data"].get("satisfaction"), "by": user_id, "at": v["at"],
                   "field_record_id": field_ids[v["op_id"]]}
                  for v in visits if v["data"].get("kind") == "follow_up" and v["household_id"] in open_]
    if follow_ups:
        insert_rows(ComplaintFollowUp, follow_ups)
        audits += [{"action": "complaint.follow_up", "entity": "complaint", "entity_id": str(f["complaint_id"]),
                    "before": None, "after": {"field_record_id": f["field_record_id"],
                                              "satisfaction": f["satisfaction"]}, "user_id": user_id, "at": now}
                   for f in follow_ups]
    audit_rows(audits)


# --- what the phone's household card shows (PROTOCOL.md, Pull: an optional field old clients ignore) ------

def for_cards(household_ids) -> dict[str, list[dict]]:
    """Each household's open complaints and, up to three in all, its latest closed ones, newest first."""
    out_ = defaultdict(list)
    if not household_ids:
        return out_
    for c in db.session.execute(sa.select(Complaint.id, Complaint.household_id, Complaint.category, Complaint.state,
                                          Complaint.text, Complaint.opened_at)
                                .where(Complaint.household_id.in_(household_ids))
                                .order_by(Complaint.household_id, Complaint.state.desc(), Complaint.opened_at.desc())):
        mine = out_[c.household_id]
        if c.state == "open" or len(mine) < 3:
            mine.append({"id": c.id, "category": c.category, "state": c.state, "text": c.text[:200],
                         "opened_at": iso_utc(c.opened_at)})
    return out_


def of_household(household_id: str) -> list[dict]:
    """The household page's complaints, oldest first, each with its follow-ups."""
    rows = list(db.session.scalars(sa.select(Complaint).where(Complaint.household_id == household_id)
                                   .order_by(Complaint.opened_at, Complaint.id)))
    ups = _follow_ups([c.id for c in rows]) if rows else {}
    return [out(c, ups.get(c.id, [])) for c in rows]


# --- 业主满意度调查 / 用户意见反馈 (DOMAIN.md §7 Surveys) ------------------------------------------------

def satisfaction(season_id: str | None, project: str | None) -> dict:
    """Per project: complaints opened in the season (its first to its last day, Shanghai) and how many of them are
    closed, by category, the average of every satisfaction score given (at the close and at each follow-up), and
    the number of follow-ups."""
    query = (sa.select(Complaint.id, Complaint.category, Complaint.state, Complaint.satisfaction, Project.name)
             .join(Household, Household.id == Complaint.household_id)
             .join(Building, Building.id == Household.building_id).join(Project, Project.id == Building.project_id))
    if season_id:
        season = db.session.get(Season, season_id)
        if season is None:
            raise ApiError("not_found", {"season": season_id})
        query = query.where(Complaint.opened_at >= day_start_utc(season.starts_on),
                            Complaint.opened_at < day_end_utc(season.ends_on))
    if project:
        query = query.where(Project.name == project)
    rows = db.session.execute(query).all()
    scores = defaultdict(list)
    ups = _follow_ups([r.id for r in rows]) if rows else {}
    projects = {}
    for r in rows:
        p = projects.setdefault(r.name, {"project": r.name, "opened": 0, "closed": 0,
                                         "by_category": {c: 0 for c in CATEGORIES}, "follow_ups": 0})
        p["opened"] += 1
        p["closed"] += r.state == "closed"
        p["by_category"][r.category] = p["by_category"].get(r.category, 0) + 1
        p["follow_ups"] += len(ups.get(r.id, []))
        scores[r.name] += [s for s in [r.satisfaction, *(f.satisfaction for f in ups.get(r.id, []))] if s]
    for name, p in projects.items():
        p["satisfaction_count"] = len(scores[name])
        p["average_satisfaction"] = f"{sum(scores[name]) / len(scores[name]):.2f}" if scores[name] else None
    return {"season": season_id, "items": sorted(projects.values(), key=lambda p: p["project"])}
