"""Pages without the API prefix: health, the PWA at /app/, the console at /console/, the public receipt check at
/r/<receipt_no> and the public check of a notice or lawyer letter at /d/<id>."""
import gzip
from pathlib import Path

import sqlalchemy as sa
from flask import Blueprint, current_app, redirect, render_template, request, send_from_directory

from ..documents import register as documents
from ..errors import ApiError
from ..extensions import db
from ..receipts import service as receipts
from ..schemas_util import id_rule

bp = Blueprint("web", __name__)


@bp.get("/healthz")
def healthz():
    """200 once the server answers and its database is reachable."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except Exception:
        raise ApiError("service_unavailable") from None
    return {"status": "ok"}


@bp.get("/")
def root():
    return redirect("/app/")


@bp.get("/app/")
@bp.get("/app/<path:name>")
def app_shell(name="index.html"):
    """The collector's PWA, built into pwa/dist; unknown paths fall back to the shell (client routes)."""
    dist = Path(current_app.config["PWA_DIST"])
    if not (dist / "index.html").exists():
        raise ApiError("service_unavailable", {"reason": "the PWA is not built: run the README's run command"})
    target = dist / name
    if not target.is_file() or dist.resolve() not in target.resolve().parents:
        name = "index.html"
    response = send_from_directory(dist, name, max_age=0 if name in ("index.html", "sw.js") else 31536000)
    if name in ("sw.js", "index.html", "manifest.webmanifest"):
        response.headers["Cache-Control"] = "no-cache"
    return _locked_down(response)


@bp.get("/console/")
@bp.get("/console/<path:name>")
def console(name="index.html"):
    """The clerks' console, built into console/dist; client routes (/console/review?…) fall back to its shell."""
    dist = Path(current_app.config["CONSOLE_DIST"])
    if not (dist / "index.html").exists():
        raise ApiError("service_unavailable", {"reason": "the console is not built: run scripts/setup.sh"})
    target = dist / name
    if not target.is_file() or dist.resolve() not in target.resolve().parents:
        name = "index.html"
    # Hashed assets never change; the shell is checked on every load so a new build is picked up at once.
    response = send_from_directory(dist, name, max_age=0 if name == "index.html" else 31536000)
    if name == "index.html":
        response.headers["Cache-Control"] = "no-cache"
    return _locked_down(response)


# The apps run only their own files (issue 12, item 8): no inline script or style, no other origin, no frame.
# A value that slipped past escaping can then not run. Photos are shown from blob: URLs of IndexedDB.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; "
       "worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'none'")


def _locked_down(response):
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


@bp.get("/r/<receipt_no>")
def receipt(receipt_no):
    """Tell a payer, without sign-in, whether the company has recorded the payment on this receipt."""
    return render_template("receipt.html", **receipts.check(receipt_no, request.args.get("c")))


@bp.get(f"/d/{id_rule('document_id')}")
def document_check(document_id):
    """Tell a payer, without sign-in, whether a notice or lawyer letter is the company's, what of it is still
    owed and how to pay (its QR code opens this page). Unknown id or wrong token: 404, the page says so."""
    shown = documents.check(document_id, request.args.get("t"))
    return render_template("document_check.html", **shown), 200 if shown["state"] == "genuine" else 404


def init_gzip(app):
    """gzip JSON answers for phones on slow networks (a snapshot of thousands of households)."""
    @app.after_request
    def _gzip(response):
        if (response.direct_passthrough or response.status_code < 200 or response.status_code >= 300
                or not request.accept_encodings["gzip"]  # absent, or refused with q=0
                or response.mimetype != "application/json" or "Content-Encoding" in response.headers):
            return response
        data = response.get_data()
        if len(data) < 1024:
            return response
        # Level 9 for pulls (a snapshot's bytes on a slow network); level 6 elsewhere: a push answer of 500
        # results comes out the same size (15.2 KB from 109 KB) in half the time (0.75 ms instead of 1.7 ms).
        response.set_data(gzip.compress(data, 9 if request.path.endswith("/sync/pull") else 6))
        response.headers["Content-Encoding"] = "gzip"
        response.headers["Vary"] = "Accept-Encoding"
        return response
