"""Documents and jobs wire format (PROTOCOL.md, Clerk and admin API)."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from sync.merge import posting_date

from ..models import utcnow
from ..schemas_util import PageArgs

STATES = ["draft", "signed", "issued", "delivered", "refused"]


class DocumentsIn(Schema):
    """{"season", "household_ids": [...]} or {"season", "project", "building"}."""
    season = fields.String(required=True, validate=validate.Regexp(r"^\d{4}-\d{4}$"))
    household_ids = fields.List(fields.String(validate=validate.Length(min=1, max=36)), load_default=None,
                                validate=validate.Length(min=1, max=2000))
    project = fields.String(load_default=None, validate=validate.Length(min=1, max=80))
    building = fields.String(load_default=None, validate=validate.Length(min=1, max=20))

    @validates_schema
    def one_way_to_choose(self, data, **kwargs):
        by_ids = data.get("household_ids") is not None
        by_building = data.get("project") is not None or data.get("building") is not None
        if by_ids == by_building:
            raise ValidationError("give household_ids, or project and building", "household_ids")
        if by_building and not (data.get("project") and data.get("building")):
            raise ValidationError("project and building go together", "building")


class JobCreated(Schema):
    job_id = fields.String()


class JobFile(Schema):
    household_id = fields.String(allow_none=True)  # None: the combined PDF of the whole job
    number = fields.String(allow_none=True)
    url = fields.String()


class JobOut(Schema):
    id = fields.String()
    kind = fields.String()
    state = fields.String()  # queued | running | done | failed
    done = fields.Integer()
    total = fields.Integer()
    made = fields.Integer(allow_none=True)
    skipped = fields.List(fields.Dict())  # {"household_id", "reason"}
    files = fields.List(fields.Nested(JobFile))
    result = fields.Dict(allow_none=True)
    created_at = fields.String()
    finished_at = fields.String(allow_none=True)
    file = fields.String(allow_none=True)


class JobFileArgs(Schema):
    household_id = fields.String(load_default=None, validate=validate.Length(min=1, max=36))


class RegisterArgs(PageArgs):
    kind = fields.String(load_default=None, validate=validate.OneOf(["notice", "lawyer_letter"]))
    household_id = fields.String(load_default=None, validate=validate.Length(min=1, max=36))
    state = fields.String(load_default=None, validate=validate.OneOf(STATES))


class DocumentOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    number = fields.String(allow_none=True)
    household_id = fields.String()
    household_label = fields.String(allow_none=True)  # in lists: 小区 楼号楼单元室
    season = fields.String()
    created_at = fields.String()
    sha256 = fields.String(allow_none=True)
    template_version = fields.String(allow_none=True)
    state = fields.String()
    delivered_on = fields.String(allow_none=True)
    signed_at = fields.String(allow_none=True)
    check_url = fields.String(allow_none=True)  # the public check its QR code opens (GET /d/<id>?t=)


class DocumentList(Schema):
    items = fields.List(fields.Nested(DocumentOut))
    total = fields.Integer()


class DeliveryIn(Schema):
    """A delivery as the tear-off receipt (送达回执) records it."""
    method = fields.String(required=True, validate=validate.OneOf(["in_person", "left_at_door", "post", "posted_on_door"]))
    date = fields.Date(required=True)
    recipient = fields.String(load_default=None, validate=validate.Length(min=1, max=50))
    refused = fields.Boolean(load_default=False)
    proof = fields.String(load_default=None, validate=validate.Regexp(r"^[0-9a-f]{64}$"))

    @validates_schema
    def not_ahead(self, data, **kwargs):
        if data.get("date") and data["date"] > posting_date(utcnow()):
            raise ValidationError("a delivery cannot be dated after today", "date")


documents_in, job_created, job_out = DocumentsIn(), JobCreated(), JobOut()
job_file_args, register_args, document_out, document_list, delivery_in = (
    JobFileArgs(), RegisterArgs(), DocumentOut(), DocumentList(), DeliveryIn())
