"""suspension_application: the 报停 lifecycle (DOMAIN.md §2, case 3; OFFICE.md "A household's life")

An application is kept with its reason and whether it met the deadline; its approval or rejection names who
decided, when and why (and whether an admin overrode the deadline); a resumption (恢复供热) its date; and an
application a clerk accepted from a phone's vacancy claim the review item it came from.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 17:40:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("suspension_application") as batch:
        batch.add_column(sa.Column("reason", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("on_time", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("overridden", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("created_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("decided_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("decided_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("decision_reason", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("ended_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("review_item_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f("fk_suspension_application_created_by_user"), "user", ["created_by"], ["id"])
        batch.create_foreign_key(batch.f("fk_suspension_application_decided_by_user"), "user", ["decided_by"], ["id"])
        batch.create_foreign_key(batch.f("fk_suspension_application_review_item_id_review_item"), "review_item",
                                 ["review_item_id"], ["id"])


def downgrade():
    with op.batch_alter_table("suspension_application") as batch:
        batch.drop_constraint(batch.f("fk_suspension_application_review_item_id_review_item"), type_="foreignkey")
        batch.drop_constraint(batch.f("fk_suspension_application_decided_by_user"), type_="foreignkey")
        batch.drop_constraint(batch.f("fk_suspension_application_created_by_user"), type_="foreignkey")
        for name in ("review_item_id", "ended_on", "decision_reason", "decided_at", "decided_by", "created_by",
                     "overridden", "on_time", "reason"):
            batch.drop_column(name)
