"""complaint, complaint_follow_up: the complaints archive (投诉处理档案, DOMAIN.md §7; OFFICE.md "A household's life")

A complaint is kept from opening to closing with its resolution, the owner's satisfaction and any
compensation (proposed by a clerk, approved by an admin); each follow-up (回访) beside it. A complaint or
follow-up from a phone's visit names its field record, once (unique): a replayed push never opens two.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 11:09:32

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('complaint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.String(length=36), nullable=False),
    sa.Column('category', sa.String(length=12), nullable=False),
    sa.Column('text', sa.String(length=2000), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('opened_by', sa.Integer(), nullable=True),
    sa.Column('field_record_id', sa.Integer(), nullable=True),
    sa.Column('resolution', sa.String(length=2000), nullable=True),
    sa.Column('satisfaction', sa.Integer(), nullable=True),
    sa.Column('compensation_fen', sa.BigInteger(), nullable=False),
    sa.Column('compensation_state', sa.String(length=10), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['closed_by'], ['user.id'], name=op.f('fk_complaint_closed_by_user')),
    sa.ForeignKeyConstraint(['field_record_id'], ['field_record.id'], name=op.f('fk_complaint_field_record_id_field_record')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_complaint_household_id_household')),
    sa.ForeignKeyConstraint(['opened_by'], ['user.id'], name=op.f('fk_complaint_opened_by_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint')),
    sa.UniqueConstraint('field_record_id', name=op.f('uq_complaint_field_record_id'))
    )
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.create_index('ix_complaint_household_state', ['household_id', 'state'], unique=False)

    op.create_table('complaint_follow_up',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=2000), nullable=False),
    sa.Column('satisfaction', sa.Integer(), nullable=True),
    sa.Column('by', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('field_record_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['by'], ['user.id'], name=op.f('fk_complaint_follow_up_by_user')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], name=op.f('fk_complaint_follow_up_complaint_id_complaint')),
    sa.ForeignKeyConstraint(['field_record_id'], ['field_record.id'], name=op.f('fk_complaint_follow_up_field_record_id_field_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_follow_up')),
    sa.UniqueConstraint('field_record_id', name=op.f('uq_complaint_follow_up_field_record_id'))
    )
    with op.batch_alter_table('complaint_follow_up', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_follow_up_complaint_id'), ['complaint_id'], unique=False)



def downgrade():
    with op.batch_alter_table('complaint_follow_up', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_follow_up_complaint_id'))

    op.drop_table('complaint_follow_up')
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_index('ix_complaint_household_state')

    op.drop_table('complaint')
