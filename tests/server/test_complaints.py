"""投诉处理档案 through the office API and the phones (OFFICE.md "A household's life", Complaints;
DOMAIN.md §7 Complaints and Surveys)."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.models import AuditLog, Complaint, ComplaintFollowUp
from tests.server.test_document_register import _an_old_season, today
from tests.server.test_documents import a_household_owing_two_seasons, make
from sync.arrears import add_years

C = "/api/v1/complaints"


def post(client, who, path, body):
    r = client.post(path, json=body, headers=who.headers)
    return r.status_code, r.get_json()


def get(client, who, path, **query):
    r = client.get(path, query_string=query, headers=who.headers)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def households(phone, n=3):
    phone.pull_all()
    return sorted(phone.households.values(), key=lambda h: h["id"])[:n]


def open_one(client, clerk, household_id, category="temperature", text="卧室只有16度", source="office"):
    status, body = post(client, clerk, C, {"household_id": household_id, "category": category, "text": text,
                                           "source": source})
    assert status == 201, body
    return body


def test_a_clerk_opens_a_complaint_records_a_follow_up_and_closes_it_with_the_owners_satisfaction(
        client, clerk, phone):
    h = households(phone, 1)[0]
    c = open_one(client, clerk, h["id"], source="property_company")
    assert c["state"] == "open" and c["category"] == "temperature" and c["source"] == "property_company"
    assert c["opened_by"] == "clerk" and c["compensation_state"] == "none" and c["follow_ups"] == []
    status, up = post(client, clerk, f"{C}/{c['id']}/follow-ups", {"text": "已派维修工排气", "satisfaction": 3})
    assert status == 201 and up["satisfaction"] == 3 and up["by"] == "clerk"
    status, closed = post(client, clerk, f"{C}/{c['id']}/close", {"resolution": "暖气片排气后20度", "satisfaction": 5})
    assert status == 200, closed
    assert closed["state"] == "closed" and closed["satisfaction"] == 5 and closed["closed_by"] == "clerk"
    assert closed["resolution"] == "暖气片排气后20度" and closed["closed_at"]
    one = get(client, clerk, f"{C}/{c['id']}")
    assert [f["text"] for f in one["follow_ups"]] == ["已派维修工排气"] and one["label"] and one["project"]
    actions = set(db.session.scalars(sa.select(AuditLog.action).where(AuditLog.entity == "complaint",
                                                                      AuditLog.entity_id == str(c["id"]))))
    assert actions == {"complaint.opened", "complaint.follow_up", "complaint.closed"}
    # the household page lists it with its follow-ups; a follow-up after the close is still a 回访
    assert post(client, clerk, f"{C}/{c['id']}/follow-ups", {"text": "回访：业主满意"})[0] == 201
    page = get(client, clerk, f"/api/v1/households/{h['id']}")
    mine = next(x for x in page["complaints"] if x["id"] == c["id"])
    assert mine["state"] == "closed" and mine["text"] == "卧室只有16度" and len(mine["follow_ups"]) == 2


def test_closing_a_closed_complaint_is_a_409_and_changes_nothing(client, clerk, phone):
    c = open_one(client, clerk, households(phone, 1)[0]["id"])
    assert post(client, clerk, f"{C}/{c['id']}/close", {"resolution": "已解决", "satisfaction": 4})[0] == 200
    status, body = post(client, clerk, f"{C}/{c['id']}/close", {"resolution": "再关一次", "satisfaction": 1})
    assert status == 409 and body["error"]["code"] == "complaint_closed"
    again = get(client, clerk, f"{C}/{c['id']}")
    assert again["resolution"] == "已解决" and again["satisfaction"] == 4
    assert client.post(f"{C}/999999/close", json={"resolution": "x"}, headers=clerk.headers).status_code == 404


def test_the_list_filters_by_state_project_and_household(client, clerk, phone):
    a, b = households(phone, 2)
    first, second = open_one(client, clerk, a["id"]), open_one(client, clerk, b["id"], category="billing")
    post(client, clerk, f"{C}/{second['id']}/close", {"resolution": "账单已更正"})
    opened = get(client, clerk, C, state="open", per_page=500)
    closed = get(client, clerk, C, state="closed", per_page=500)
    assert first["id"] in {i["id"] for i in opened["items"]} and second["id"] not in {i["id"] for i in opened["items"]}
    assert [i["id"] for i in closed["items"]] == [second["id"]] and closed["total"] == 1
    assert [i["id"] for i in get(client, clerk, C, household_id=a["id"])["items"]] == [first["id"]]
    assert get(client, clerk, C, project=a["project"], per_page=500)["total"] >= 1
    assert get(client, clerk, C, project="没有这个小区")["total"] == 0
    page = get(client, clerk, C, per_page=1)
    assert len(page["items"]) == 1 and page["total"] == 2
    assert client.get(C, query_string={"state": "pending"}, headers=clerk.headers).status_code == 400


@pytest.mark.parametrize("body, field", [
    ({"category": "noise"}, "category"),
    ({"text": "   "}, "text"),
    ({"text": ""}, "text"),
    ({"source": "wechat"}, "source"),
    ({"household_id": None}, "household_id"),
])
def test_a_complaint_with_bad_input_is_refused_with_the_field_named(client, clerk, phone, body, field):
    h = households(phone, 1)[0]
    status, answer = post(client, clerk, C, {"household_id": h["id"], "category": "service", "text": "收费员态度差",
                                             "source": "office", **body})
    assert status == 400 and field in answer["error"]["details"]["fields"], answer
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Complaint)) == 0


@pytest.mark.parametrize("satisfaction", [0, 6, "5", 4.5])
def test_satisfaction_is_a_whole_number_from_1_to_5(client, clerk, phone, satisfaction):
    c = open_one(client, clerk, households(phone, 1)[0]["id"])
    for path, body in ((f"{C}/{c['id']}/follow-ups", {"text": "回访"}), (f"{C}/{c['id']}/close", {"resolution": "好"})):
        status, answer = post(client, clerk, path, {**body, "satisfaction": satisfaction})
        assert status == 400 and "satisfaction" in answer["error"]["details"]["fields"], answer
    assert get(client, clerk, f"{C}/{c['id']}")["state"] == "open"


def test_an_unknown_household_is_a_404(client, clerk):
    status, body = post(client, clerk, C, {"household_id": "nope", "category": "other", "text": "x"})
    assert status == 404 and body["error"]["code"] == "not_found"


def test_compensation_is_proposed_by_a_clerk_and_approved_by_an_admin_who_closes_the_complaint(
        client, clerk, admin, phone):
    c = open_one(client, clerk, households(phone, 1)[0]["id"])
    status, proposed = post(client, clerk, f"{C}/{c['id']}/close",
                            {"resolution": "停暖3天，按天退费", "compensation_fen": 5088})
    assert status == 200, proposed
    assert proposed["state"] == "open" and proposed["compensation_state"] == "proposed"
    assert proposed["compensation_fen"] == 5088 and proposed["closed_at"] is None
    # the admin closes it: the proposed amount is approved
    status, closed = post(client, admin, f"{C}/{c['id']}/close", {"resolution": "区域经理批准赔付", "satisfaction": 4})
    assert status == 200, closed
    assert closed["state"] == "closed" and closed["compensation_state"] == "approved"
    assert closed["compensation_fen"] == 5088 and closed["closed_by"] == "admin"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
        AuditLog.action == "complaint.compensation_proposed", AuditLog.entity_id == str(c["id"]))) == 1
    # a clerk closes one without compensation at once; compensation_fen may not be negative
    other = open_one(client, clerk, households(phone, 1)[0]["id"], category="service")
    assert post(client, clerk, f"{C}/{other['id']}/close", {"resolution": "道歉", "compensation_fen": -1})[0] == 400
    status, plain = post(client, clerk, f"{C}/{other['id']}/close", {"resolution": "道歉", "compensation_fen": 0})
    assert status == 200 and plain["state"] == "closed" and plain["compensation_state"] == "none"


def test_a_pushed_complaint_visit_opens_exactly_one_complaint_even_when_pushed_twice(client, clerk, phone):
    h = households(phone, 1)[0]
    visit = phone.op("visit", h["id"], {"kind": "complaint", "text": "客厅15度", "category": "temperature"})
    assert phone.push([visit])[1]["results"][0]["status"] == "applied"
    again = phone.push([visit])[1]["results"][0]
    assert again["status"] == "duplicate"
    db.session.rollback()
    items = get(client, clerk, C, household_id=h["id"])["items"]
    assert len(items) == 1, items
    c = items[0]
    assert c["source"] == "phone" and c["category"] == "temperature" and c["text"] == "客厅15度"
    assert c["opened_by"] == "c01" and c["field_record_id"]
    # one without a category is "other"; a follow_up visit is the open complaint's 回访
    plain = phone.op("visit", h["id"], {"kind": "complaint", "text": "收据字迹不清"})
    up = phone.op("visit", h["id"], {"kind": "follow_up", "text": "回访：已修好", "satisfaction": 5})
    assert [r["status"] for r in phone.push([plain, up])[1]["results"]] == ["applied", "applied"]
    assert [r["status"] for r in phone.push([plain, up])[1]["results"]] == ["duplicate", "duplicate"]
    db.session.rollback()
    items = get(client, clerk, C, household_id=h["id"])["items"]
    assert sorted(i["category"] for i in items) == ["other", "temperature"]
    newest = next(i for i in items if i["category"] == "other")
    ups = db.session.scalars(sa.select(ComplaintFollowUp)).all()
    assert len(ups) == 1 and ups[0].complaint_id == newest["id"] and ups[0].satisfaction == 5
    # the phone's card shows them (PROTOCOL.md Pull: an optional field)
    phone.pull_all()
    card = phone.households[h["id"]]["complaints"]
    assert {(x["category"], x["state"], x["text"]) for x in card} == {("temperature", "open", "客厅15度"),
                                                                      ("other", "open", "收据字迹不清")}
    assert all(set(x) == {"id", "category", "state", "text", "opened_at"} for x in card)


def test_a_follow_up_visit_on_a_household_without_an_open_complaint_opens_nothing(client, clerk, phone):
    h = households(phone, 1)[0]
    assert phone.push([phone.op("visit", h["id"], {"kind": "follow_up", "text": "例行回访"})])[0] == 200
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ComplaintFollowUp)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Complaint)) == 0


def test_an_open_temperature_complaint_pauses_the_households_dunning(client, clerk, admin, phone):
    due = add_years(today(), -3) + timedelta(days=30)
    sid = _an_old_season(client, admin, due)
    queue = get(client, clerk, "/api/v1/dunning/queue", within_days=90, per_page=500)
    hid = next(i["household_id"] for i in queue["items"] if i["season"] == sid)
    billing = open_one(client, clerk, hid, category="billing")  # not about heat: dunning goes on
    assert hid in {i["household_id"] for i in get(client, clerk, "/api/v1/dunning/queue", within_days=90,
                                                  per_page=500)["items"]}
    c = open_one(client, clerk, hid)
    paused = get(client, clerk, "/api/v1/dunning/queue", within_days=90, per_page=500)
    assert hid not in {i["household_id"] for i in paused["items"]}
    assert paused["total"] == queue["total"] - len([i for i in queue["items"] if i["household_id"] == hid])
    other = a_household_owing_two_seasons()
    _, job = make(client, clerk, household_ids=[hid, other])
    assert job["result"]["skipped"] == [{"household_id": hid, "reason": "complaint_open"}]
    assert job["result"]["documents"] == 1
    # closed: the ladder resumes
    assert post(client, clerk, f"{C}/{c['id']}/close", {"resolution": "复测20度"})[0] == 200
    assert billing["state"] == "open"
    back = get(client, clerk, "/api/v1/dunning/queue", within_days=90, per_page=500)
    assert hid in {i["household_id"] for i in back["items"]} and back["total"] == queue["total"]


def test_the_satisfaction_report_counts_per_project_opened_closed_categories_scores_and_follow_ups(
        client, clerk, phone):
    a, b, c = households(phone, 3)
    one = open_one(client, clerk, a["id"])
    two = open_one(client, clerk, b["id"], category="service")
    open_one(client, clerk, c["id"], category="service")
    post(client, clerk, f"{C}/{one['id']}/follow-ups", {"text": "回访", "satisfaction": 2})
    post(client, clerk, f"{C}/{one['id']}/follow-ups", {"text": "再回访"})
    post(client, clerk, f"{C}/{one['id']}/close", {"resolution": "修好了", "satisfaction": 5})
    post(client, clerk, f"{C}/{two['id']}/close", {"resolution": "批评教育", "satisfaction": 4})
    report = get(client, clerk, "/api/v1/reports/satisfaction", season="2026-2027")
    projects = {x["project"] for x in (a, b, c)}
    assert {p["project"] for p in report["items"]} == projects and report["season"] == "2026-2027"
    total = {k: sum(p[k] for p in report["items"]) for k in ("opened", "closed", "follow_ups", "satisfaction_count")}
    assert total == {"opened": 3, "closed": 2, "follow_ups": 2, "satisfaction_count": 3}
    assert sum(p["by_category"]["service"] for p in report["items"]) == 2
    assert sum(p["by_category"]["temperature"] for p in report["items"]) == 1
    if len(projects) == 1:
        assert report["items"][0]["average_satisfaction"] == "3.67"  # (2 + 5 + 4) / 3
    only = get(client, clerk, "/api/v1/reports/satisfaction", project=a["project"])
    assert [p["project"] for p in only["items"]] == [a["project"]]
    # a season long past holds none of them
    assert get(client, clerk, "/api/v1/reports/satisfaction", season="2024-2025")["items"] == []
    assert client.get("/api/v1/reports/satisfaction?season=2099-2100", headers=clerk.headers).status_code == 404


def test_a_collector_may_not_use_the_complaints_api(client, phone):
    assert client.get(C, headers=phone.headers).status_code == 403
    assert client.post(C, json={"household_id": "x", "category": "other", "text": "x"},
                       headers=phone.headers).status_code == 403
