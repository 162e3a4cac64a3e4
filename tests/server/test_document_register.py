"""The document register, deliveries and limitation dates (issue 15, items 2 and 3; OFFICE.md "Dunning and
documents"; DOMAIN.md §3, case 10)."""
import hashlib
from datetime import date, timedelta

import segno
import sqlalchemy as sa

from server.company import company
from server.documents.qr import qr_data_uri
from server.estate.address import masked_address
from server.extensions import db
from server.models import AuditLog, Bill, Household, utcnow
from server.models.documents import Document
from sync.arrears import add_years
from sync.merge import posting_date
from sync.money import format_yuan
from tests.server.pdftools import page_png, pdf_pages, pdf_text, qr_modules
from tests.server.test_documents import SEASON, a_household_owing_two_seasons, make
from tests.server.test_sessions_and_photos import image_bytes, put


def today() -> date:
    return posting_date(utcnow())


def register(client, clerk, **query):
    r = client.get("/api/v1/documents", query_string=query, headers=clerk.headers)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def debts(client, clerk, hid):
    r = client.get(f"/api/v1/households/{hid}/debts", headers=clerk.headers)
    assert r.status_code == 200, r.get_json()
    return {d["season"]: d for d in r.get_json()["items"]}


def deliver(client, clerk, document_id, **body):
    return client.post(f"/api/v1/documents/{document_id}/delivery", headers=clerk.headers,
                       json={"method": "in_person", "date": today().isoformat(), "refused": False, **body})


def proof_photo(phone, seed=1) -> str:
    body = image_bytes("PNG", seed)
    assert put(phone, body).status_code in (200, 201)
    return hashlib.sha256(body).hexdigest()


def test_a_job_says_what_it_made_and_skipped_and_gives_each_households_file(client, clerk, tmp_path):
    owing = a_household_owing_two_seasons()
    paid_up = db.session.scalar(sa.select(Household.id).where(Household.id != owing).where(~Household.id.in_(
        sa.select(sa.literal_column("household_id")).select_from(sa.text("bill")).where(
            sa.text("bill.paid_fen < bill.due_fen")))).limit(1))
    job_id, job = make(client, clerk, household_ids=[owing, paid_up])
    assert job["made"] == 1
    assert job["skipped"] == [{"household_id": paid_up, "reason": "nothing_owing"}]
    combined = [f for f in job["files"] if f["household_id"] is None]
    own = [f for f in job["files"] if f["household_id"] == owing]
    assert len(combined) == 1 and len(own) == 1 and own[0]["number"]
    r = client.get(own[0]["url"], headers=clerk.headers)
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert own[0]["number"] in pdf_text(r.data, tmp_path)
    assert client.get(f"/api/v1/jobs/{job_id}/file?household_id={paid_up}", headers=clerk.headers).status_code == 404


def test_the_register_lists_each_document_and_a_reprint_gives_the_same_bytes_as_its_hash(client, clerk, tmp_path):
    hid = a_household_owing_two_seasons()
    make(client, clerk, household_ids=[hid])
    entry = register(client, clerk, household_id=hid, kind="notice")["items"][0]
    assert entry["state"] == "issued" and entry["delivered_on"] is None
    assert len(entry["template_version"]) == 12 and entry["number"]
    first = client.get(f"/api/v1/documents/{entry['id']}/file", headers=clerk.headers)
    again = client.get(f"/api/v1/documents/{entry['id']}/file", headers=clerk.headers)
    assert first.status_code == 200 and first.data == again.data
    assert hashlib.sha256(first.data).hexdigest() == entry["sha256"]
    assert entry["number"] in pdf_text(first.data, tmp_path)
    # and the household page shows it
    page = client.get(f"/api/v1/households/{hid}", headers=clerk.headers).get_json()
    assert any(d["id"] == entry["id"] and d["sha256"] == entry["sha256"] for d in page["documents"])
    assert client.get("/api/v1/documents/999999/file", headers=clerk.headers).status_code == 404


