"""Onboarding a register of households from a spreadsheet (OFFICE.md, Estate and households; issue 13, item 1).

One file, one report: every bad cell named by row and column, in the request's language. `check` writes
nothing; `all_or_nothing` writes nothing while an error remains; `good_rows` writes the others. A row is
keyed by (小区, 楼号, 单元, 房号): a room already there is updated where the file says something else
(audited, before and after), and left alone where it says the same, so the same file twice creates and
changes nothing. A building not yet in its project is made; a project must exist (an admin creates it).

Fast (bench/import_bench.py): the state the file touches is read in a few queries, and everything is
written in one transaction by executemany (COPY on PostgreSQL), never a query per row.

An area that changes here changes the household's record only (audited with its source). Bills already
issued keep their area: re-billing is the area rule's (POST /households/<id>/area, DOMAIN.md case 7).
"""
import hashlib

import sqlalchemy as sa

from sync.merge import posting_date
from sync.onboarding import COLUMNS, RowError, check_row, duplicates, find_columns, row_key

from ..changes import audit, audit_rows, begin_write, insert_rows, touch
from ..errors import CATALOGUE
from ..extensions import db
from ..households.accounts import free_numbers, party_kind
from ..households.names import initials
from ..labels import table as label_table
from ..models import Account, Building, Household, Party, Project, utcnow
from ..models.base import new_id
from . import files

MODES = ("check", "all_or_nothing", "good_rows")
_CHUNK = 5000  # ids per IN (…): well inside every engine's limit on bound parameters


def vocabulary() -> dict[str, dict[str, str]]:
    """The words a cell may hold for each coded column, from sync/labels.json: zh, en, the code, aliases."""
    out = {}
    for kind in ("area_source", "category", "household_status"):
        words = {}
        for code, entry in label_table().get(kind, {}).items():
            for word in (code, entry.get("zh"), entry.get("en"), *entry.get("also", ())):
                if word:
                    words[word] = code
                    words[word.lower()] = code
        out[kind] = words
    return out


def message(error: RowError, english: bool) -> str:
    """One bad cell in words, naming its row and column (the row as the spreadsheet numbers it)."""
    _, zh, en = CATALOGUE[error.code]
    if english:
        text = f"Row {error.row}, column {error.column}: {en}"
        if error.rows:
            text += f" (rows {', '.join(map(str, error.rows))})"
        return text + (f": “{error.value}”" if error.value else "")
    text = f"第 {error.row} 行「{error.column}」：{zh}"
    if error.rows:
        text += f"（第 {'、'.join(map(str, error.rows))} 行）"
    return text + (f"：“{error.value}”" if error.value else "")


def _chunks(values):
    values = list(values)
    for i in range(0, len(values), _CHUNK):
        yield values[i:i + _CHUNK]


class _State:
    """What the database holds for the rooms of a file, read in a few queries."""

    def __init__(self, rows):
        self.projects = dict(db.session.execute(sa.select(Project.name, Project.id)).all())
        wanted = {self.projects[r.project] for r in rows if r.project in self.projects}
        self.buildings = {(p, name): bid for bid, p, name in db.session.execute(
            sa.select(Building.id, Building.project_id, Building.name).where(Building.project_id.in_(wanted)))}
        ids = list(self.buildings.values())
        self.households = {}
        for chunk in _chunks(ids):
            for h in db.session.execute(
                    sa.select(Household.id, Household.building_id, Household.unit, Household.room, Household.area_m2,
                              Household.area_source, Household.category, Household.status, Household.owner_id,
                              Party.name, Party.phone).join(Party, Party.id == Household.owner_id)
                    .where(Household.building_id.in_(chunk))):
                self.households[(h.building_id, h.unit, h.room)] = h
        self.numbers = {}  # household id → its current 户号
        for chunk in _chunks([h.id for h in self.households.values()]):
            self.numbers.update(db.session.execute(sa.select(Account.household_id, Account.number).where(
                Account.household_id.in_(chunk), Account.valid_to.is_(None))).all())
        self.number_owner = {}  # 户号 named in the file → the household that has it (any period)
        for chunk in _chunks({r.number for r in rows if r.number}):
            self.number_owner.update(db.session.execute(sa.select(Account.number, Account.household_id).where(
                Account.number.in_(chunk))).all())


