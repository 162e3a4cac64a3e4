"""The estate as the office sees it: projects with their buildings, and a building's grid of flats (楼盘表)."""
from collections import defaultdict

import sqlalchemy as sa

from sync.grid import flat_order, flat_state, floor_of

from ..billing.service import credits_of
from ..changes import audit, begin_write
from ..errors import ApiError
from ..extensions import db
from ..models import Bill, Building, Household, Project, Season


def list_projects() -> list[dict]:
    counts = defaultdict(lambda: {"units": set(), "households": 0})
    for building_id, unit in db.session.execute(sa.select(Household.building_id, Household.unit)):
        counts[building_id]["units"].add(unit)
        counts[building_id]["households"] += 1
    buildings = defaultdict(list)
    for b in db.session.scalars(sa.select(Building).order_by(sa.func.length(Building.name), Building.name)):
        buildings[b.project_id].append({"id": b.id, "name": b.name, "units": len(counts[b.id]["units"]),
                                        "households": counts[b.id]["households"]})
    return [{"id": p.id, "name": p.name, "collection_mode": p.collection_mode, "property_company": p.property_company,
             "heat_source": p.heat_source, "buildings": buildings[p.id]}
            for p in db.session.scalars(sa.select(Project).order_by(Project.id))]


def grid(building_id: int, season_id: str | None) -> dict:
    building = db.session.get(Building, building_id)
    if building is None:
        raise ApiError("not_found", {"building_id": building_id})
    if season_id is None:
        season_id = db.session.scalar(sa.select(Season.id).where(Season.open.is_(True)).order_by(Season.starts_on.desc()))
    elif db.session.get(Season, season_id) is None:
        raise ApiError("bad_request", {"fields": {"season": [f"unknown season: {season_id}"]}})
    households = db.session.scalars(sa.select(Household).where(Household.building_id == building_id)).all()
    ids = [h.id for h in households]
    mine = Bill.household_id.in_(ids)
    bills = {hid: (due, paid) for hid, due, paid in db.session.execute(
        sa.select(Bill.household_id, Bill.due_fen, Bill.paid_fen).where(mine, Bill.season_id == season_id))}
    balances = defaultdict(int)
    for hid, due, paid in db.session.execute(sa.select(Bill.household_id, Bill.due_fen, Bill.paid_fen).where(mine)):
        balances[hid] += max(due - paid, 0)
    credits = credits_of(ids)  # 预存 (DESIGN.md inv. 3)
    floors = defaultdict(list)
    for h in sorted(households, key=lambda h: flat_order(h.unit, h.room)):
        due, paid = bills.get(h.id, (None, 0))
        credit = credits.get(h.id, 0)
        floors[floor_of(h.room)].append({"household_id": h.id, "unit": h.unit, "room": h.room,
                                         "state": flat_state(h.status, due, paid, credit),
                                         "balance_fen": balances[h.id], "credit_fen": credit})
    return {"building": {"id": building.id, "name": building.name, "project": building.project.name},
            "season": season_id, "floors": [{"floor": f, "flats": floors[f]} for f in sorted(floors, reverse=True)]}


def _project_view(p: Project, buildings: list[dict]) -> dict:
    return {"id": p.id, "name": p.name, "collection_mode": p.collection_mode, "property_company": p.property_company,
            "heat_source": p.heat_source, "buildings": buildings}


def create_project(fields: dict, user_id: int) -> dict:
    """A new project (小区), audited; its name is unique (409 project_exists)."""
    begin_write()
    name = fields["name"].strip()
    if not name:
        raise ApiError("validation_failed", {"fields": {"name": ["a name is required"]}})
    if db.session.scalar(sa.select(Project.id).where(Project.name == name)) is not None:
        raise ApiError("project_exists", {"name": name})
    project = Project(**dict(fields, name=name))
    db.session.add(project)
    db.session.flush()
    audit("project.created", "project", project.id, None,
          {k: str(v) if v is not None else None for k, v in dict(fields, name=name).items()}, None, user_id)
    db.session.commit()
    return _project_view(project, [])


def create_building(project_id: int, name: str, user_id: int) -> dict:
    """A new building (楼) of a project, audited; unique within it (409 building_exists)."""
    begin_write()
    if db.session.get(Project, project_id) is None:
        raise ApiError("not_found", {"project_id": project_id})
    name = name.strip()
    if not name:
        raise ApiError("validation_failed", {"fields": {"name": ["a name is required"]}})
    if db.session.scalar(sa.select(Building.id).where(Building.project_id == project_id, Building.name == name)):
        raise ApiError("building_exists", {"project_id": project_id, "name": name})
    building = Building(project_id=project_id, name=name)
    db.session.add(building)
    db.session.flush()
    audit("building.created", "building", building.id, None, {"project_id": project_id, "name": name}, None, user_id)
    db.session.commit()
    return {"id": building.id, "name": building.name, "units": 0, "households": 0}
