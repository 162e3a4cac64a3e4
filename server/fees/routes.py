"""Admin endpoints for fee rules, seasons, rates and issuing bills."""
from flask import Blueprint, g

from ..auth.service import authenticate
from ..schemas_util import load_json
from . import service
from .schemas import issue_out, rate_out, rates_in, season_in, season_out, season_patch, setting_in

bp = Blueprint("fees", __name__, url_prefix="/api/v1/admin")


@bp.get("/settings")
@authenticate("admin", "clerk")
def settings():
    """The fee rules in force (suspension ratio and deadline, late fees, season defaults)."""
    return service.list_settings()


@bp.put("/settings/<key>")
@authenticate("admin")
def put_setting(key):
    """Change one group of fee rules; refused if the rules would not accept it."""
    return {"key": key, "value": service.put_setting(key, load_json(setting_in)["value"], g.user.id)}


@bp.get("/seasons")
@authenticate("admin", "clerk")
def seasons():
    """Heating seasons, oldest first."""
    return {"items": season_out.dump(service.list_seasons(), many=True)}


@bp.post("/seasons")
@authenticate("admin")
def create_season():
    """Add a heating season (dates are data: the city may move them)."""
    return season_out.dump(service.create_season(load_json(season_in), g.user.id)), 201


@bp.patch("/seasons/<season_id>")
@authenticate("admin")
def patch_season(season_id):
    """Open or close a season."""
    return season_out.dump(service.set_season_open(season_id, load_json(season_patch)["open"], g.user.id))


@bp.get("/seasons/<season_id>/rates")
@authenticate("admin", "clerk")
def rates(season_id):
    """The season's prices per m², as set."""
    items = rate_out.dump(service.list_rates(season_id), many=True)
    return {"items": items, "total": len(items)}


@bp.put("/seasons/<season_id>/rates")
@authenticate("admin")
def put_rates(season_id):
    """Set the season's prices per m²; bills already issued keep theirs."""
    rows = service.put_rates(season_id, load_json(rates_in)["rates"], g.user.id)
    return {"items": rate_out.dump(rows, many=True)}


@bp.post("/seasons/<season_id>/bills")
@authenticate("admin")
def issue_bills(season_id):
    """Issue the season's bills to every household without one; credit rolls forward."""
    return issue_out.dump(service.issue_bills(season_id, g.user.id))
