"""Fee configuration an admin changes without code, and issuing a season's bills.

Settings are checked by building the pure `sync.rules.FeeRules` from them: a value the rules would refuse
is refused here with the same reason. Issuing bills uses the season's rate rules; suspended flats with
an approved application for that season are billed at its ratio; credit (预存) rolls forward onto the
new bills, oldest payment first (DOMAIN.md §8(d), extra rules).
"""
from decimal import Decimal

import sqlalchemy as sa

from sync.money import OpenBill, allocate
from sync.vacancy import season_due_fen, season_ratio

from ..billing.service import credit_of, set_household_status
from ..suspensions import service as suspensions
from ..changes import audit, begin_write, touch
from ..company import particulars as company_particulars
from ..errors import ApiError
from ..extensions import db
from ..models import (fen_sum, Account, Allocation, Bill, Building, Household, Payment, Project, RateRule, Season, Setting,
                      SuspensionApplication, utcnow)
from .rules import fee_rules, settings_values

KNOWN = ("suspension", "late_fee", "season_defaults", "allocation", "documents")


def list_settings() -> dict:
    return settings_values()


def put_setting(key: str, value: dict, user_id: int) -> dict:
    if key not in KNOWN:
        raise ApiError("not_found", {"key": key, "known": list(KNOWN)})
    begin_write()
    values = settings_values()
    before = values.get(key)
    values[key] = value
    try:
        fee_rules(values)
        if key == "documents":
            value = values[key] = company_particulars(value)  # kept as checked: a public_url without its trailing /
    except (ValueError, TypeError, ArithmeticError) as e:
        raise ApiError("validation_failed", {"key": key, "reason": str(e)}) from None
    row = db.session.get(Setting, key)
    if row is None:
        db.session.add(Setting(key=key, value=value, updated_at=utcnow()))
    else:
        row.value, row.updated_at = value, utcnow()
    audit("setting.changed", "setting", key, before, value, None, user_id)
    db.session.commit()
    return value


def list_seasons() -> list[Season]:
    return list(db.session.scalars(sa.select(Season).order_by(Season.starts_on)))


def create_season(data: dict, user_id: int) -> Season:
    begin_write()
    if db.session.get(Season, data["id"]) is not None:
        raise ApiError("conflict", {"season": data["id"]})
    season = Season(**data)
    db.session.add(season)
    db.session.flush()
    audit("season.created", "season", season.id, None, {k: str(v) for k, v in data.items()}, None, user_id)
    suspensions.carry_accepted_claims(season.id)  # claims accepted for it before it was set up (case 3)
    db.session.commit()
    return season


def set_season_open(season_id: str, is_open: bool, user_id: int) -> Season:
    begin_write()
    season = db.session.get(Season, season_id)
    if season is None:
        raise ApiError("not_found", {"season": season_id})
    if season.open != is_open:
        audit("season.open" if is_open else "season.closed", "season", season.id, {"open": season.open},
              {"open": is_open}, None, user_id)
        season.open = is_open
    db.session.commit()
    return season


def list_rates(season_id: str) -> list[RateRule]:
    """A season's rates in force, the admin's screen before a change (PUT sets some, keeps the others)."""
    if db.session.get(Season, season_id) is None:
        raise ApiError("not_found", {"season": season_id})
    return list(db.session.scalars(sa.select(RateRule).where(RateRule.season_id == season_id)
                                   .order_by(RateRule.category, RateRule.heat_source, RateRule.zone)))


