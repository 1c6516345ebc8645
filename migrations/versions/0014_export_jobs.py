"""export jobs: export_job

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 09:00:00.000000

A desk export that runs in the background: the route and query it replays, its state, and the
finished file's name, type and size (the file itself lies under the instance folder).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'export_job',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('path', sa.String(length=200), nullable=False),
        sa.Column('query', sa.JSON(), nullable=False),
        sa.Column('language', sa.String(length=100), nullable=False),
        sa.Column('remote_addr', sa.String(length=64), nullable=True),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('disposition', sa.String(length=500), nullable=True),
        sa.Column('mimetype', sa.String(length=100), nullable=True),
        sa.Column('size_bytes', sa.Integer(), nullable=True),
        sa.Column('error', sa.JSON(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_export_job_user_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_export_job')),
    )
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_job_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_export_job_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_export_job_created_at'))
        batch_op.drop_index(batch_op.f('ix_export_job_user_id'))
    op.drop_table('export_job')
