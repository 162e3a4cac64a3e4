"""household version is read from the change log

A household's `version` is now the number of its change-log rows (DESIGN.md inv. 7 holds by
construction: every change writes one, none is deleted), so the column, which every push rewrote on
hundreds of scattered rows, goes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 19:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    # Households that never changed get a change-log row, so every record has a version (>= 1).
    op.execute("INSERT INTO change_log (household_id, at) SELECT h.id, h.created_at FROM household h "
               "WHERE NOT EXISTS (SELECT 1 FROM change_log c WHERE c.household_id = h.id) ORDER BY h.id")
    # A plain ALTER TABLE … DROP COLUMN (SQLite >= 3.35 has it): batch mode would copy the table, which
    # the foreign keys pointing at household refuse.
    op.drop_column('household', 'version')


def downgrade():
    op.add_column('household', sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