def test_a_lawyer_letter_stays_a_draft_until_signed_and_only_then_goes_out(client, clerk):
    hid = a_household_owing_two_seasons()
    make(client, clerk, "lawyer-letters", household_ids=[hid])
    letter = register(client, clerk, household_id=hid, kind="lawyer_letter")["items"][0]
    assert letter["state"] == "draft"
    r = deliver(client, clerk, letter["id"])
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "document_not_signed"
    r = client.post(f"/api/v1/documents/{letter['id']}/sign", headers=clerk.headers)
    assert r.status_code == 200 and r.get_json()["state"] == "signed" and r.get_json()["signed_at"]
    r = client.post(f"/api/v1/documents/{letter['id']}/sign", headers=clerk.headers)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "document_not_draft"
    r = deliver(client, clerk, letter["id"], method="post", recipient="业主本人")
    assert r.status_code == 200 and r.get_json()["state"] == "delivered"
    assert db.session.get(Household, hid).dunning_stage == "lawyer_letter"
    assert register(client, clerk, state="delivered", kind="lawyer_letter")["total"] >= 1


def test_only_a_delivery_with_proof_restarts_the_limitation_date_and_a_proven_refusal_counts(client, clerk, phone):
    hid = a_household_owing_two_seasons()
    before = debts(client, clerk, hid)
    old = min(before, key=lambda s: before[s]["due_on"])
    assert date.fromisoformat(before[old]["due_on"]) < today()  # a debt already due
    job_id, job = make(client, clerk, household_ids=[hid])
    doc = register(client, clerk, household_id=hid)["items"][0]

    # delivered, but nothing proves it: kept, the state moves, the clock does not
    r = deliver(client, clerk, doc["id"], recipient="邻居代收")
    assert r.status_code == 200 and r.get_json()["state"] == "delivered"
    assert debts(client, clerk, hid)[old]["limitation_date"] == before[old]["limitation_date"]

    # refused at the door, with a photo of the notice posted there: a demand that reached the debtor
    r = deliver(client, clerk, doc["id"], method="posted_on_door", refused=True, proof=proof_photo(phone))
    assert r.status_code == 200 and r.get_json()["state"] == "refused"
    after = debts(client, clerk, hid)[old]
    assert after["limitation_date"] == add_years(today(), 3).isoformat() > before[old]["limitation_date"]
    assert after["last_demand"] == {"document_id": doc["id"], "delivered_on": today().isoformat()}
    audit = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "document.delivery",
                                                         AuditLog.entity_id == str(doc["id"]))).all()
    assert [a.after["counts_for_limitation"] for a in audit] == [False, True]


def test_a_refusal_without_proof_and_a_photo_nobody_uploaded_count_for_nothing(client, clerk):
    hid = a_household_owing_two_seasons()
    before = debts(client, clerk, hid)
    make(client, clerk, household_ids=[hid])
    doc = register(client, clerk, household_id=hid)["items"][0]
    r = deliver(client, clerk, doc["id"], refused=True)
    assert r.status_code == 200 and r.get_json()["state"] == "refused"
    r = deliver(client, clerk, doc["id"], proof="f" * 64)
    assert r.status_code == 400
    assert {s: d["limitation_date"] for s, d in debts(client, clerk, hid).items()} == \
        {s: d["limitation_date"] for s, d in before.items()}


def test_bad_deliveries_are_refused_with_the_field_named(client, clerk):
    hid = a_household_owing_two_seasons()
    make(client, clerk, household_ids=[hid])
    doc = register(client, clerk, household_id=hid)["items"][0]
    tomorrow = (today() + timedelta(days=1)).isoformat()
    for body, field in [({"date": tomorrow}, "date"), ({"method": "pigeon"}, "method"), ({"date": "2020-01-01"}, "date"),
                        ({"proof": "not-a-hash"}, "proof")]:
        r = deliver(client, clerk, doc["id"], **body)
        assert r.status_code == 400, (body, r.get_json())
        assert field in str(r.get_json()["error"]), (body, r.get_json())
    assert deliver(client, clerk, 2**31 - 1).status_code == 404


