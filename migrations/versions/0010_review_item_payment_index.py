"""index review items by payment

A pull lists, for each payment it shows, the review decisions on it (server/sync_api/records.py). Without an
index on review_item.payment_id that was a join the planner could only run as a scan of every review item
(or, driven from the payments, a scan of the recent journal): one lookup per shown payment instead.
A push writes a review item only for a flagged operation, so the index costs the push little.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 14:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_review_item_payment_id', 'review_item', ['payment_id'])


def downgrade():
    op.drop_index('ix_review_item_payment_id', table_name='review_item')
