"""household.opened_on: the day a flat's heat was opened (开通, OFFICE.md "A household's life")

A new project's flats are not billed until opened; the bill of the season they open in counts from this day.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 11:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('household') as batch_op:
        batch_op.add_column(sa.Column('opened_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('household') as batch_op:
        batch_op.drop_column('opened_on')
