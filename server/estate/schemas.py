"""The estate on the wire."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema


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


class ProjectIn(Schema):
    """A new project (小区). Collected by a property company (物业代收, DOMAIN.md §6): name the company.
    Its collection target is set with the targets (OFFICE.md, PUT /admin/targets), not here."""
    name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    collection_mode = fields.String(load_default="self", validate=validate.OneOf(["self", "property_agent"]))
    property_company = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=80))
    heat_source = fields.String(load_default="city_network", validate=validate.OneOf(["city_network", "gas_boiler"]))
    pricing_mode = fields.String(load_default="area", validate=validate.OneOf(["area", "metered"]))
    district = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
    region = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))

    @validates_schema
    def _agent_named(self, data, **kwargs):
        if data.get("collection_mode") == "property_agent" and not data.get("property_company"):
            raise ValidationError("a project collected by a property company names it", "property_company")


class BuildingIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=20))


project_list, grid_args, grid_out = ProjectList(), GridArgs(), GridOut()
project_in, project_out, building_in, building_out = ProjectIn(), ProjectOut(), BuildingIn(), EstateBuilding()
