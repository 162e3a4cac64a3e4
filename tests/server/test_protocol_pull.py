"""Pull as PROTOCOL.md tells it: paging, incremental changes, `removed`, `reset`, gzip, device_last_seq."""
import gzip
import json

import pytest
import sqlalchemy as sa

from server.changes import epoch
from server.extensions import db
from server.models import ChangeLog
from sync import cursor as cursors
from tests.invariants import check_invariants


@pytest.fixture(autouse=True)
def _english(english):
    yield
    check_invariants()


def page_through(phone, limit=None, cursor=None):
    """Pages until has_more is false: (households in order received, removed, last body, pages)."""
    seen, removed, pages = [], [], 0
    while True:
        status, body = phone.pull(cursor=cursor, limit=limit)
        assert status == 200, body
        pages += 1
        seen += [h["id"] for h in body["households"]]
        removed += body["removed"]
        cursor = body["cursor"]
        if not body["has_more"]:
            return seen, removed, body, pages


def test_a_snapshot_in_pages_of_seven_lists_every_household_of_the_scope_exactly_once(phone, desk):
    seen, removed, last, pages = page_through(phone, limit=7)
    assert sorted(seen) == sorted(set(seen)) == desk.households_of("c01")
    assert len(seen) == 40 and pages == 6 and removed == []
    assert last["reset"] is False


def test_each_snapshot_page_has_more_until_the_last(phone):
    status, body = phone.pull(cursor=None, limit=7)
    assert body["has_more"] is True and len(body["households"]) == 7
    status, body = phone.pull(cursor=body["cursor"], limit=40)
    assert body["has_more"] is False and len(body["households"]) == 33


def test_a_household_record_carries_what_a_collector_needs_at_the_door(phone):
    status, body = phone.pull(cursor=None)
    assert [s["id"] for s in body["seasons"]] == ["2024-2025", "2025-2026", "2026-2027"]
    assert [s["open"] for s in body["seasons"]] == [False, False, True]
    h = body["households"][0]
    assert {"id", "version", "project", "building", "unit", "room", "label", "owner_name", "owner_initials",
            "phone_masked", "area_m2", "category", "status", "bills", "payments", "dunning_stage"} <= set(h)
    assert [b["season"] for b in h["bills"]] == ["2024-2025", "2025-2026", "2026-2027"]
    for b in h["bills"]:
        assert b["balance_fen"] == max(b["due_fen"] - b["paid_fen"], 0)
    assert "****" in h["phone_masked"]
    assert set(body) >= {"cursor", "has_more", "reset", "server_time", "seasons", "households", "removed",
                         "device_last_seq"}


def test_an_incremental_pull_returns_exactly_the_changed_households(phone, make_phone):
    phone.pull_all()
    ids = sorted(phone.households)
    changed = ids[3], ids[17]
    other = make_phone("c02")
    other.pull_all()
    phone.push([phone.payment(changed[0], 100), phone.payment(changed[1], 200), phone.payment(changed[0], 300)])
    other.push([other.payment(next(iter(other.households)), 100)])  # another scope: not in c01's pull
    seen, removed, last, _ = page_through(phone, cursor=phone.cursor)
    assert sorted(seen) == sorted(changed) and removed == []
    # and once more: nothing
    seen, removed, _, _ = page_through(phone, cursor=last["cursor"])
    assert seen == [] and removed == []


def test_incremental_pages_of_one_cover_every_change_once(phone):
    phone.pull_all()
    ids = sorted(phone.households)[:5]
    for hid in ids:
        phone.push([phone.payment(hid, 100)])
    seen, _, _, pages = page_through(phone, limit=1, cursor=phone.cursor)
    assert sorted(seen) == sorted(ids) and pages == 5


def test_a_household_changed_twice_comes_once_with_its_latest_version(phone):
    phone.pull_all()
    hid = sorted(phone.households)[0]
    v0 = phone.households[hid]["version"]
    phone.push([phone.payment(hid, 100)])
    phone.push([phone.payment(hid, 200)])
    status, body = phone.pull()
    assert [h["id"] for h in body["households"]] == [hid]
    # The latest version: one more for each change (the household's change-log rows).
    assert body["households"][0]["version"] == v0 + 2
    assert body["households"][0]["version"] == db.session.scalar(
        sa.select(sa.func.count()).select_from(ChangeLog).where(ChangeLog.household_id == hid))


