"""cash_handover: each collector's cash counted on the day (交款), and the close's snapshot of them

A hand-over is one row per collector and posting date; a correction is a new row with the next seq, so the
first count stays (issue 14, item 1). day_close.handovers keeps each collector's figures as they stood when
the day was closed, and day_close.entry_states the states of its entries then (item 3: a closed day reprints
as it was closed).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 18:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "cash_handover",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("posted_on", sa.Date(), nullable=False),
        sa.Column("collector_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("expected_cash_fen", sa.BigInteger(), nullable=False),
        sa.Column("counted_fen", sa.BigInteger(), nullable=False),
        sa.Column("over_short_fen", sa.BigInteger(), nullable=False),
        sa.Column("slip_no", sa.String(length=80), nullable=True),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["collector_id"], ["user.id"], name=op.f("fk_cash_handover_collector_id_user")),
        sa.ForeignKeyConstraint(["corrects_id"], ["cash_handover.id"],
                                name=op.f("fk_cash_handover_corrects_id_cash_handover")),
        sa.ForeignKeyConstraint(["recorded_by"], ["user.id"], name=op.f("fk_cash_handover_recorded_by_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cash_handover")),
        sa.UniqueConstraint("posted_on", "collector_id", "seq", name=op.f("uq_cash_handover_posted_on")),
    )
    with op.batch_alter_table("day_close") as batch:
        batch.add_column(sa.Column("handovers", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("entry_states", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("day_close") as batch:
        batch.drop_column("entry_states")
        batch.drop_column("handovers")
    op.drop_table("cash_handover")
