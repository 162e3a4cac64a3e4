"""The fee rules in force, read from the settings table as sync.rules.FeeRules (DOMAIN.md §8(b) as data)."""
from decimal import Decimal

import sqlalchemy as sa

from sync.rules import FeeRules, LateFeeRule

from ..extensions import db
from ..models import Setting


def settings_values() -> dict:
    return {s.key: s.value for s in db.session.scalars(sa.select(Setting))}


def fee_rules(values: dict | None = None) -> FeeRules:
    """The rules in force, from the settings table (defaults where a key is missing)."""
    v = values if values is not None else settings_values()
    sus, late, seasons = v.get("suspension", {}), v.get("late_fee", {}), v.get("season_defaults", {})
    kwargs = {}
    if "ratio" in sus:
        kwargs["suspension_ratio"] = Decimal(str(sus["ratio"]))
    if "legacy_ratio" in sus:
        kwargs["legacy_suspension_ratio"] = Decimal(str(sus["legacy_ratio"]))
    if "apply_by" in sus:
        kwargs["suspension_apply_by"] = sus["apply_by"]
    if "start" in seasons:
        kwargs["season_start"] = seasons["start"]
    if "end" in seasons:
        kwargs["season_end"] = seasons["end"]
    if late:
        kwargs["late_fee"] = LateFeeRule(enabled=bool(late.get("enabled")),
                                         daily_rate=Decimal(str(late["daily_rate"])) if late.get("daily_rate")
                                         else None, starts=late.get("start", "01-01"), cap=late.get("cap", "principal"))
    return FeeRules(**kwargs)
