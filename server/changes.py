"""Recording changes: the change log that pulls read and the audit log (DESIGN.md inv. 4, 7)."""
import re
from operator import itemgetter

import sqlalchemy as sa

from .extensions import db
from .models import AuditLog, ChangeLog, Meta, utcnow

# One writer at a time draws change_seq values, so they are committed in the order they were drawn and
# a pull never skips a row committed late with a smaller number. SQLite gets this from BEGIN IMMEDIATE.
_WRITER_LOCK = 7_100_417


def _fresh_transaction():
    """End what the request read so far (sign-in checks), so the next transaction starts as we ask."""
    if db.session().in_transaction():
        db.session.commit()


def begin_write():
    """Start a writing transaction: the write lock on SQLite, the change-log lock on PostgreSQL."""
    _fresh_transaction()
    conn = db.session.connection(execution_options={"writer": True})
    if conn.dialect.name == "postgresql":
        # Durable before answered (issue 11), whatever the server's default: a phone drops from its outbox
        # what a push acknowledged. (SQLite: synchronous=FULL on every connection, server/extensions.py.)
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_WRITER_LOCK}); SET LOCAL synchronous_commit TO on")
    return conn


def begin_snapshot():
    """Start a read transaction that sees one snapshot for all its queries (a pull page)."""
    _fresh_transaction()
    if db.engine.dialect.name == "postgresql":
        return db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    return db.session.connection()


_PLANS: dict = {}


class EncodedJSON(str):
    """A JSON column's value that is already JSON text (made from text the caller had built anyway):
    insert_rows stores it as it is instead of encoding it again."""


def _json_processor(proc, dialect):
    """The JSON column's own processor, but text already encoded passes through, and an empty list
    (most flags) is encoded once."""
    if dialect.name == "postgresql":
        from psycopg.types.json import Json

        def encoded(text):
            return Json(text, dumps=str)
    else:
        encoded = str
    empty = proc([])

    def process(value):
        if value.__class__ is EncodedJSON:
            return encoded(value)
        if value.__class__ is list and not value:
            return empty
        return proc(value)
    return process


def _plan(dialect, key, statement, keys: tuple):
    """How to run `statement` for rows with these keys: SQL, parameter order, fixed values, processors."""
    plan = _PLANS.get((id(dialect), key, keys))
    if plan is None:
        compiled = statement.compile(dialect=dialect, column_keys=list(keys), for_executemany=True)
        fixed = {}  # values the rows do not carry: Python-side column defaults, literals of the statement
        for col in getattr(compiled, "insert_prefetch", ()):
            if col.key not in keys:
                if col.default is None or not (col.default.is_scalar or col.default.is_callable):
                    raise ValueError(f"{col}: no value and no Python default")
                fixed[col.key] = col.default
        names = tuple(compiled.positiontup) if compiled.positional else tuple(compiled.binds)
        procs = []  # (position, name, processor, memoise): dates repeat within a batch, JSON is unhashable
        for i, name in enumerate(names):
            bind = compiled.binds[name]
            if name not in keys and name not in fixed:
                fixed[name] = bind.effective_value
            proc = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if proc is not None and isinstance(bind.type, sa.JSON):
                proc = _json_processor(proc, dialect)
            if proc is not None:
                procs.append((i, name, proc, isinstance(bind.type, (sa.DateTime, sa.Date))))
        plan = _PLANS[(id(dialect), key, keys)] = (str(compiled), names, procs, fixed, compiled.positional,
                                                   _copy_plan(dialect, statement, str(compiled)))
    return plan


_NAMED = re.compile(r"%\((\w+)\)s")


def _copy_plan(dialect, statement, sql: str):
    """PostgreSQL: the rows of an INSERT go in by COPY, not one statement per row (psycopg's executemany
    pipelines them, but the server still runs each on its own: half of a push there). Returns
    (COPY statement, the columns in its order) or None."""
    if dialect.name != "postgresql" or not isinstance(statement, sa.sql.dml.Insert):
        return None
    # Only a plain INSERT: COPY knows nothing of ON CONFLICT (device_seq's) or RETURNING.
    if getattr(statement, "_post_values_clause", None) is not None or statement._returning:
        return None
    head, sep, values = sql.partition(" VALUES ")
    if not sep or not head.startswith("INSERT INTO ") or " ON CONFLICT " in values or " RETURNING " in values:
        return None
    return "COPY " + head[len("INSERT INTO "):] + " FROM STDIN", tuple(_NAMED.findall(values))


