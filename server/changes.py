"""Recording changes: the change log that pulls read and the audit log (DESIGN.md inv. 4, 7)."""
import sqlalchemy as sa

from .extensions import db
from .models import AuditLog, ChangeLog, Household, Meta, utcnow

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
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_WRITER_LOCK})")
    return conn


def begin_snapshot():
    """Start a read transaction that sees one snapshot for all its queries (a pull page)."""
    _fresh_transaction()
    if db.engine.dialect.name == "postgresql":
        return db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    return db.session.connection()


def touch(household_ids, bump_version=True, now=None):
    """Raise the version of these households and log the change, in the caller's transaction."""
    ids = sorted(set(household_ids))
    if not ids:
        return
    now = now or utcnow()
    if bump_version:
        for i in range(0, len(ids), 500):
            db.session.execute(sa.update(Household).where(Household.id.in_(ids[i:i + 500]))
                               .values(version=Household.version + 1))
    db.session.execute(sa.insert(ChangeLog), [{"household_id": h, "at": now} for h in ids])


def audit(action, entity, entity_id, before=None, after=None, reason=None, user_id=None, now=None):
    db.session.add(AuditLog(action=action, entity=entity, entity_id=str(entity_id), before=before, after=after,
                            reason=reason, user_id=user_id, at=now or utcnow()))


def audit_rows(rows):
    if rows:
        db.session.execute(sa.insert(AuditLog), rows)


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
