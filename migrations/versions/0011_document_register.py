"""The document register: each document's own file, template version, state and deliveries (issue 15)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 18:00:00

A lawyer letter made before this revision is a draft still (nobody could sign one); a notice is issued.
Documents made before it have no file of their own: the first GET of their file renders it from the snapshot
they were printed from and keeps it, so every later GET gives those bytes.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("document") as batch:
        batch.add_column(sa.Column("file_name", sa.String(length=80), nullable=True))
        batch.add_column(sa.Column("template_version", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("state", sa.String(length=10), nullable=False, server_default="issued"))
        batch.add_column(sa.Column("delivered_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("signed_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("signed_by", sa.Integer(), sa.ForeignKey("user.id", name="fk_document_signed_by"),
                                   nullable=True))
    op.execute("UPDATE document SET state = 'draft' WHERE kind = 'lawyer_letter'")
    op.create_index("ix_document_state_kind", "document", ["kind", "state"])
    op.create_table(
        "document_delivery",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("document.id"), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("delivered_on", sa.Date(), nullable=False),
        sa.Column("recipient", sa.String(length=50), nullable=True),
        sa.Column("refused", sa.Boolean(), nullable=False),
        sa.Column("proof_sha256", sa.String(length=64), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("recorded_by", sa.Integer(), sa.ForeignKey("user.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_document_delivery_document_id", "document_delivery", ["document_id"])
    with op.batch_alter_table("collection_action") as batch:
        batch.add_column(sa.Column("proof_sha256", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("document_id", sa.Integer(),
                                   sa.ForeignKey("document.id", name="fk_collection_action_document_id"), nullable=True))


def downgrade():
    with op.batch_alter_table("collection_action") as batch:
        batch.drop_column("document_id")
        batch.drop_column("proof_sha256")
    op.drop_index("ix_document_delivery_document_id", table_name="document_delivery")
    op.drop_table("document_delivery")
    op.drop_index("ix_document_state_kind", table_name="document")
    with op.batch_alter_table("document") as batch:
        for c in ("signed_by", "signed_at", "delivered_on", "state", "template_version", "file_name"):
            batch.drop_column(c)
