"""Demo data (PROTOCOL.md, Demo data contract; DOMAIN.md §8(c)). All names and companies are fictional.

Deterministic: the same N gives the same households. Historical payments go through the journal like
real ones (payment + allocations), so every invariant holds on the demo database from the start.
"""
import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

import sqlalchemy as sa

from sync.merge import posting_date
from sync.money import bill_due_fen

from .auth.service import hash_password
from .changes import touch
from .extensions import db
from .households.names import initials  # noqa: F401  (tests and the console's e2e use it from here)
from .models import (Account, Allocation, Assignment, Bill, Building, CollectionAction, Household, Party, Payment,
                     Project, RateRule, Season, SuspensionApplication, User, utcnow)
from .models.base import uuid7

SEASONS = [("2024-2025", False), ("2025-2026", False), ("2026-2027", True)]
PROJECTS = ["华远·静园", "丰和园", "康泰家园"]
# PROTOCOL.md's demo data contract: one project is collected by a property company (物业代收, DOMAIN.md §8(c)).
AGENTS = {"康泰家园": {"collection_mode": "property_agent", "property_company": "示范物业服务有限公司"}}
SURNAMES = list("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗") + ["欧阳", "司马", "诸葛"]
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红海燕鹏飞晨曦思雨子涵浩然雅琴德胜淑珍"
COLLECTOR_NAMES = {"c01": "王建军", "c02": "李秀英", "c03": "张海涛", "c04": "刘桂兰", "c05": "陈志刚"}
PER_BUILDING = 40  # 2 units × 10 floors × 2 flats
METHODS = ["cash"] * 5 + ["wechat"] * 3 + ["alipay"] * 2 + ["bank_card", "transfer"]
PRICE = Decimal("24.00")


def _name(rng: random.Random) -> str:
    surname = rng.choice(SURNAMES) if rng.random() < 0.08 else rng.choice(SURNAMES[:-3])
    return surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _area(rng: random.Random) -> Decimal:
    low, high = rng.choice([(45, 65), (75, 95), (75, 95), (105, 140), (150, 180)])
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def _uuid(rng: random.Random) -> str:
    return str(UUID(int=rng.getrandbits(128), version=4))


DEMO_EPOCH_MS = 1_763_164_800_000  # 2025-11-15 00:00 UTC: the demo's households' ids count from it


def _household_id(rng: random.Random, k: int) -> str:
    """Time-ordered like every household's id (models/base.py new_id), made in address order, and
    deterministic: the k-th household's stamp is the demo epoch's plus k. (128 bits drawn, as for a v4 id,
    so that the rest of the demo is the same as it was.)"""
    return uuid7((DEMO_EPOCH_MS << 12) + k, rng.getrandbits(128))


