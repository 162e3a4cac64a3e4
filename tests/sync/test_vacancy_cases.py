"""Suspension applications and violations (DOMAIN.md §2, cases 3 and 8)."""

from datetime import date
from decimal import Decimal

import pytest

from sync.money import bill_due_fen
from sync.rules import (Approval, ApprovalRequired, FeeRules, RuleError, Season, require_approval_if_closed,
                        season_closed)
from sync.vacancy import (
    VacancyInspection,
    decide_vacancy_application,
    rebill_violated_suspension,
    season_due_fen,
    season_ratio,
)

RULES = FeeRules()
SEASON_2024 = RULES.season(2024)

APPLICATIONS = [
    # (what happens, applied on, takes effect this season, effective season)
    ("applied after the season started (case 3): kept for next season", date(2024, 12, 1), False, "2025-2026"),
    ("applied in summer: this season", date(2024, 6, 1), True, "2024-2025"),
    ("applied on the deadline itself: this season", date(2024, 9, 30), True, "2024-2025"),
    ("applied the day after the deadline: next season", date(2024, 10, 1), False, "2025-2026"),
    ("applied before the season's heat starts but after Sept 30: next season", date(2024, 11, 14), False, "2025-2026"),
    ("applied so late that next season's deadline also passed", date(2025, 10, 5), False, "2026-2027"),
]


@pytest.mark.parametrize(
    "applied_on, this_season, effective",
    [case[1:] for case in APPLICATIONS],
    ids=[case[0] for case in APPLICATIONS],
)
def test_a_suspension_application_counts_from_the_first_season_whose_sept_30_deadline_it_meets(
    applied_on, this_season, effective
):
    decision = decide_vacancy_application(applied_on, SEASON_2024, RULES)
    assert decision.deadline == date(2024, 9, 30)
    assert decision.takes_effect_this_season is this_season
    assert decision.effective_season == effective
    assert not decision.overridden


def test_a_late_vacancy_claim_leaves_the_full_fee_of_the_running_season_due():
    decision = decide_vacancy_application(date(2024, 12, 1), SEASON_2024, RULES)
    state = "approved" if decision.takes_effect_this_season else None
    due = season_due_fen("85.60", "24", state, RULES.suspension_ratio, SEASON_2024)
    assert due == 205440


def test_a_late_application_counts_this_season_only_with_an_approver_and_a_reason():
    approval = Approval("区域经理 王强", "业主住院，家属9月递交材料被退回")
    decision = decide_vacancy_application(date(2024, 12, 1), SEASON_2024, RULES, approval)
    assert decision.takes_effect_this_season
    assert decision.overridden and decision.approval == approval


@pytest.mark.parametrize("approver, reason", [("", "reason"), ("王强", "")])
def test_an_override_without_an_approver_or_a_reason_is_refused(approver, reason):
    with pytest.raises(ApprovalRequired):
        decide_vacancy_application(date(2024, 12, 1), SEASON_2024, RULES, Approval(approver, reason))


def test_an_approval_on_a_timely_application_is_not_recorded_as_an_override():
    decision = decide_vacancy_application(date(2024, 9, 1), SEASON_2024, RULES, Approval("王强", "n/a"))
    assert decision.takes_effect_this_season and not decision.overridden


def test_a_company_with_another_deadline_configures_it():
    rules = FeeRules(suspension_apply_by="10-15")
    assert decide_vacancy_application(date(2024, 10, 10), rules.season(2024), rules).takes_effect_this_season


def test_the_deadline_follows_the_seasons_start_year_even_when_the_city_moves_the_dates():
    season = Season("2024-2025", date(2024, 11, 7), date(2025, 3, 20))
    assert decide_vacancy_application(date(2024, 10, 1), season, RULES).effective_season == "2025-2026"


@pytest.mark.parametrize("legacy, due", [(False, 61632), (True, 123264)])
def test_a_suspended_flat_pays_the_basic_fee_at_the_configured_ratio(legacy, due):
    ratio = RULES.legacy_suspension_ratio if legacy else RULES.suspension_ratio
    assert season_due_fen("85.60", "24", "approved", ratio, SEASON_2024) == due


SEASON_BILLS = [
    # (what happened to the suspension of 2024-2025, state, resumed from, due for 85.60 m² at 24 元)
    ("no suspension: the full fee", None, None, 205440),
    ("approved: 30 % of the season total", "approved", None, 61632),
    ("applied, never approved: an owner who did not get a suspension uses heat", "applied", None, 205440),
    ("rejected: in full", "rejected", None, 205440),
    ("violated, found heating (case 8): in full", "violated", None, 205440),
    ("resumed mid-season: whole seasons, no proration, so in full", "resumed", date(2025, 1, 20), 205440),
    ("resumed on the season's last day: still in full", "resumed", date(2025, 3, 15), 205440),
    ("resumed before the season began: in full", "resumed", date(2024, 10, 1), 205440),
    ("resumed after the season ended: the season stays suspended", "resumed", date(2025, 3, 16), 61632),
]


