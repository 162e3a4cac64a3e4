"""device.signed_out_at: a sign-out ends the token at once (issue 11)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 15:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("device") as batch:
        batch.add_column(sa.Column("signed_out_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("device") as batch:
        batch.drop_column("signed_out_at")
