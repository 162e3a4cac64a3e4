"""day close, documents and jobs

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('day_close',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('posted_on', sa.Date(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('cash_fen', sa.BigInteger(), nullable=False),
    sa.Column('by_method', sa.JSON(), nullable=False),
    sa.Column('cash_counted_fen', sa.BigInteger(), nullable=True),
    sa.Column('over_short_fen', sa.BigInteger(), nullable=True),
    sa.Column('deposit_ref', sa.String(length=80), nullable=True),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('closed_by', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['closed_by'], ['user.id'], name=op.f('fk_day_close_closed_by_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_day_close')),
    sa.UniqueConstraint('posted_on', name=op.f('uq_day_close_posted_on'))
    )
    op.create_table('job',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('file_name', sa.String(length=80), nullable=True),
    sa.Column('file_sha256', sa.String(length=64), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_job_created_by_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job'))
    )
    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=True),
    sa.Column('household_id', sa.String(length=36), nullable=False),
    sa.Column('season_id', sa.String(length=9), nullable=False),
    sa.Column('job_id', sa.String(length=36), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_document_created_by_user')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_document_household_id_household')),
    sa.ForeignKeyConstraint(['job_id'], ['job.id'], name=op.f('fk_document_job_id_job')),
    sa.ForeignKeyConstraint(['season_id'], ['season.id'], name=op.f('fk_document_season_id_season')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document')),
    sa.UniqueConstraint('number', name=op.f('uq_document_number'))
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index('ix_document_household_kind', ['household_id', 'kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_job_id'), ['job_id'], unique=False)


def downgrade():
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_job_id'))
        batch_op.drop_index('ix_document_household_kind')
    op.drop_table('document')
    op.drop_table('job')
    op.drop_table('day_close')