def test_the_phones_delivery_visit_marks_the_notice_it_handed_over(client, clerk, phone):
    phone.pull_all()
    hid = next(h for h, rec in phone.households.items()  # owing a season already past its due date
               if any(b["due_fen"] > b["paid_fen"] and b["season"] != SEASON for b in rec["bills"]))
    make(client, clerk, household_ids=[hid])
    doc = register(client, clerk, household_id=hid)["items"][0]
    status, body = phone.push([phone.op("visit", hid, {"kind": "notice_delivered", "text": "本人签收"})])
    assert status == 200 and body["results"][0]["status"] == "applied", body
    db.session.rollback()
    entry = client.get(f"/api/v1/documents/{doc['id']}", headers=clerk.headers).get_json()
    assert entry["state"] == "delivered" and entry["delivered_on"] == today().isoformat()
    assert any((d["last_demand"] or {}).get("document_id") == doc["id"] for d in debts(client, clerk, hid).values()
               if date.fromisoformat(d["due_on"]) <= today())


def _an_old_season(client, admin, due_on: date) -> str:
    """A season of long ago whose bills fell due on `due_on`, billed to every household, none paid."""
    y = 2015
    sid = f"{y}-{y + 1}"
    r = client.post("/api/v1/admin/seasons", headers=admin.headers, json={
        "id": sid, "starts_on": f"{y}-11-15", "ends_on": f"{y + 1}-03-15", "due_on": due_on.isoformat()})
    assert r.status_code == 201, r.get_json()
    r = client.put(f"/api/v1/admin/seasons/{sid}/rates", headers=admin.headers,
                   json={"rates": [{"category": "residential", "price_yuan": "24.00"},
                                   {"category": "non_residential", "price_yuan": "40.00"}]})
    assert r.status_code == 200, r.get_json()
    r = client.post(f"/api/v1/admin/seasons/{sid}/bills", headers=admin.headers)
    assert r.status_code in (200, 201), r.get_json()
    return sid


def test_the_queue_lists_debts_nearing_their_limitation_date_soonest_first(client, clerk, admin, phone):
    due = add_years(today(), -3) + timedelta(days=30)  # its limitation date is 30 days away
    sid = _an_old_season(client, admin, due)
    r = client.get("/api/v1/dunning/queue?within_days=90&per_page=500", headers=clerk.headers)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    mine = [i for i in body["items"] if i["season"] == sid]
    assert mine and all(i["days_left"] == 30 and i["limitation_date"] == (today() + timedelta(days=30)).isoformat()
                        for i in mine)
    assert [i["days_left"] for i in body["items"]] == sorted(i["days_left"] for i in body["items"])
    assert all(i["label"] and i["owner_name"] for i in mine)
    assert client.get("/api/v1/dunning/queue?within_days=10", headers=clerk.headers).get_json()["total"] == \
        len([i for i in body["items"] if i["days_left"] <= 10])

    # a notice delivered with proof today restarts that household's clock: out of the queue
    hid = mine[0]["household_id"]
    make(client, clerk, household_ids=[hid])
    doc = register(client, clerk, household_id=hid)["items"][0]
    assert deliver(client, clerk, doc["id"], proof=proof_photo(phone, 7)).status_code == 200
    again = client.get("/api/v1/dunning/queue?within_days=90&per_page=500", headers=clerk.headers).get_json()
    assert hid not in {i["household_id"] for i in again["items"] if i["season"] == sid}
    assert again["total"] == body["total"] - 1
    assert client.get("/api/v1/dunning/queue?within_days=-1", headers=clerk.headers).status_code == 400
    assert client.get("/api/v1/dunning/queue", headers=phone.headers).status_code == 403


def modules_of(url: str) -> set[tuple[int, int]]:
    """The dark modules of the QR code of `url`, as any QR reader would draw it (error correction M)."""
    matrix = segno.make(url, error="m").matrix
    return {(r, c) for r, row in enumerate(matrix) for c, dark in enumerate(row) if dark}


def check_page(client, url: str):
    """GET the check page a QR code opens, as the payer's phone does: no sign-in."""
    path = url.split("://", 1)[1]
    return client.get(path[path.index("/"):])