def _changes(row, h, number) -> tuple[dict, dict, list[RowError]]:
    """(household changes, owner changes, errors) of a row for a room that exists."""
    errors, house, owner = [], {}, {}
    if row.number and number and row.number != number:
        errors.append(RowError(row.row, "户号", "number_mismatch", row.number))
    if row.status and row.status != h.status:
        errors.append(RowError(row.row, "供热状态", "status_change", row.status))
    if row.area_m2 != h.area_m2:
        house["area_m2"] = row.area_m2
    if row.area_source and row.area_source != h.area_source:
        house["area_source"] = row.area_source
    if row.category and row.category != h.category:
        house["category"] = row.category
    if row.owner_name != h.name:
        owner["name"] = row.owner_name
    if row.phone and row.phone != h.phone:
        owner["phone"] = row.phone
    return house, owner, errors


def _plan(rows, errors):
    """Sort the good rows into new rooms and changed rooms, adding what only the database can tell wrong."""
    state = _State(rows)
    creates, updates = [], []
    for r in rows:
        project_id = state.projects.get(r.project)
        if project_id is None:
            errors.append(RowError(r.row, "小区", "unknown_project", r.project))
            continue
        taken_by = state.number_owner.get(r.number) if r.number else None
        building_id = state.buildings.get((project_id, r.building))
        h = state.households.get((building_id, r.unit, r.room)) if building_id else None
        if taken_by is not None and (h is None or taken_by != h.id):
            errors.append(RowError(r.row, "户号", "number_taken", r.number))
            continue
        if h is None:
            creates.append((r, project_id))
            continue
        house, owner, wrong = _changes(r, h, state.numbers.get(h.id))
        if wrong:
            errors.extend(wrong)
        elif house or owner:
            updates.append((r, h, house, owner))
    return state, creates, updates


def import_households(filename: str, data: bytes, mode: str, user_id: int, english: bool) -> tuple[dict, int]:
    """The report and its status: 200, or 422 when all_or_nothing met an error (nothing written)."""
    columns, body = files.read_table(filename, data, find_columns)
    if mode != "check":
        begin_write()  # before reading the state: no other write slips between the read and ours
    vocab, rows, keys, errors = vocabulary(), [], [], []
    for n, cells in body:
        values = {c: cells[i] if i < len(cells) else None for c, i in columns.items()}
        row, wrong = check_row(n, values, vocab)
        errors.extend(wrong)
        keys.append(row_key(n, values))
        if row is not None:
            rows.append(row)
    errors.extend(duplicates(keys))
    bad = {e.row for e in errors}
    rows = [r for r in rows if r.row not in bad]
    state, creates, updates = _plan(rows, errors)
    bad = {e.row for e in errors}
    order = {c: i for i, c in enumerate(COLUMNS)}
    report = {"rows": len(body), "imported": 0, "updated": 0,
              "errors": [{"row": e.row, "column": e.column, "code": e.code, "message": message(e, english)}
                         for e in sorted(errors, key=lambda e: (e.row, order.get(e.column, 99), e.code))]}
    if mode == "check" or (mode == "all_or_nothing" and errors):
        db.session.rollback()
        return report, 422 if mode == "all_or_nothing" else 200
    creates = [(r, p) for r, p in creates if r.row not in bad]
    updates = [u for u in updates if u[0].row not in bad]
    now = utcnow()
    reason = f"导入 {filename or 'upload'}"[:500]
    _create(state, creates, user_id, now, reason)
    _update(updates, user_id, now, reason)
    report["imported"], report["updated"] = len(creates), len(updates)
    audit("household.import", "import", hashlib.sha256(data).hexdigest()[:40], None,
          {"file": (filename or "")[:120], "mode": mode, "rows": report["rows"], "imported": len(creates),
           "updated": len(updates), "errors": len(errors)}, reason, user_id, now)
    db.session.commit()
    return report, 200