@pytest.mark.parametrize("state, resumed_from, due", [c[1:] for c in SEASON_BILLS], ids=[c[0] for c in SEASON_BILLS])
def test_a_season_bill_follows_the_state_of_its_suspension(state, resumed_from, due):
    assert season_due_fen("85.60", "24", state, Decimal("0.30"), SEASON_2024, resumed_from) == due


def test_a_resumption_without_its_date_or_an_unknown_state_is_refused():
    with pytest.raises(ValueError):
        season_ratio("resumed", Decimal("0.30"), SEASON_2024)
    with pytest.raises(ValueError):
        season_ratio("withdrawn?", Decimal("0.30"), SEASON_2024)
    with pytest.raises(TypeError):
        season_ratio("approved", 0.3, SEASON_2024)


BROKEN_SEAL = VacancyInspection(
    inspected_on=date(2025, 1, 8), seal_intact=False, heat_in_use=True, seal_no="FH-2025-0001",
    photo_ids=("a3f…01", "a3f…02"), witness="物业 赵敏",
)


def test_a_suspended_flat_found_heating_is_rebilled_in_full():
    # Case 8: 616.32 (30 %) → 2,054.40, a difference of 1,438.08.
    rebill = rebill_violated_suspension(61632, "85.60", "24", BROKEN_SEAL)
    assert (rebill.old_due_fen, rebill.new_due_fen, rebill.delta_fen) == (61632, 205440, 143808)
    assert rebill.inspection.evidence_complete


def test_the_rebill_adds_no_late_fee_unless_a_contract_says_so():
    assert not RULES.late_fee.enabled
    assert rebill_violated_suspension(61632, "85.60", "24", BROKEN_SEAL).new_due_fen == bill_due_fen("85.60", "24")


def test_an_intact_seal_in_a_cold_flat_is_no_violation():
    quiet = VacancyInspection(date(2025, 1, 8), seal_intact=True, heat_in_use=False, seal_no="FH-2025-0001")
    with pytest.raises(RuleError):
        rebill_violated_suspension(61632, "85.60", "24", quiet)


@pytest.mark.parametrize(
    "inspection, complete",
    [
        (BROKEN_SEAL, True),
        (VacancyInspection(date(2025, 1, 8), False, True, seal_no="FH-1", photo_ids=("p",), signed_by="业主"), True),
        (VacancyInspection(date(2025, 1, 8), False, True, seal_no="FH-1", photo_ids=("p",)), False),
        (VacancyInspection(date(2025, 1, 8), False, True, photo_ids=("p",), witness="物业"), False),
        (VacancyInspection(date(2025, 1, 8), False, True, seal_no="FH-1", witness="物业"), False),
    ],
)
def test_evidence_of_a_violation_needs_photos_the_seal_number_and_a_signature_or_a_witness(inspection, complete):
    assert inspection.evidence_complete is complete


def test_a_suspended_bill_above_the_full_fee_is_refused():
    with pytest.raises(ValueError):
        rebill_violated_suspension(300000, Decimal("85.60"), "24", BROKEN_SEAL)


CLOSINGS = [
    # (what, open, season ends, today, closed)
    ("an open season is never closed", True, date(2025, 3, 15), date(2026, 1, 1), False),
    ("not open and over: closed", False, date(2025, 3, 15), date(2025, 3, 16), True),
    ("not open, last day today: not yet closed", False, date(2025, 3, 15), date(2025, 3, 15), False),
    ("set up ahead and not opened yet: not closed", False, date(2028, 3, 15), date(2026, 12, 3), False),
]


@pytest.mark.parametrize("is_open, ends_on, today, closed", [c[1:] for c in CLOSINGS], ids=[c[0] for c in CLOSINGS])
def test_a_season_is_closed_once_it_is_not_open_and_over(is_open, ends_on, today, closed):
    assert season_closed(is_open, ends_on, today) is closed


def test_a_closed_seasons_bill_changes_only_with_an_approval_and_an_open_ones_always():
    assert require_approval_if_closed(False, None) is None
    approval = Approval("admin", "经理批准重开")
    assert require_approval_if_closed(True, approval) is approval
    with pytest.raises(ApprovalRequired):
        require_approval_if_closed(True, None)
