"""project.property_company: the property company that collects a project's fees (物业代收, DOMAIN.md §6)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 16:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("project") as batch:
        batch.add_column(sa.Column("property_company", sa.String(length=80), nullable=True))


def downgrade():
    with op.batch_alter_table("project") as batch:
        batch.drop_column("property_company")