def put_rates(season_id: str, rates: list[dict], user_id: int) -> list[RateRule]:
    """Set a season's rates. Bills already issued keep the rate they were issued with."""
    begin_write()
    if db.session.get(Season, season_id) is None:
        raise ApiError("not_found", {"season": season_id})
    out = []
    for r in rates:
        row = db.session.scalar(sa.select(RateRule).where(
            RateRule.season_id == season_id, RateRule.category == r["category"],
            RateRule.heat_source == r["heat_source"], RateRule.zone == r["zone"]))
        before = None if row is None else {"price_yuan": str(row.price_yuan), "ratio": str(row.suspension_ratio)}
        if row is None:
            row = RateRule(season_id=season_id, **r)
            db.session.add(row)
        else:
            for k, v in r.items():
                setattr(row, k, v)
        db.session.flush()
        audit("rate.set", "rate_rule", row.id, before, {"season": season_id, "category": r["category"],
              "heat_source": r["heat_source"], "zone": r["zone"], "price_yuan": str(r["price_yuan"]),
              "ratio": str(r["suspension_ratio"])}, None, user_id)
        out.append(row)
    db.session.commit()
    return out


def _rate_for(rates: dict, category: str, heat_source: str) -> RateRule | None:
    if category == "non_residential":
        return rates.get((category, "city_network", "core6")) or rates.get((category, "city_network", "other")) \
            or rates.get((category, heat_source, ""))
    return rates.get((category, heat_source, "")) or rates.get((category, "city_network", ""))


def _season_rates(season_id: str) -> tuple[Season, dict]:
    season = db.session.get(Season, season_id)
    if season is None:
        raise ApiError("not_found", {"season": season_id})
    rates = {(r.category, r.heat_source, r.zone): r for r in db.session.scalars(
        sa.select(RateRule).where(RateRule.season_id == season_id))}
    if not rates:
        raise ApiError("validation_failed", {"season": season_id, "reason": "no rates for this season"})
    return season, rates


def _bill(household: Household, heat_source: str, season: Season, rates: dict, application, account_id,
          today) -> Bill | None:
    """A household's bill of the season by its rate and its application for the season (sync.vacancy.
    season_due_fen: approved at the ratio, resumed or violated in full, none or undecided in full); payer
    of record: its account valid now (sync.billing.payer_of_record on the issue day). None: no rate."""
    rate = _rate_for(rates, household.category, heat_source)
    if rate is None:
        return None
    rule = suspensions.rule_season(season)
    s = application
    state, ratio, ended_on = (s.status, s.ratio, s.ended_on) if s else (None, Decimal("1"), None)
    return Bill(household_id=household.id, season_id=season.id, account_id=account_id, area_m2=household.area_m2,
                price_yuan=rate.price_yuan, ratio=season_ratio(state, ratio, rule, ended_on) if s else Decimal("1"),
                due_fen=season_due_fen(household.area_m2, rate.price_yuan, state, ratio, rule, ended_on),
                paid_fen=0, issued_on=today)


def bill_one(household: Household, season_id: str) -> Bill:
    """One household's bill of a season, in the caller's transaction (开通: a flat opened mid-season), its
    credit rolled onto it. The caller holds the write lock and knows the household has no bill of it."""
    season, rates = _season_rates(season_id)
    heat_source = db.session.scalar(sa.select(Project.heat_source).join(Building, Building.project_id == Project.id)
                                    .where(Building.id == household.building_id))
    application = db.session.scalar(sa.select(SuspensionApplication).where(
        SuspensionApplication.household_id == household.id, SuspensionApplication.season_id == season_id,
        SuspensionApplication.status.in_(_DECIDED)))
    account_id = db.session.scalar(sa.select(Account.id).where(Account.household_id == household.id,
                                                               Account.valid_to.is_(None)).order_by(Account.id.desc()))
    bill = _bill(household, heat_source, season, rates, application, account_id, utcnow().date())
    if bill is None:
        raise ApiError("validation_failed", {"season": season_id, "reason": "no rate for this household's use"})
    db.session.add(bill)
    db.session.flush()
    return bill


_DECIDED = ("approved", "resumed", "violated")


