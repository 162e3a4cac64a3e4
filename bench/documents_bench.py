"""Arrears notices through the whole job path against bare WeasyPrint on the same HTML (issue 15, "Speed").

    .venv/bin/python bench/documents_bench.py [--notices 200] [--households 1000]

A demo database is made (as outside checks make it), then one notice job for N owing households runs the
way a clerk's request runs it: snapshot, numbering, layout, each household's own PDF, the combined PDF, the
register. The baseline renders the very same HTML, one PDF per notice, with bare WeasyPrint (one
FontConfiguration and stylesheet, as TOOLCHAIN.md advises) in the same process. Printed: pages per second of
each, their ratio (goal ≥ 90 %), and bytes per page of a household's own file (goal ≤ 150 KB).
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from tests.live_server import LiveServer  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--notices", type=int, default=200)
    ap.add_argument("--households", type=int, default=1000)
    args = ap.parse_args()

    live = LiveServer(households=args.households)
    live.prepare()
    os.environ["DATABASE_URL"] = live.database_url
    import sqlalchemy as sa
    from flask import render_template
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from server import create_app
    from server.documents import pdf, service
    from server.extensions import db
    from server.models import Bill, User
    from server.models.documents import Document, Job

    app = create_app({"TESTING": True, "DATA_DIR": live.tmp, "SCHEDULER": False})
    with app.app_context(), app.test_request_context():
        owing = db.session.scalars(sa.select(Bill.household_id).where(Bill.paid_fen < Bill.due_fen)
                                   .group_by(Bill.household_id).order_by(Bill.household_id)
                                   .limit(args.notices)).all()
        clerk = db.session.scalar(sa.select(User.id).where(User.username == "clerk"))
        service.start("notices", "2026-2027", owing[:1], None, None, clerk)  # fonts loaded, as in a served worker

        started = time.perf_counter()
        job_id = service.start("notices", "2026-2027", owing, None, None, clerk)
        db.session.rollback()
        job = db.session.get(Job, job_id)
        ours = time.perf_counter() - started
        assert job.state == "done", job.result
        docs = db.session.scalars(sa.select(Document).where(Document.job_id == job_id)).all()
        folder = Path(app.config["DOCUMENTS_DIR"])
        own_sizes = [(folder / d.file_name).stat().st_size for d in docs]
        htmls = [render_template(service.TEMPLATES[d.kind], n=d.data) for d in docs]

        fonts = FontConfiguration()
        css = CSS(filename=str(pdf.STYLESHEET), font_config=fonts)
        pages = 0
        started = time.perf_counter()
        for html in htmls:
            document = HTML(string=html, url_fetcher=pdf._FETCHER).render(stylesheets=[css], font_config=fonts)
            pages += len(document.pages)
            document.write_pdf()
        bare = time.perf_counter() - started

    print(f"{len(docs)} notices, {pages} pages")
    print(f"  whole job path: {ours:7.2f} s  {pages / ours:6.2f} pages/s")
    print(f"  bare WeasyPrint:{bare:7.2f} s  {pages / bare:6.2f} pages/s")
    print(f"  ratio (ours / bare, goal ≥ 90 %): {bare / ours * 100:.1f} %")
    print(f"  a household's own file: median {statistics.median(own_sizes) / 1024:.0f} KB, "
          f"max {max(own_sizes) / 1024:.0f} KB (goal ≤ 150 KB per page)")
    live.close()


if __name__ == "__main__":
    with tempfile.TemporaryDirectory():
        main()