def _run(conn, plan, rows: list[dict]):
    sql, names, procs, fixed, positional, copy_plan = plan
    if fixed:
        rows = [dict(r) for r in rows]
        for name, value in fixed.items():
            if isinstance(value, sa.schema.ColumnDefault):
                for r in rows:
                    r[name] = value.arg if value.is_scalar else value.arg(None)
            else:
                for r in rows:
                    r[name] = value
    if positional:
        get = itemgetter(*names)
        params = [get(r) for r in rows] if len(names) > 1 else [(r[names[0]],) for r in rows]
        if procs:
            columns = list(zip(*params))  # column by column: map() of each processor runs in C
            for i, _name, proc, memo in procs:
                if memo:
                    done = {v: proc(v) for v in set(columns[i])}
                    columns[i] = list(map(done.__getitem__, columns[i]))
                else:
                    columns[i] = list(map(proc, columns[i]))
            params = list(zip(*columns))
    else:
        params = [dict(r) for r in rows] if procs and not fixed else rows
        for _i, name, proc, _memo in procs:
            for p in params:
                p[name] = proc(p[name])
        if copy_plan is not None and len(params) > 1:
            copy_sql, order = copy_plan
            get = itemgetter(*order)
            dbapi_error = conn.dialect.loaded_dbapi.Error
            try:
                with conn.connection.driver_connection.cursor() as cursor, cursor.copy(copy_sql) as copy:
                    for p in params:
                        copy.write_row(get(p) if len(order) > 1 else (p[order[0]],))
            except dbapi_error as e:
                # As SQLAlchemy raises it for its own statements (IntegrityError for a taken op_id, …), so the
                # caller's handling (push: decide again, or apply op by op) is the same for both paths.
                raise sa.exc.DBAPIError.instance(copy_sql, None, e, dbapi_error, dialect=conn.dialect) from e
            return
    conn.exec_driver_sql(sql, params)


def execute_rows(statement, rows: list[dict]):
    """executemany of a fixed statement (a module-level constant) over plain dicts, compiled once."""
    if rows:
        conn = db.session.connection()
        _run(conn, _plan(conn.dialect, id(statement), statement, tuple(rows[0])), rows)


def insert_rows(table, rows: list[dict]):
    """executemany of INSERTs of plain dicts (COPY on PostgreSQL), each statement compiled once per process.

    The same SQL and the same stored values as `session.execute(table.insert(), rows)` (each column's own
    bind processor: JSON serialised, dates formatted as SQLAlchemy does; Python-side defaults filled), without
    SQLAlchemy's per-row parameter handling, which cost as much as SQLite's own work on a 500-op push.
    Rows are grouped by their keys, in order, as the ORM's bulk insert does: a key left out is a column left
    out (SQL NULL or its default), not None.
    """
    if not rows:
        return
    table = getattr(table, "__table__", table)
    conn = db.session.connection()
    start = 0
    while start < len(rows):
        keys = tuple(rows[start])
        end = start + 1
        while end < len(rows) and tuple(rows[end]) == keys:
            end += 1
        _run(conn, _plan(conn.dialect, table.name, table.insert(), keys), rows[start:end])
        start = end


def touch(household_ids, now=None):
    """Log a change of these households' records, in the caller's transaction. The change-log row is
    what a pull reads, and their number is the record's version (records.py)."""
    ids = sorted(set(household_ids))
    if ids:
        insert_rows(ChangeLog, [{"household_id": h, "at": now or utcnow()} for h in ids])


def audit(action, entity, entity_id, before=None, after=None, reason=None, user_id=None, now=None):
    db.session.add(AuditLog(action=action, entity=entity, entity_id=str(entity_id), before=before, after=after,
                            reason=reason, user_id=user_id, at=now or utcnow()))


def audit_rows(rows):
    insert_rows(AuditLog, rows)


def epoch() -> str:
    value = db.session.scalar(sa.select(Meta.value).where(Meta.key == "epoch"))
    return value or "0"


def rotate_epoch() -> str:
    import secrets
    value = secrets.token_hex(8)
    row = db.session.get(Meta, "epoch")
    if row is None:
        db.session.add(Meta(key="epoch", value=value))
    else:
        row.value = value
    db.session.commit()
    return value
