"""催缴通知书 and 律师函 drafts (DOMAIN.md §4) made by a background job, checked as a reader sees them."""
import hashlib
import time

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.models import Bill, Household, Party, Payment, User
from server.models.documents import Document, Job
from sync.money import daxie, format_yuan
from tests.server.pdftools import page_png, pdf_fonts, pdf_pages, pdf_text

SEASON = "2026-2027"


def make(client, clerk, kind="notices", **body):
    r = client.post(f"/api/v1/documents/{kind}", json={"season": SEASON, **body}, headers=clerk.headers)
    assert r.status_code == 202, r.get_json()
    job_id = r.get_json()["job_id"]
    for _ in range(600):  # inline under TESTING; the poll keeps the test right if jobs ever run in a thread
        db.session.rollback()  # the fixture's app context shares one session across requests: a fresh snapshot
        job = client.get(f"/api/v1/jobs/{job_id}", headers=clerk.headers).get_json()
        if job["state"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert job["state"] == "done", job
    return job_id, job


def download(client, clerk, job_id) -> bytes:
    r = client.get(f"/api/v1/jobs/{job_id}/file", headers=clerk.headers)
    assert r.status_code == 200 and r.mimetype == "application/pdf", r.data[:200]
    return r.data


def owing_seasons(household_id):
    return db.session.execute(sa.select(Bill.season_id, Bill.due_fen, Bill.paid_fen).where(
        Bill.household_id == household_id, Bill.paid_fen < Bill.due_fen).order_by(Bill.season_id)).all()


def a_household_owing_two_seasons() -> str:
    return db.session.execute(sa.select(Bill.household_id).where(Bill.paid_fen < Bill.due_fen)
                              .group_by(Bill.household_id).having(sa.func.count() >= 2)
                              .order_by(Bill.household_id)).scalars().first()


def the_rare_name_household_owing() -> str:
    """The demo owner 𠮷祥 (U+20BB7, outside the BMP and GB2312) paid up; a voided payment makes them owe."""
    from server.billing.service import reverse_payment
    hid = db.session.scalar(sa.select(Household.id).join(Party, Party.id == Household.owner_id)
                            .where(Party.name == "𠮷祥"))
    if not owing_seasons(hid):
        payment = db.session.scalars(sa.select(Payment).where(Payment.household_id == hid, Payment.kind == "payment",
                                                             Payment.season_id == SEASON)).first()
        clerk_id = db.session.scalar(sa.select(User.id).where(User.username == "clerk"))
        reverse_payment(payment, clerk_id, "测试：收据作废")
        db.session.commit()
    return hid


def test_a_notice_lists_each_unpaid_season_and_the_total_in_figures_and_in_daxie(client, clerk, tmp_path):
    hid = a_household_owing_two_seasons()
    rows = owing_seasons(hid)
    job_id, job = make(client, clerk, household_ids=[hid])
    assert job["done"] == job["total"] == 1 and job["result"]["skipped"] == []
    data = download(client, clerk, job_id)
    text = pdf_text(data, tmp_path)
    flat = "".join(text.split())
    doc = db.session.scalars(sa.select(Document).where(Document.job_id == job_id)).one()
    total = sum(due - paid for _, due, paid in rows)
    assert "供热采暖费催缴通知书" in flat and doc.number in flat
    assert doc.data["household"]["label"] in flat and doc.data["household"]["payer"] in flat
    for season, due, paid in rows:
        assert season in text and format_yuan(due - paid) in text
    assert f"¥{format_yuan(total)}" in flat and daxie(total, prefix=True) in flat
    for phrase in ["如已缴纳请持凭证核对", "送达回执", "拒绝签收", "民法典", "第十七条", "公司盖章",
                   "提起诉讼", "尊敬的用户", "感谢您的支持与配合"]:
        assert phrase in flat, phrase
    for threat in ["停热", "停止供热", "停暖", "断热"]:  # never threaten an unlawful cut-off (DOMAIN.md §4)
        assert threat not in flat
    assert pdf_pages(data, tmp_path) == 1  # one household, one page with its tear-off receipt
    assert doc.kind == "notice" and doc.data["total_fen"] == total and doc.data["page"] == 1
    assert doc.pdf_sha256 == db.session.get(Job, job_id).file_sha256 == hashlib.sha256(data).hexdigest()
    page_png(data, "notice-two-seasons")


def test_the_rare_character_of_an_owners_name_is_printed_with_a_cjk_font(client, clerk, tmp_path):
    hid = the_rare_name_household_owing()
    job_id, _ = make(client, clerk, household_ids=[hid])
    data = download(client, clerk, job_id)
    assert "𠮷祥" in pdf_text(data, tmp_path)
    fonts = pdf_fonts(data, tmp_path)
    # Noto CJK SC cut at set-up (HL Serif, HL Sans) and, for 𠮷 alone, a font cut from the system's Noto CJK
    assert fonts and all(f.split("+")[1].startswith(("HL-Serif", "HL-Sans", "HL-Rare")) for f in fonts), fonts
    assert any("HL-Rare" in f for f in fonts), fonts
    assert all("+" in f for f in fonts), fonts  # embedded as subsets
    page_png(data, "notice-rare-name")
    # issue 15, item 1: a one-page notice is at most 150 KB, the rare name included
    doc = db.session.scalar(sa.select(Document).where(Document.job_id == job_id))
    own = client.get(f"/api/v1/documents/{doc.id}/file", headers=clerk.headers).data
    assert pdf_pages(own, tmp_path) == 1 and len(own) <= 150 * 1024, len(own)
    assert "𠮷祥" in pdf_text(own, tmp_path)


def test_a_household_that_owes_nothing_gets_no_notice_and_the_job_says_why(client, clerk):
    paid_up = db.session.execute(sa.select(Bill.household_id).group_by(Bill.household_id).having(
        sa.func.sum(Bill.due_fen - Bill.paid_fen) == 0).order_by(Bill.household_id)).scalars().first()
    owing = a_household_owing_two_seasons()
    job_id, job = make(client, clerk, household_ids=[paid_up, owing])
    assert job["result"]["skipped"] == [{"household_id": paid_up, "reason": "nothing_owing"}]
    assert job["result"]["documents"] == 1 and job["done"] == job["total"] == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Document).where(
        Document.household_id == paid_up)) == 0