def issue_bills(season_id: str, user_id: int) -> dict:
    """Issue the season's bill for every household that has none yet, then roll credit onto them."""
    begin_write()
    season, rates = _season_rates(season_id)
    billed = set(db.session.scalars(sa.select(Bill.household_id).where(Bill.season_id == season_id)))
    suspensions.carry_accepted_claims(season_id)
    decided = {s.household_id: s for s in db.session.scalars(sa.select(SuspensionApplication).where(
        SuspensionApplication.season_id == season_id, SuspensionApplication.status.in_(_DECIDED)))}
    accounts = dict(db.session.execute(sa.select(Account.household_id, sa.func.max(Account.id))
                                       .where(Account.valid_to.is_(None)).group_by(Account.household_id)).all())
    rows = db.session.execute(sa.select(Household, Project.heat_source).join(
        Building, Building.id == Household.building_id).join(Project, Project.id == Building.project_id)).all()
    new_bills, missing_rate, today = [], 0, utcnow().date()
    for household, heat_source in rows:
        if household.id in billed or household.status in ("not_opened", "disconnected"):
            continue
        bill = _bill(household, heat_source, season, rates, decided.get(household.id), accounts.get(household.id),
                     today)
        if bill is None:
            missing_rate += 1
        else:
            new_bills.append(bill)
    db.session.add_all(new_bills)
    db.session.flush()
    applied = 0
    for bill in new_bills:
        applied += roll_credit(bill)
    # The status follows the season just billed: suspended last season is not suspended now unless again.
    _follow_new_season({b.household_id for b in new_bills}, season_id, user_id)
    audit("season.bills_issued", "season", season_id, None, {"issued": len(new_bills), "credit_applied_fen": applied,
                                                             "missing_rate": missing_rate}, None, user_id)
    touch([b.household_id for b in new_bills])
    db.session.commit()
    return {"season": season_id, "issued": len(new_bills), "credit_applied_fen": applied}


def _follow_new_season(household_ids: set, season_id: str, user_id: int):
    """After a season's bills are issued, each newly billed flat's status is that season's: suspended exactly
    when an approved suspension of that season exists (one audited change per flat whose status moves)."""
    if not household_ids:
        return
    suspended_now = set(db.session.scalars(sa.select(SuspensionApplication.household_id).where(
        SuspensionApplication.season_id == season_id, SuspensionApplication.status == "approved")))
    moving = db.session.scalars(sa.select(Household).where(sa.or_(
        sa.and_(Household.status == "suspended", Household.id.not_in(suspended_now) if suspended_now else sa.true()),
        sa.and_(Household.status == "active", Household.id.in_(suspended_now)))))
    for household in moving:
        if household.id in household_ids:
            set_household_status(household, "suspended" if household.id in suspended_now else "active",
                                 f"{season_id} 账单开出：供热状态随采暖季", user_id)


def roll_credit(bill: Bill) -> int:
    """Credit (预存) of the household pays the new bill: allocations from the payments that carry it, never
    more than the credit left (a refund paid out took its share: that money is no longer there)."""
    budget = credit_of(bill.household_id)
    if budget <= 0:
        return 0
    used = 0
    payments = db.session.execute(
        sa.select(Payment.id, Payment.amount_fen, fen_sum(Allocation.amount_fen))
        .outerjoin(Allocation, Allocation.payment_id == Payment.id)
        .where(Payment.household_id == bill.household_id, Payment.kind == "payment",
               Payment.state.in_(("recorded", "void_requested")))
        .group_by(Payment.id, Payment.amount_fen).order_by(Payment.id)).all()
    for payment_id, amount, allocated in payments:
        left = amount - allocated
        need = min(bill.due_fen - bill.paid_fen, budget - used)
        if left <= 0 or need <= 0:
            continue
        allocations, _ = allocate(left, [OpenBill(bill.season_id, need)])
        for a in allocations:
            db.session.add(Allocation(payment_id=payment_id, bill_id=bill.id, amount_fen=a.amount_fen, rule="credit",
                                      created_at=utcnow()))
            bill.paid_fen += a.amount_fen
            used += a.amount_fen
    return used
