"""GET /api/v1/projects, GET /api/v1/buildings/<id>/grid (the 楼盘表); the estate's creation (admin)."""
from flask import Blueprint, g

from ..auth.service import authenticate
from ..openapi import EXTRA
from ..schemas_util import id_rule, load_args, load_json
from . import schemas as s
from . import service

bp = Blueprint("estate", __name__, url_prefix="/api/v1")


@bp.get("/projects")
@authenticate("clerk", "admin")
def projects():
    """Every project (小区) with its buildings, their units and households."""
    items = service.list_projects()
    return s.project_list.dump({"items": items, "total": len(items)})


@bp.get(f"/buildings/{id_rule('building_id')}/grid")
@authenticate("clerk", "admin")
def grid(building_id):
    """A building's floors × flats, each coloured by its bill of the season."""
    return s.grid_out.dump(service.grid(building_id, load_args(s.grid_args)["season"]))


@bp.post("/admin/projects")
@authenticate("admin")
def create_project():
    """A new project (小区)."""
    return s.project_out.dump(service.create_project(load_json(s.project_in), g.user.id)), 201


@bp.post(f"/admin/projects/{id_rule('project_id')}/buildings")
@authenticate("admin")
def create_building(project_id):
    """A new building (楼) of a project."""
    body = load_json(s.building_in)
    return s.building_out.dump(service.create_building(project_id, body["name"], g.user.id)), 201


EXTRA.update({
    "estate.projects": (None, None, s.ProjectList, 200),
    "estate.grid": (s.GridArgs, None, s.GridOut, 200),
    "estate.create_project": (None, s.ProjectIn, s.ProjectOut, 201),
    "estate.create_building": (None, s.BuildingIn, s.EstateBuilding, 201),
})
