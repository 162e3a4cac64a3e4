"""GET /api/v1/projects, GET /api/v1/buildings/<id>/grid (the 楼盘表)."""
from flask import Blueprint

from ..auth.service import authenticate
from ..openapi import EXTRA
from ..schemas_util import id_rule, load_args
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


EXTRA.update({
    "estate.projects": (None, None, s.ProjectList, 200),
    "estate.grid": (s.GridArgs, None, s.GridOut, 200),
})
