"""POST /api/v1/imports/households, GET /api/v1/imports/households/template (admin)."""
from flask import Blueprint, Response, current_app, g, request
from marshmallow import ValidationError

from .. import spreadsheet
from ..auth.service import authenticate
from ..errors import ApiError, wants_english
from ..openapi import BODIES, EXTRA
from . import schemas as s
from . import service, template

bp = Blueprint("imports", __name__, url_prefix="/api/v1/imports")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_BYTES = 10 * 1024 * 1024  # IMPORT_MAX_BYTES: the file; the multipart framing around it comes on top
_FRAMING = 64 * 1024


@bp.post("/households")
@authenticate("admin")
def households():
    """Check or import a register of households (.xlsx or .csv): a report of every bad cell."""
    limit = current_app.config.get("IMPORT_MAX_BYTES", MAX_BYTES)
    if (request.content_length or 0) > limit + _FRAMING:
        raise ApiError("file_too_large", {"max_bytes": limit})
    request.max_content_length = limit + _FRAMING
    try:
        mode = s.import_args.load({"mode": request.form.get("mode") or request.args.get("mode") or "check"})["mode"]
    except ValidationError as e:
        raise ApiError("validation_failed", {"fields": e.messages}) from None
    upload = request.files.get("file")
    if upload is None:
        raise ApiError("validation_failed", {"fields": {"file": ["a file is required (multipart field 'file')"]}})
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ApiError("file_too_large", {"max_bytes": limit})
    report, status = service.import_households(upload.filename or "", data, mode, g.user.id, wants_english())
    return s.import_report.dump(report), status


@bp.get("/households/template")
@authenticate("clerk", "admin")
def households_template():
    """The empty register to fill in: the columns an import reads, and what each may hold."""
    return Response(spreadsheet.workbook_bytes(template.tables()), mimetype=XLSX,
                    headers={"Content-Disposition": "attachment; filename=\"households-template.xlsx\"; "
                                                    "filename*=UTF-8''%E4%BD%8F%E6%88%B7%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"})


EXTRA.update({
    "imports.households": (None, None, s.ImportReport, 200),
    "imports.households_template": (None, None, None, 200),
})
BODIES["imports.households"] = s.UPLOAD
