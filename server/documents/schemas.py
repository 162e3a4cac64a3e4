"""Documents and jobs wire format (PROTOCOL.md, Clerk and admin API)."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema


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


class JobOut(Schema):
    id = fields.String()
    kind = fields.String()
    state = fields.String()  # queued | running | done | failed
    done = fields.Integer()
    total = fields.Integer()
    result = fields.Dict(allow_none=True)
    created_at = fields.String()
    finished_at = fields.String(allow_none=True)
    file = fields.String(allow_none=True)


documents_in, job_created, job_out = DocumentsIn(), JobCreated(), JobOut()