def _create(state: _State, creates, user_id: int, now, reason: str):
    if not creates:
        return
    new_buildings = sorted({(p, r.building) for r, p in creates if (p, r.building) not in state.buildings})
    if new_buildings:
        made = db.session.execute(sa.insert(Building).returning(Building.id, Building.project_id, Building.name,
                                                                sort_by_parameter_order=True),
                                  [{"project_id": p, "name": b} for p, b in new_buildings]).all()
        for bid, p, name in made:
            state.buildings[(p, name)] = bid
        audit_rows([{"at": now, "user_id": user_id, "action": "building.created", "entity": "building",
                     "entity_id": str(bid), "before": None, "after": {"project_id": p, "name": name},
                     "reason": reason} for bid, p, name in made])
    party_ids = db.session.scalars(sa.insert(Party).returning(Party.id, sort_by_parameter_order=True), [
        {"kind": party_kind(r.owner_name), "name": r.owner_name, "phone": r.phone} for r, _ in creates]).all()
    households, accounts, audits = [], [], []
    numbers = iter(free_numbers(sum(1 for r, _ in creates if not r.number), {r.number for r, _ in creates}))
    since = posting_date(now)
    for (r, p), party_id in zip(creates, party_ids):
        hid = new_id()
        h = {"id": hid, "building_id": state.buildings[(p, r.building)], "unit": r.unit, "room": r.room,
             "area_m2": r.area_m2, "area_source": r.area_source or "certificate", "category": r.category or "residential",
             "status": r.status or "active", "loop_type": "independent", "owner_id": party_id,
             "owner_initials": initials(r.owner_name)[:40], "dunning_stage": "none", "created_at": now}
        households.append(h)
        number = r.number or next(numbers)
        accounts.append({"household_id": hid, "party_id": party_id, "number": number, "contract_kind": "de_facto",
                         "valid_from": since})
        audits.append({"at": now, "user_id": user_id, "action": "household.created", "entity": "household",
                       "entity_id": hid, "before": None,
                       "after": {"address": [r.project, r.building, r.unit, r.room], "number": number,
                                 "owner": r.owner_name, "area_m2": str(r.area_m2), "area_source": h["area_source"],
                                 "category": h["category"], "status": h["status"]}, "reason": reason})
    insert_rows(Household, households)
    insert_rows(Account, accounts)
    audit_rows(audits)
    touch([h["id"] for h in households], now=now)  # its creation is a household's first change (DESIGN.md inv. 7)


_SET_HOUSEHOLD = (sa.update(Household.__table__).where(Household.__table__.c.id == sa.bindparam("b_id")))
_SET_PARTY = (sa.update(Party.__table__).where(Party.__table__.c.id == sa.bindparam("b_id")))


def _update(updates, user_id: int, now, reason: str):
    if not updates:
        return
    audits = []
    by_columns: dict[tuple, list] = {}
    for r, h, house, owner in updates:
        if house:
            by_columns.setdefault(("household", tuple(sorted(house))), []).append({"b_id": h.id, **house})
        if owner:
            values = dict(owner)
            if "name" in owner:
                values["_initials"] = initials(owner["name"])[:40]
                by_columns.setdefault(("household", ("owner_initials",)), []).append(
                    {"b_id": h.id, "owner_initials": values.pop("_initials")})
            by_columns.setdefault(("party", tuple(sorted(values))), []).append({"b_id": h.owner_id, **values})
        before = {k: str(getattr(h, k)) for k in house}
        before.update({("owner" if k == "name" else k): getattr(h, k) for k in owner})
        after = {k: str(v) for k, v in house.items()}
        after.update({("owner" if k == "name" else k): v for k, v in owner.items()})
        audits.append({"at": now, "user_id": user_id, "action": "household.imported", "entity": "household",
                       "entity_id": h.id, "before": before, "after": after, "reason": reason})
    for (table, names), values in by_columns.items():
        statement = (_SET_HOUSEHOLD if table == "household" else _SET_PARTY).values(
            {n: sa.bindparam(f"b_{n}") for n in names})
        db.session.execute(statement, [{"b_id": v["b_id"], **{f"b_{n}": v[n] for n in names}} for v in values])
    audit_rows(audits)
    touch([h.id for _, h, _, _ in updates], now=now)
