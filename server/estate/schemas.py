"""The estate on the wire."""
from marshmallow import Schema, fields, validate


class EstateBuilding(Schema):
    id = fields.Integer()
    name = fields.String()
    units = fields.Integer()
    households = fields.Integer()


class ProjectOut(Schema):
    id = fields.Integer()
    name = fields.String()
    collection_mode = fields.String()
    property_company = fields.String(allow_none=True)
    heat_source = fields.String()
    buildings = fields.List(fields.Nested(EstateBuilding))


class ProjectList(Schema):
    items = fields.List(fields.Nested(ProjectOut))
    total = fields.Integer()


class GridArgs(Schema):
    season = fields.String(load_default=None, validate=validate.Regexp(r"^\d{4}-\d{4}$"))


class GridOut(Schema):
    building = fields.Dict()
    season = fields.String(allow_none=True)
    floors = fields.List(fields.Dict())


project_list, grid_args, grid_out = ProjectList(), GridArgs(), GridOut()
