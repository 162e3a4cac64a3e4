"""Issue 11: a daily ledger too long to lay out inside a request is made as a job (202), never a worker
timeout: the clerk follows its progress and downloads one PDF holding every entry."""
import sqlalchemy as sa

from server.extensions import db
from server.ledgers import exports
from server.models import Payment
from sync.merge import posting_date
from tests.server.pdftools import pdf_text


def test_a_long_daily_ledger_as_pdf_is_a_job_whose_file_holds_every_entry(phone, clerk, client, monkeypatch,
                                                                            tmp_path):
    monkeypatch.setattr(exports, "PDF_INLINE_ENTRIES", 5)
    monkeypatch.setattr(exports, "CHUNK", 3)  # three chunks: the first with the totals, the others continued
    phone.pull_all()
    hids = sorted(phone.households)
    status, body = phone.push([phone.payment(h, 100 + i, season=None) for i, h in enumerate(hids[:8])])
    assert status == 200
    day = posting_date(db.session.scalar(sa.select(sa.func.max(Payment.posted_at))))
    receipts = [r["receipt_no"] for r in body["results"]]
    r = client.get("/api/v1/ledgers/daily", query_string={"date": day.isoformat(), "format": "pdf"},
                   headers=clerk.headers)
    assert r.status_code == 202, r.get_json()
    job_id = r.get_json()["job_id"]
    job = client.get(f"/api/v1/jobs/{job_id}", headers=clerk.headers).get_json()
    assert job["state"] == "done" and job["done"] == job["total"] == r.get_json()["entries"]
    f = client.get(f"/api/v1/jobs/{job_id}/file", headers=clerk.headers)
    assert f.status_code == 200 and f.mimetype == "application/pdf"
    assert f"daily-{day.isoformat()}.pdf" in f.headers["Content-Disposition"]
    text = pdf_text(f.data, tmp_path)
    assert all(no in text for no in receipts)
    assert text.count(f"日帐 {day.isoformat()}") == 1  # the title once, on the first page


def test_a_short_daily_ledger_as_pdf_is_answered_at_once(phone, clerk, client):
    r = client.get("/api/v1/ledgers/daily", query_string={"date": "2026-11-20", "format": "pdf"},
                   headers=clerk.headers)
    assert r.status_code == 200 and r.mimetype == "application/pdf"
