"""Admin wire format: devices and assignments."""
from marshmallow import Schema, fields, validate


class BuildingRef(Schema):
    project = fields.String(required=True, validate=validate.Length(min=1, max=80))
    building = fields.String(required=True, validate=validate.Length(min=1, max=20))


class AssignmentsIn(Schema):
    buildings = fields.List(fields.Nested(BuildingRef), required=True)


class ProjectBuildings(Schema):
    project = fields.String()
    buildings = fields.List(fields.String())


class BuildingsOut(Schema):
    items = fields.List(fields.Nested(ProjectBuildings))


class AssignmentsOut(Schema):
    username = fields.String()
    buildings = fields.List(fields.Nested(BuildingRef))
    households = fields.Integer()


class DeviceOut(Schema):
    id = fields.String()
    code = fields.String()
    name = fields.String()
    username = fields.String()
    revoked_at = fields.String(allow_none=True)
    last_seen_at = fields.String(allow_none=True)
    device_last_seq = fields.Integer()
    seq_max = fields.Integer()
    gap = fields.Boolean()
    app_version = fields.String(allow_none=True)


assignments_in, assignments_out, device_out = AssignmentsIn(), AssignmentsOut(), DeviceOut()
