"""drop the operation indexes nothing reads

Operations are looked up by op_id only (the unique constraint that makes a push exactly once); no query
reads them by household or by (device, seq) — delivered seqs are tracked in device_seq. Each of the two
indexes cost every push a random insert per operation.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 20:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_operation_household_id', table_name='operation')
    op.drop_index('ix_operation_device_seq', table_name='operation')


def downgrade():
    op.create_index('ix_operation_device_seq', 'operation', ['device_id', 'seq'])
    op.create_index('ix_operation_household_id', 'operation', ['household_id'])