def test_a_building_gets_one_notice_per_household_that_owes(client, clerk, tmp_path):
    building = db.session.execute(sa.text(
        "SELECT p.name, b.name FROM building b JOIN project p ON p.id = b.project_id ORDER BY b.id LIMIT 1")).one()
    job_id, job = make(client, clerk, project=building[0], building=building[1])
    docs = db.session.scalars(sa.select(Document).where(Document.job_id == job_id)).all()
    assert job["total"] == 40 and len(docs) + len(job["result"]["skipped"]) == 40 and docs
    assert len({d.number for d in docs}) == len(docs)
    data = download(client, clerk, job_id)
    assert pdf_pages(data, tmp_path) == len(docs)
    assert db.session.get(Job, job_id).file_sha256 == hashlib.sha256(data).hexdigest()
    # each household's document is a file of its own in the register, its hash that file's
    for d in docs:
        own = client.get(f"/api/v1/documents/{d.id}/file", headers=clerk.headers).data
        assert hashlib.sha256(own).hexdigest() == d.pdf_sha256 and pdf_pages(own, tmp_path) == 1
    assert sorted(d.data["page"] for d in docs) == list(range(1, len(docs) + 1))


def overdue(household_id):
    """What the household owes of seasons past their payment window (Season.due_on) today."""
    from server.models import Season
    from server.timefmt import shanghai_date
    from server.models import utcnow
    return sum(due - paid for season, due, paid in owing_seasons(household_id)
               if db.session.get(Season, season).due_on < shanghai_date(utcnow()))


def test_a_lawyer_letter_is_a_marked_draft_with_the_demand_in_daxie(client, clerk, tmp_path):
    hid = a_household_owing_two_seasons()
    total = overdue(hid)
    assert 0 < total < sum(due - paid for _, due, paid in owing_seasons(hid))  # the open season: not yet due
    job_id, _ = make(client, clerk, "lawyer-letters", household_ids=[hid])
    data = download(client, clerk, job_id)
    flat = "".join(pdf_text(data, tmp_path).split())
    doc = db.session.scalars(sa.select(Document).where(Document.job_id == job_id)).one()
    assert doc.kind == "lawyer_letter" and "律函字" in doc.number and doc.number in flat
    for phrase in ["律师函", "草稿", "致：", "接受", "委托", "基本事实", "法律分析", "事实供用热合同", "律师意见",
                   "日内", "诉讼费用", "律师事务所", "签字", daxie(total, prefix=True), format_yuan(total)]:
        assert phrase in flat, phrase
    page_png(data, "lawyer-letter")


def test_notices_and_lawyer_letters_each_count_their_own_numbers_from_one_each_year(client, clerk):
    hid = a_household_owing_two_seasons()
    make(client, clerk, household_ids=[hid])
    make(client, clerk, household_ids=[hid])
    letter_job, _ = make(client, clerk, "lawyer-letters", household_ids=[hid])
    notices = db.session.scalars(sa.select(Document.number).where(Document.kind == "notice")
                                 .order_by(Document.id)).all()
    year = notices[0][notices[0].index("〔") + 1:][:4]
    assert notices[-2:] == [f"京示热催字〔{year}〕第{len(notices) - 1:06d}号", f"京示热催字〔{year}〕第{len(notices):06d}号"]
    letter = db.session.scalars(sa.select(Document.number).where(Document.job_id == letter_job)).one()
    letters = db.session.scalar(sa.select(sa.func.count()).select_from(Document).where(Document.kind == "lawyer_letter"))
    assert letter == f"（{year}）京示律函字第{letters:06d}号"