def seed(total: int = 600) -> str:
    rng = random.Random(20261115)
    now = utcnow()
    users = {}
    for username, role, name in [("admin", "admin", "系统管理员"), ("clerk", "clerk", "赵会计")] + [
            (u, "collector", n) for u, n in COLLECTOR_NAMES.items()]:
        users[username] = User(username=username, role=role, name=name, password_hash=hash_password(f"demo-{username}"))
    db.session.add_all(users.values())
    seasons = []
    for sid, is_open in SEASONS:
        start = int(sid[:4])
        seasons.append(Season(id=sid, starts_on=date(start, 11, 15), ends_on=date(start + 1, 3, 15), open=is_open,
                              due_on=date(start, 12, 31)))
    db.session.add_all(seasons)
    db.session.flush()
    for s in seasons:
        db.session.add_all([
            RateRule(season_id=s.id, category="residential", heat_source="city_network", price_yuan=PRICE,
                     suspension_ratio=Decimal("0.30"), doc_ref="京价(商)字〔2001〕372号"),
            RateRule(season_id=s.id, category="residential", heat_source="gas_boiler", price_yuan=Decimal("30.00"),
                     suspension_ratio=Decimal("0.30")),
            RateRule(season_id=s.id, category="non_residential", heat_source="city_network", zone="core6",
                     price_yuan=Decimal("45.00"), suspension_ratio=Decimal("0.30"), doc_ref="京发改〔2019〕1545号")])
    projects = [Project(name=n, district="朝阳区", region="东区" if i < 2 else "北区", target_rate=Decimal("0.95"),
                        **AGENTS.get(n, {})) for i, n in enumerate(PROJECTS)]
    db.session.add_all(projects)
    db.session.flush()
    n_buildings = max(1, -(-total // PER_BUILDING))
    buildings = []
    for i in range(n_buildings):
        buildings.append(Building(project_id=projects[i % 3].id, name=str(i // 3 + 1)))
    db.session.add_all(buildings)
    db.session.flush()
    collectors = [users[u] for u in COLLECTOR_NAMES]
    for i, b in enumerate(buildings):
        db.session.add(Assignment(user_id=collectors[i % 5].id, building_id=b.id,
                                  valid_from=datetime(2024, 1, 1), created_by=users["admin"].id))

    parties, households = [], []
    special = {3: "张伟、李娜", 7: "华远地产开发有限公司", 11: "𠮷祥", 13: "北京示范商贸有限公司", 17: "欧阳明月",
               19: "司马光华", 23: "王芳、陈建国"}
    for k in range(total):
        b = buildings[k // PER_BUILDING]
        slot = k % PER_BUILDING
        unit, floor, flat = slot // 20 + 1, (slot % 20) // 2 + 1, slot % 2 + 1
        owner = special.get(k, _name(rng))
        kind = "developer" if "地产" in owner else "company" if "公司" in owner else "person"
        parties.append({"kind": kind, "name": owner, "phone": f"139{rng.randint(0, 99999999):08d}"})
        shop = floor == 1 and unit == 1 and b.name == "1" and flat == 1
        # A shop's area too within the demo contract's 45–180 m² (PROTOCOL.md)
        area = _area(rng) if not shop else Decimal(rng.randint(12000, 18000)) / 100
        households.append({"id": _household_id(rng, k), "building_id": b.id, "unit": str(unit),
                           "room": f"{floor}{flat:02d}", "area_m2": area,
                           "category": "non_residential" if shop else "residential", "status": "active",
                           "owner_initials": initials(owner), "created_at": now,
                           "area_source": "certificate", "loop_type": "independent", "dunning_stage": "none"})
    party_ids = [r[0] for r in db.session.execute(sa.insert(Party).returning(Party.id, sort_by_parameter_order=True),
                                                  parties)]
    for h, pid in zip(households, party_ids):
        h["owner_id"] = pid
    db.session.execute(sa.insert(Household), households)
    touch([h["id"] for h in households], now=now)  # its creation is a household's first change
    db.session.execute(sa.insert(Account), [{"household_id": h["id"], "party_id": h["owner_id"],
                                              "number": f"HY{i + 1:07d}", "contract_kind": "de_facto",
                                              "valid_from": date(2015, 1, 1)} for i, h in enumerate(households)])

    # The fate of each household this demo tells: who pays, who suspended, who owes for years.
    bills, payments, plans = [], [], []
    current = SEASONS[-1][0]
    for k, h in enumerate(households):
        r = rng.random()
        owes_two = k % 40 == 5  # ~15 households at the default size owe two or more seasons
        suspended = not owes_two and r < 0.06
        if suspended:
            h["status"] = "suspended"
        for s in seasons:
            price = Decimal("45.00") if h["category"] == "non_residential" else PRICE
            ratio = Decimal("0.30") if suspended and s.id == current else Decimal("1")
            due = bill_due_fen(h["area_m2"], price, ratio)
            bills.append({"household_id": h["id"], "season_id": s.id, "area_m2": h["area_m2"], "price_yuan": price,
                          "ratio": ratio, "due_fen": due, "paid_fen": 0, "issued_on": s.starts_on - timedelta(days=30)})
            if owes_two and s.id != "2024-2025":
                paid = 0
            elif s.id == current:
                paid = due if suspended or r < 0.70 else due // 2 if r < 0.80 else 0
            elif s.id == "2025-2026":
                paid = due if r < 0.92 else due * 3 // 5 if r < 0.96 else 0
            else:
                paid = due if r < 0.97 else 0
            if paid:
                plans.append((h["id"], s, paid, rng))
        if owes_two:
            h["dunning_stage"] = "notice_delivered" if k % 80 == 5 else "reminder"
    # Issued a season at a time, as the company issues them (server/fees/service.py): a season's bills are
    # neighbours in the table, in address order, as they would be in a database that lived those seasons.
    db.session.execute(sa.insert(Bill), sorted(bills, key=lambda b: b["season_id"]))
    for h in households:
        if h["status"] != "active" or h["dunning_stage"] != "none":
            db.session.execute(sa.update(Household).where(Household.id == h["id"])
                               .values(status=h["status"], dunning_stage=h["dunning_stage"]))
    # The notices those at "notice_delivered" were served last spring, with the signed receipt as proof.
    db.session.add_all(CollectionAction(household_id=h["id"], kind="notice_delivered", at=datetime(2026, 3, 20, 2, 0),
                                        delivered=True) for h in households if h["dunning_stage"] == "notice_delivered")
    for h in households:
        if h["status"] == "suspended":
            db.session.add(SuspensionApplication(household_id=h["id"], season_id=current, applied_on=date(2026, 9, 20),
                                                 ratio=Decimal("0.30"), status="approved",
                                                 agreement_no=f"BT-2026-{len(payments):04d}"))
    bill_ids = {(b.household_id, b.season_id): b.id for b in db.session.execute(
        sa.select(Bill.household_id, Bill.season_id, Bill.id))}
    building_of = {h["id"]: h["building_id"] for h in households}
    collector_of = {b.id: collectors[i % 5].id for i, b in enumerate(buildings)}
    for n, (hid, s, paid, _) in enumerate(plans):
        when = datetime.combine(s.starts_on, datetime.min.time()) - timedelta(days=rng.randint(0, 150),
                                                                             hours=rng.randint(0, 9))
        if s.id == current:
            when = min(when + timedelta(days=150), now - timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 9)))
        payments.append({"kind": "payment", "op_id": _uuid(rng), "household_id": hid, "amount_fen": paid,
                         "method": rng.choice(METHODS), "receipt_no": f"HIS-{n + 1:06d}", "named_season_id": s.id,
                         "season_id": s.id, "collected_at": when, "posted_at": when,
                         "posted_on": posting_date(when),
                         "collector_id": collector_of[building_of[hid]], "state": "recorded", "flags": []})
    ids = [r[0] for r in db.session.execute(sa.insert(Payment).returning(Payment.id, sort_by_parameter_order=True),
                                            payments)] if payments else []
    db.session.execute(sa.insert(Allocation), [
        {"payment_id": pid, "bill_id": bill_ids[(p["household_id"], p["season_id"])], "amount_fen": p["amount_fen"],
         "rule": "designated", "created_at": p["posted_at"]} for pid, p in zip(ids, payments)])
    db.session.execute(sa.update(Bill).values(paid_fen=sa.select(sa.func.coalesce(sa.func.sum(Allocation.amount_fen), 0))
                                              .where(Allocation.bill_id == Bill.id).scalar_subquery()))
    db.session.commit()
    return (f"{len(users)} users, {len(projects)} projects, {len(buildings)} buildings, {total} households, "
            f"{len(bills)} bills, {len(payments)} payments")
