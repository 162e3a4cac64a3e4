"""GET /api/v1/households, /households/<id>, /households/<id>/debts (clerks and admins)."""
from urllib.parse import quote

from flask import Blueprint, Response, g

from ..auth.service import authenticate
from ..openapi import EXTRA
from ..schemas_util import load_args, load_json
from . import schemas as s
from ..dunning import service as dunning
from . import accounts
from . import area as area_service
from . import opening
from . import export as export_service
from . import service

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

bp = Blueprint("households", __name__, url_prefix="/api/v1/households")


@bp.get("")
@authenticate("clerk", "admin")
def search():
    """Households by name, pinyin initials, room (3-2-501), household number or phone tail."""
    a = load_args(s.search_args)
    return s.household_list.dump(service.search(a["q"], a["project"], a["building"], a["status"], a["in_arrears"],
                                                a["page"], a["per_page"]))


@bp.get("/export")
@authenticate("clerk", "admin")
def export():
    """The register as Excel: the import's columns and each season's due, paid and balance."""
    a = load_args(s.export_args)
    body, name = export_service.workbook(a["project"])
    return Response(body, mimetype=XLSX, headers={
        "Content-Disposition": f"attachment; filename=\"households.xlsx\"; filename*=UTF-8''{quote(name)}"})


@bp.get("/<household_id>")
@authenticate("clerk", "admin")
def detail(household_id):
    """Everything recorded about one household."""
    return s.household_detail.dump(service.detail(household_id))


@bp.get("/<household_id>/debts")
@authenticate("clerk", "admin")
def debts(household_id):
    """Each season still owed, with its limitation date (诉讼时效)."""
    items = dunning.debts_of(household_id)
    return s.debt_list.dump({"items": items, "total": len(items)})


@bp.post("/<household_id>/area")
@authenticate("clerk", "admin")
def area(household_id):
    """Correct the charging area with its source; each bill adjusted (a closed season's by an admin's approval)."""
    body = load_json(s.area_in)
    return s.area_out.dump(area_service.correct(household_id, body["area_m2"], body["source"], body["reason"],
                                                body["approve_closed"], g.user))


@bp.post("/<household_id>/transfer")
@authenticate("clerk", "admin")
def transfer(household_id):
    """过户: the buyer's account from a day; bills issued before it keep the seller as payer (case 2)."""
    body = load_json(s.transfer_in)
    return s.account_out.dump(accounts.transfer(household_id, body["new_owner"], body["from_"], body["reason"],
                                                body["agreement_seasons"], g.user)), 201


@bp.post("/<household_id>/open")
@authenticate("clerk", "admin")
def open_household(household_id):
    """开通: a flat not yet opened gets heat from a day, and that season's bill."""
    body = load_json(s.open_in)
    return s.bill_out.dump(opening.open_household(household_id, body["season"], body["from_"], body["reason"],
                                                  g.user)), 201


EXTRA.update({
    "households.transfer": (None, s.TransferIn, s.AccountOut, 201),
    "households.open_household": (None, s.OpeningIn, s.OpenedBill, 201),
    "households.area": (None, s.AreaIn, s.AreaOut, 200),
    "households.search": (s.SearchArgs, None, s.HouseholdList, 200),
    "households.detail": (None, None, s.HouseholdDetail, 200),
    "households.debts": (None, None, s.DebtList, 200),
    "households.export": (s.ExportArgs, None, None, 200),
})
