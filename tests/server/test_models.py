"""Money is integer fen in the database: no column of any table is a float (STYLE.md habit 5)."""
import logging

import sqlalchemy as sa

import server.models  # noqa: F401  (registers every table on the metadata, whatever ran first)
from server.extensions import db


def test_no_column_anywhere_is_a_float():
    floats = [f"{t.name}.{c.name}" for t in db.metadata.sorted_tables for c in t.columns
              if isinstance(c.type, sa.Float)]
    assert floats == []


def test_every_money_column_is_a_big_integer_of_fen():
    money = [(t.name, c) for t in db.metadata.sorted_tables for c in t.columns if c.name.endswith("_fen")]
    assert money, "the bill and payment tables hold *_fen columns"
    assert all(isinstance(c.type, sa.BigInteger) for _, c in money), [f"{t}.{c.name}" for t, c in money]


def test_areas_and_prices_are_exact_decimals():
    for table, column in (("bill", "area_m2"), ("bill", "price_yuan"), ("household", "area_m2"),
                          ("rate_rule", "price_yuan")):
        col = db.metadata.tables[table].columns[column]
        assert isinstance(col.type, sa.Numeric) and col.type.asdecimal and not isinstance(col.type, sa.Float)


def test_the_migrations_build_exactly_the_schema_the_models_describe(app):
    """Alembic's own comparison of the migrated database with the models finds nothing to change: a model
    edited without a migration (or a migration without its model) fails here, on each engine."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_bill_pages_keep_room_for_the_updates_every_payment_makes(app):
    """PostgreSQL: bill's fillfactor, from the model and from migration 0005 alike (Alembic's comparison
    above does not look at storage parameters)."""
    from server.models.billing import BILL_FILLFACTOR

    assert db.metadata.tables["bill"].dialect_options["postgresql"]["with"] == {"fillfactor": BILL_FILLFACTOR}
    if db.engine.dialect.name == "postgresql":  # the migrated test database; SQLite has no such setting
        options = db.session.execute(sa.text("SELECT reloptions FROM pg_class WHERE relname = 'bill'")).scalar()
        assert options == [f"fillfactor={BILL_FILLFACTOR}"]


def test_making_the_engine_logs_no_warning(app, caplog):
    """The engine's JSON serializer (config.JSON_TEXT) is a plain callable object: psycopg logs "using a
    closure in a dumps/loads function may cause a resource leak" for a closure, once per engine made
    (each worker, each CLI command)."""
    with app.app_context():
        with caplog.at_level(logging.DEBUG, logger="psycopg"):
            engine = sa.create_engine(db.engine.url, **app.config["SQLALCHEMY_ENGINE_OPTIONS"])
            with engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
            engine.dispose()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_household_ids_are_uuid7s_that_grow_in_the_order_they_are_made():
    """Even within one millisecond: one building's households, made one after another, are neighbours in
    every index keyed by household (models/base.py new_id)."""
    import uuid

    from server.models.base import new_id

    ids = [new_id() for _ in range(5000)]  # far more than one millisecond's 4096 counter values
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    parsed = uuid.UUID(ids[0])
    assert (parsed.version, parsed.variant) == (7, uuid.RFC_4122) and str(parsed) == ids[0]
    # the first 48 bits are the time it was made, in Unix milliseconds
    import time
    assert abs(int(ids[-1].replace("-", "")[:12], 16) - time.time() * 1000) < 60_000


def test_the_demo_lays_households_out_in_address_order_and_bills_a_season_at_a_time(app):
    """The physical order a database that lived through the seasons would have (server/demo.py)."""
    from server.models import Bill, Building, Household

    order = db.session.execute(sa.select(Household.id).join(Building).order_by(
        Building.id, Household.unit, sa.func.length(Household.room), Household.room)).scalars().all()
    assert order == sorted(order)
    seasons = db.session.execute(sa.select(Bill.season_id).order_by(Bill.id)).scalars().all()
    assert seasons == sorted(seasons)


def test_every_demo_households_area_is_within_the_contracts_45_to_180_square_metres(app):
    """PROTOCOL.md, Demo data contract: "areas 45–180 m²", the shops on ground floors too."""
    from server.models import Household

    low, high, shops = db.session.execute(sa.select(
        sa.func.min(Household.area_m2), sa.func.max(Household.area_m2),
        sa.func.count().filter(Household.category == "non_residential"))).one()
    assert 45 <= low and high <= 180 and shops > 0
