"""Admin wire format: devices and assignments."""
from marshmallow import Schema, fields, validate

from ..schemas_util import PageArgs


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
    user_name = fields.String(allow_none=True)
    outbox_depth = fields.Integer(allow_none=True, metadata={
        "description": "operations left on the phone after its last push, as it reported them; null: never said"})


class DevicesArgs(PageArgs):
    silent_hours = fields.Integer(load_default=None, validate=validate.Range(min=1, max=24 * 366), metadata={
        "description": "only phones silent this long with work pending (outbox left, or a seq gap)"})


class DeviceList(Schema):
    items = fields.List(fields.Nested(DeviceOut))
    total = fields.Integer()


assignments_in, assignments_out, device_out = AssignmentsIn(), AssignmentsOut(), DeviceOut()
devices_args, device_list = DevicesArgs(), DeviceList()
