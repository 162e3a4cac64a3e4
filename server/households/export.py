"""The register as a workbook (GET /api/v1/households/export): the import's columns, so that an export
edited and imported again changes only what was edited, then each season's due, paid and balance in yuan."""
from collections import defaultdict

import sqlalchemy as sa

from sync.onboarding import COLUMNS

from .. import spreadsheet
from ..errors import ApiError
from ..extensions import db
from ..labels import label
from ..models import Account, Bill, Building, Household, Party, Project, Season


def _rows(project_id: int | None):
    numbers = (sa.select(Account.household_id, sa.func.max(Account.number).label("number"))
               .where(Account.valid_to.is_(None)).group_by(Account.household_id).subquery())
    query = (sa.select(Household.id, Project.name, Building.name, Household.unit, Household.room, numbers.c.number,
                       Party.name, Party.phone, Household.area_m2, Household.area_source, Household.category,
                       Household.status)
             .join(Building, Building.id == Household.building_id).join(Project, Project.id == Building.project_id)
             .join(Party, Party.id == Household.owner_id).outerjoin(numbers, numbers.c.household_id == Household.id)
             .order_by(Project.name, sa.func.length(Building.name), Building.name, sa.func.length(Household.unit),
                       Household.unit, sa.func.length(Household.room), Household.room))
    if project_id is not None:
        query = query.where(Building.project_id == project_id)
    return db.session.execute(query).all()


def workbook(project: str | None) -> tuple[bytes, str]:
    project_id = None
    if project:
        project_id = db.session.scalar(sa.select(Project.id).where(Project.name == project))
        if project_id is None:
            raise ApiError("bad_request", {"fields": {"project": [f"unknown project: {project[:80]}"]}})
    seasons = list(db.session.scalars(sa.select(Season.id).order_by(Season.starts_on)))
    bills = defaultdict(dict)
    query = sa.select(Bill.household_id, Bill.season_id, Bill.due_fen, Bill.paid_fen)
    if project_id is not None:
        query = (query.join(Household, Household.id == Bill.household_id)
                 .join(Building, Building.id == Household.building_id).where(Building.project_id == project_id))
    for hid, season, due, paid in db.session.execute(query):
        bills[hid][season] = (due, paid)
    header = list(COLUMNS) + [f"{s} {what}(元)" for s in seasons for what in ("应收", "已收", "欠费")]
    area_at = COLUMNS.index("建筑面积")
    formats = {area_at: spreadsheet.AREA, **{len(COLUMNS) + i: spreadsheet.YUAN for i in range(3 * len(seasons))}}

    def lines():
        for (hid, proj, building, unit, room, number, owner, phone, area, source, category, status) in _rows(project_id):
            row = [proj, building, unit, room, number, owner, phone, float(area), label("area_source", source),
                   label("category", category), label("household_status", status)]
            mine = bills.get(hid, {})
            for s in seasons:
                if s in mine:
                    due, paid = mine[s]
                    row += [due / 100, paid / 100, max(due - paid, 0) / 100]
                else:
                    row += [None, None, None]
            yield row

    name = f"households-{project}.xlsx" if project else "households.xlsx"
    return spreadsheet.workbook_bytes([spreadsheet.Table("住户", header, lines(), formats)]), name
