"""refund: 退费 proposed, decided and paid (DOMAIN.md §1 refund formulas, §8(d) cases 6 and 9)

One row per refund with its kind, the figures it was computed from (days, area, ratio), who proposed and
who decided it and why, and once paid its method, day, receipt number (TF000001…) and journal entry. A
no-heat or low-temperature refund names the bill adjustment that lowered the bill.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 13:06:26

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'refund',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.String(length=36), nullable=False),
        sa.Column('season_id', sa.String(length=9), nullable=False),
        sa.Column('bill_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('days', sa.Integer(), nullable=True),
        sa.Column('area_m2', sa.Numeric(precision=9, scale=2), nullable=True),
        sa.Column('ratio', sa.Numeric(precision=5, scale=4), nullable=True),
        sa.Column('amount_fen', sa.BigInteger(), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('reason', sa.String(length=500), nullable=False),
        sa.Column('proposed_by', sa.Integer(), nullable=True),
        sa.Column('decided_by', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('decision_reason', sa.String(length=500), nullable=True),
        sa.Column('method', sa.String(length=12), nullable=True),
        sa.Column('paid_on', sa.Date(), nullable=True),
        sa.Column('paid_by', sa.Integer(), nullable=True),
        sa.Column('receipt_no', sa.String(length=12), nullable=True),
        sa.Column('adjustment_id', sa.Integer(), nullable=True),
        sa.Column('payment_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['adjustment_id'], ['bill_adjustment.id'], name=op.f('fk_refund_adjustment_id_bill_adjustment')),
        sa.ForeignKeyConstraint(['bill_id'], ['bill.id'], name=op.f('fk_refund_bill_id_bill')),
        sa.ForeignKeyConstraint(['decided_by'], ['user.id'], name=op.f('fk_refund_decided_by_user')),
        sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_refund_household_id_household')),
        sa.ForeignKeyConstraint(['paid_by'], ['user.id'], name=op.f('fk_refund_paid_by_user')),
        sa.ForeignKeyConstraint(['payment_id'], ['payment.id'], name=op.f('fk_refund_payment_id_payment')),
        sa.ForeignKeyConstraint(['proposed_by'], ['user.id'], name=op.f('fk_refund_proposed_by_user')),
        sa.ForeignKeyConstraint(['season_id'], ['season.id'], name=op.f('fk_refund_season_id_season')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_refund')),
        sa.UniqueConstraint('receipt_no', name=op.f('uq_refund_receipt_no'))
    )
    with op.batch_alter_table('refund', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refund_household_id'), ['household_id'], unique=False)


def downgrade():
    with op.batch_alter_table('refund', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refund_household_id'))

    op.drop_table('refund')
