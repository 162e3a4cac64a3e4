"""户号 and the payer of record: who owes each bill of a flat (DOMAIN.md case 2; OFFICE.md transfer).

A household has one account (contract) at a time, valid over [valid_from, valid_to). A transfer ends the
seller's account and starts the buyer's on the same day; each bill keeps the payer of record on the day it
was issued (sync.billing.payer_of_record), so old arrears stay with the seller unless a written agreement
names the season. The bill's `account_id` is that payer, set when it is issued or when a transfer fixes it.
"""
from datetime import date

import sqlalchemy as sa

from sync import billing as rule
from sync.merge import posting_date

from ..changes import audit, begin_write, touch
from ..errors import ApiError
from ..extensions import db
from ..models import Account, Bill, Household, Party, User, utcnow
from .names import initials


def party_kind(name: str) -> str:
    """A developer holding unsold flats (开发商), a company, or a person, by what the name says."""
    return "developer" if "地产" in name or "开发" in name else "company" if "公司" in name else "person"


def free_numbers(count: int, taken: set) -> list[str]:
    """户号 for new accounts: HY and seven digits, after the highest in use (the write lock is held)."""
    if not count:
        return []
    top = db.session.scalar(sa.select(sa.func.max(Account.number)).where(Account.number.like("HY_______")))
    start = int(top[2:]) + 1 if top and top[2:].isdigit() else 1
    out, n = [], start
    while len(out) < count:
        candidate = f"HY{n:07d}"
        n += 1
        if candidate not in taken:
            out.append(candidate)
    return out


def accounts_of(household_id: str) -> list[Account]:
    return list(db.session.scalars(sa.select(Account).where(Account.household_id == household_id)
                                   .order_by(Account.valid_from, Account.id)))


def current(household_id: str) -> Account | None:
    """The account valid now (valid_to null)."""
    return db.session.scalar(sa.select(Account).where(Account.household_id == household_id,
                                                      Account.valid_to.is_(None)).order_by(Account.id.desc()))


def payer_at(accounts: list[Account], issued_on: date) -> Account | None:
    """The payer of record of a bill issued that day, by the core's rule. A bill older than every account
    (a demo's or an import's history) belongs to the first one."""
    if not accounts:
        return None
    by_id = {str(a.id): a for a in accounts}
    try:
        return by_id[rule.payer_of_record([rule.Account(str(a.id), a.valid_from, a.valid_to) for a in accounts],
                                          issued_on)]
    except (LookupError, ValueError):
        return accounts[0]


def bill_payers(household_id: str, bills: list[Bill]) -> dict[int, Account]:
    """Each bill's payer of record: the account it names, else the one covering its issue day."""
    accounts = accounts_of(household_id)
    by_id = {a.id: a for a in accounts}
    return {b.id: by_id.get(b.account_id) or payer_at(accounts, b.issued_on) for b in bills}


def out(account: Account, party: Party, previous: Account | None = None, moved: list[str] = ()) -> dict:
    return {"id": account.id, "number": account.number, "household_id": account.household_id,
            "party": {"name": party.name, "kind": party.kind}, "contract_kind": account.contract_kind,
            "valid_from": account.valid_from.isoformat(),
            "valid_to": account.valid_to.isoformat() if account.valid_to else None,
            "previous": None if previous is None else {"id": previous.id, "number": previous.number,
                                                       "valid_to": previous.valid_to.isoformat()},
            "seasons_moved": list(moved)}


def transfer(household_id: str, new_owner: dict, from_: date, reason: str, agreement_seasons: list[str],
             user: User) -> dict:
    """POST /households/<id>/transfer (过户): the buyer's account from `from_`; bills issued before it keep
    the seller as payer, except the seasons a written agreement moves (agreement_seasons)."""
    begin_write()
    household = db.session.get(Household, household_id[:36])
    if household is None:
        raise ApiError("not_found", {"household_id": household_id[:36]})
    today = posting_date(utcnow())
    seller = current(household.id)
    if from_ > today:
        raise ApiError("validation_failed", {"fields": {"from": ["过户日期不能晚于今天 / a transfer cannot start "
                                                                 "after today"]}})
    if seller is not None and from_ <= seller.valid_from:
        raise ApiError("validation_failed", {"fields": {"from": [
            f"过户日期须晚于现户号起始日 {seller.valid_from.isoformat()} / the transfer must start after the "
            f"current account began"]}})
    bills = list(db.session.scalars(sa.select(Bill).where(Bill.household_id == household.id).order_by(Bill.id)))
    known = {b.season_id for b in bills}
    unknown = sorted(set(agreement_seasons) - known)
    if unknown:
        raise ApiError("validation_failed", {"fields": {"agreement_seasons": [
            f"该户没有这些采暖季的账单 / no bill of this household for {', '.join(unknown)}"]}})
    # Every bill is stamped with its payer before the accounts change: the seller keeps what was issued to him.
    payers = bill_payers(household.id, bills)
    for b in bills:
        if b.account_id is None and payers[b.id] is not None:
            b.account_id = payers[b.id].id
    old_party = household.owner
    party = Party(kind=party_kind(new_owner["name"]), name=new_owner["name"], phone=new_owner.get("phone"))
    db.session.add(party)
    db.session.flush()
    if seller is not None:
        seller.valid_to = from_
    account = Account(household_id=household.id, party_id=party.id, number=free_numbers(1, set())[0],
                      contract_kind="de_facto", valid_from=from_)
    db.session.add(account)
    db.session.flush()
    moved = []
    for b in bills:
        if b.issued_on >= from_ or b.season_id in agreement_seasons:
            if b.account_id != account.id:
                audit("bill.payer", "bill", b.id, {"account_id": b.account_id}, {"account_id": account.id},
                      reason if b.issued_on < from_ else "过户后开出的账单归新户号", user.id)
                b.account_id = account.id
                moved.append(b.season_id)
    audit("household.transfer", "household", household.id,
          {"owner": old_party.name, "account": seller.number if seller else None},
          {"owner": party.name, "account": account.number, "from": from_.isoformat(),
           "agreement_seasons": sorted(agreement_seasons)}, reason, user.id)
    household.owner_id, household.owner = party.id, party
    household.owner_initials = initials(party.name)[:40]
    touch([household.id])
    db.session.commit()
    return out(account, party, seller, moved)