def test_no_lawyer_letter_for_a_household_that_owes_only_what_is_not_yet_due(client, clerk):
    """The open season is payable until its due date (DOMAIN.md §1): owing it is no breach yet."""
    only_open = db.session.execute(
        sa.select(Bill.household_id).group_by(Bill.household_id)
        .having(sa.func.sum(sa.case((Bill.paid_fen < Bill.due_fen, 1), else_=0)) == 1,
                sa.func.max(sa.case((Bill.paid_fen < Bill.due_fen, Bill.season_id), else_=None)) == SEASON)
        .order_by(Bill.household_id)).scalars().first()
    overdue_too = a_household_owing_two_seasons()
    job_id, job = make(client, clerk, "lawyer-letters", household_ids=[only_open, overdue_too])
    assert job["result"]["skipped"] == [{"household_id": only_open, "reason": "nothing_overdue"}]
    assert job["result"]["documents"] == 1


def test_a_lawyer_letter_cites_the_demands_delivered_before_it(client, clerk, tmp_path):
    """A household at "notice_delivered" in the demo was served a notice; the letter says when."""
    hid = db.session.scalar(sa.select(Household.id).where(Household.dunning_stage == "notice_delivered")
                            .order_by(Household.id))
    job_id, _ = make(client, clerk, "lawyer-letters", household_ids=[hid])
    doc = db.session.scalars(sa.select(Document).where(Document.job_id == job_id)).one()
    assert doc.data["demands"] == [{"date": "2026-03-20", "date_zh": "2026年3月20日", "what": "催缴通知书已送达"}]
    flat = "".join(pdf_text(download(client, clerk, job_id), tmp_path).split())
    assert "2026年3月20日" in flat and "未查到已送达" not in flat


def test_jobs_answer_for_their_state_and_refuse_a_file_before_it_is_made(client, clerk):
    db.session.add(Job(id="00000000-0000-4000-8000-000000000001", kind="notices", state="running", params={},
                       done=3, total=10))
    db.session.commit()
    r = client.get("/api/v1/jobs/00000000-0000-4000-8000-000000000001", headers=clerk.headers).get_json()
    assert (r["state"], r["done"], r["total"]) == ("running", 3, 10)
    r = client.get("/api/v1/jobs/00000000-0000-4000-8000-000000000001/file", headers=clerk.headers)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "job_not_ready"
    assert client.get("/api/v1/jobs/nope", headers=clerk.headers).status_code == 404


@pytest.mark.parametrize("body", [{"season": SEASON}, {"season": SEASON, "project": "丰和园"},
                                  {"season": SEASON, "household_ids": []},
                                  {"season": SEASON, "household_ids": ["x"], "project": "丰和园", "building": "1"},
                                  {"season": "2099-2100", "household_ids": ["x"]},
                                  {"season": SEASON, "household_ids": ["no-such-household"]},
                                  {"season": SEASON, "project": "丰和园", "building": "99"}])
def test_a_request_that_does_not_name_households_clearly_is_refused(client, clerk, body):
    r = client.post("/api/v1/documents/notices", json=body, headers=clerk.headers)
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "validation_failed", r.get_json()


def test_a_collector_cannot_make_documents(client, phone):
    r = client.post("/api/v1/documents/notices", json={"season": SEASON, "household_ids": ["x"]},
                    headers=phone.headers)
    assert r.status_code == 403


def test_fifty_notices_in_one_job_make_fifty_pages(client, clerk, tmp_path):
    """How fast is bench/documents_bench.py's to say (against bare WeasyPrint in the same run)."""
    owing = db.session.execute(sa.select(Bill.household_id).where(Bill.paid_fen < Bill.due_fen)
                               .group_by(Bill.household_id).order_by(Bill.household_id).limit(50)).scalars().all()
    assert len(owing) == 50
    job_id, job = make(client, clerk, household_ids=owing)
    assert job["result"]["documents"] == 50 and job["made"] == 50
    assert pdf_pages(download(client, clerk, job_id), tmp_path) == 50


def test_outside_tests_a_job_runs_in_the_background_and_a_poll_sees_it_finish(app, client, clerk, tmp_path):
    app.config["TESTING"] = False  # the production path: a worker thread with its own app context
    try:
        job_id, job = make(client, clerk, household_ids=[a_household_owing_two_seasons()])
    finally:
        app.config["TESTING"] = True
    assert job["done"] == job["total"] == 1 and job["file"] == f"/api/v1/jobs/{job_id}/file"
    assert pdf_pages(download(client, clerk, job_id), tmp_path) == 1