def test_a_notices_qr_code_opens_the_payers_check_of_it_and_how_to_pay(client, clerk, tmp_path):
    hid = a_household_owing_two_seasons()
    job_id, job = make(client, clerk, household_ids=[hid])
    entry = register(client, clerk, household_id=hid, kind="notice")["items"][0]
    doc = db.session.get(Document, entry["id"])
    token, url = doc.data["check_token"], doc.data["check_url"]
    # no public_url set: the address the clerk's console reached the server at
    assert url == f"http://localhost/d/{doc.id}?t={token}" and len(token) == 12
    assert entry["check_url"] == url  # the clerk's register shows it too
    pdf = client.get(f"/api/v1/documents/{doc.id}/file", headers=clerk.headers).data
    page_png(pdf, "notice-with-qr")  # test-artifacts/notice-with-qr.png, to look at
    assert pdf_pages(pdf, tmp_path) == 1  # the QR code finds room on the notice's one page
    assert qr_modules(pdf) == modules_of(url)  # and it is the QR code of that link (read from the drawing)
    html = client.application.jinja_env.get_template("documents/notice.html").render(n=doc.data)
    assert qr_data_uri(url) in html and "扫码核验" in html

    r = check_page(client, url)
    assert r.status_code == 200, r.data[:300]
    page = r.get_data(as_text=True)
    owed = client.get(f"/api/v1/households/{hid}", headers=clerk.headers).get_json()["balance_fen"]
    assert owed > 0
    assert 'data-state="genuine"' in page and "真实有效" in page and doc.number in page
    assert f'data-owed="{owed}"' in page and f"¥{format_yuan(doc.data['total_fen'])}" in page
    h = doc.data["household"]
    assert h["account_no"] in page and all(s in page for s in (r["season"] for r in doc.data["rows"]))
    assert masked_address(h["project"], h["building"], h["unit"], h["room"]) in page and h["address"] not in page
    assert h["payer"] not in page  # the owner's name is not for anyone holding the paper
    particulars = company()
    for how in ("name", "phone", "office_address", "bank_name", "bank_account_name", "bank_account"):
        assert particulars[how] in page, how

    # a payment today shows at once: the page reads the bills, not the snapshot
    bill = db.session.scalars(sa.select(Bill).where(Bill.household_id == hid, Bill.paid_fen < Bill.due_fen)
                              .order_by(Bill.season_id)).first()
    bill.paid_fen += 100
    db.session.commit()
    assert f'data-owed="{owed - 100}"' in check_page(client, url).get_data(as_text=True)

    for wrong in (url.replace(token, "0" * 12), url.split("?")[0], url.replace(f"/d/{doc.id}", f"/d/{doc.id + 999}"),
                  f"{url}x", url.replace(token, "%F0%9F%94%A5" * 20), "http://localhost/d/2147483647?t=x"):
        r = check_page(client, wrong)
        body = r.get_data(as_text=True)
        assert r.status_code == 404 and "无法核验" in body, wrong
        assert doc.number not in body and h["account_no"] not in body and "data-owed" not in body, wrong


def test_a_public_address_that_is_not_one_is_refused(client, clerk, admin):
    for bad in ("ftp://x", "https://x/?a=1", "not a url", "https://x/#top", "https://"):
        r = client.put("/api/v1/admin/settings/documents", json={"value": {"public_url": bad}}, headers=admin.headers)
        assert r.status_code == 400 and r.get_json()["error"]["code"] == "validation_failed", bad
    r = client.put("/api/v1/admin/settings/documents", json={"value": {"public_url": "https://heat.example.cn/hl/"}},
                   headers=admin.headers)
    assert r.status_code == 200 and r.get_json()["value"]["public_url"] == "https://heat.example.cn/hl", r.get_json()
    hid = a_household_owing_two_seasons()
    make(client, clerk, "lawyer-letters", household_ids=[hid])
    letter = db.session.get(Document, register(client, clerk, household_id=hid, kind="lawyer_letter")["items"][0]["id"])
    url = letter.data["check_url"]
    assert url == f"https://heat.example.cn/hl/d/{letter.id}?t={letter.data['check_token']}"
    pdf = client.get(f"/api/v1/documents/{letter.id}/file", headers=clerk.headers).data
    assert qr_modules(pdf) == modules_of(url)
    page_png(pdf, "lawyer-letter-with-qr")
    r = client.get(url.removeprefix("https://heat.example.cn/hl"))  # behind a proxy that takes the prefix off
    assert r.status_code == 200 and "律师函" in r.get_data(as_text=True)