def test_moving_a_building_away_lists_its_households_in_removed(phone, make_phone, desk):
    phone.pull_all()
    ours = set(phone.households)
    first = next(iter(phone.households.values()))
    other = make_phone("c02")
    other.pull_all()
    theirs = next(iter(other.households.values()))
    # c01 now works c02's building instead of its own
    desk.assign("c01", [{"project": theirs["project"], "building": theirs["building"]}])
    seen, removed, last, _ = page_through(phone, cursor=phone.cursor)
    assert sorted(removed) == sorted(ours)
    assert sorted(seen) == sorted(other.households)
    # and back: the old building returns, the other one leaves
    desk.assign("c01", [{"project": first["project"], "building": first["building"]}])
    seen, removed, _, _ = page_through(phone, cursor=last["cursor"])
    assert sorted(seen) == sorted(ours) and sorted(removed) == sorted(other.households)


def test_a_collector_pull_holds_only_households_assigned_now(phone, desk):
    phone.pull_all()
    assert sorted(phone.households) == desk.households_of("c01")
    assert not set(phone.households) & set(desk.households_of("c02"))


@pytest.mark.parametrize("cursor", ["garbage", "!!!", "MXwwfDF8MnwzfGFiYw", "a" * 300, "9" * 2000, "\x00",
                                    "MXw\x00wfDF8"])
def test_a_malformed_cursor_gives_reset_and_a_snapshot_never_an_error(phone, cursor):
    status, body = phone.pull(cursor=cursor)
    assert status == 200 and body["reset"] is True and len(body["households"]) == 40


def test_another_users_cursor_gives_reset_and_a_snapshot_of_my_scope(phone, make_phone, desk):
    other = make_phone("c02")
    other.pull_all()
    status, body = phone.pull(cursor=other.cursor)
    assert status == 200 and body["reset"] is True
    assert sorted(h["id"] for h in body["households"]) == desk.households_of("c01")


def test_a_cursor_beyond_the_head_as_after_a_restore_gives_reset(phone, app):
    phone.pull_all()
    head = db.session.scalar(sa.select(sa.func.max(ChangeLog.change_seq))) or 0
    ahead = cursors.encode(cursors.Cursor(epoch(), phone.user["id"], head + 1000),
                           app.config["SECRET_KEY"].encode())
    status, body = phone.pull(cursor=ahead)
    assert status == 200 and body["reset"] is True and len(body["households"]) == 40
    # the fresh cursor works incrementally again
    status, body = phone.pull(cursor=body["cursor"])
    assert body["reset"] is False and body["households"] == []


def test_a_cursor_from_another_epoch_gives_reset(phone, app):
    from server.changes import rotate_epoch
    phone.pull_all()
    rotate_epoch()
    status, body = phone.pull()
    assert body["reset"] is True and len(body["households"]) == 40


def test_a_cursor_never_moves_backwards(phone):
    from sync.cursor import decode
    phone.pull_all()
    key = phone.client.application.config["SECRET_KEY"].encode()
    positions = []
    for i in range(4):
        phone.push([phone.payment(sorted(phone.households)[i], 100)])
        for _ in range(2):
            phone.pull_all()
            positions.append(decode(phone.cursor, key, epoch(), phone.user["id"]).change_seq)
    assert positions == sorted(positions)


def test_a_large_pull_is_gzipped_when_the_phone_accepts_it(phone, client):
    r = client.get("/api/v1/sync/pull", headers={**phone.headers, "Accept-Encoding": "gzip"})
    assert r.headers.get("Content-Encoding") == "gzip"
    body = json.loads(gzip.decompress(r.get_data()))
    assert len(body["households"]) == 40


@pytest.mark.parametrize("accept", ["gzip;q=0", "identity", "deflate"])
def test_a_pull_is_not_gzipped_for_a_phone_that_refuses_it(phone, client, accept):
    r = client.get("/api/v1/sync/pull", headers={**phone.headers, "Accept-Encoding": accept})
    assert "Content-Encoding" not in r.headers
    assert len(r.get_json()["households"]) == 40


def test_a_pull_names_the_company_its_documents_print_for_the_phones_receipts(phone):
    from server.models import Setting, utcnow
    status, body = phone.pull()
    assert status == 200 and body["company"] == {"name": "北京示范热力有限公司"}  # the demo's default
    db.session.add(Setting(key="documents", value={"name": "北京东区供热有限公司"}, updated_at=utcnow()))
    db.session.commit()
    assert phone.pull()[1]["company"] == {"name": "北京东区供热有限公司"}


def test_device_last_seq_is_per_device(phone, make_phone):
    second = make_phone("c01")
    phone.pull_all()
    phone.push([phone.payment(sorted(phone.households)[0], 100)])
    assert phone.pull()[1]["device_last_seq"] == 1
    assert second.pull()[1]["device_last_seq"] == 0
