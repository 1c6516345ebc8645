"""ledger imports

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 17:10:00.000000

Hand-written: one row per ledger file imported from Excel or CSV (issue 13 §1). The file itself
lies in the instance folder under its SHA-256; the register is written only by the commit.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'ledger_import',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('file_sha256', sa.String(length=64), nullable=False),
        sa.Column('file_name', sa.String(length=200), nullable=False),
        sa.Column('file_format', sa.String(length=10), nullable=False),
        sa.Column('size_bytes', sa.Integer(), nullable=False),
        sa.Column('uploaded_by', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('header_row', sa.Integer(), nullable=True),
        sa.Column('headers', sa.JSON(), nullable=True),
        sa.Column('mapping', sa.JSON(), nullable=True),
        sa.Column('samples', sa.JSON(), nullable=True),
        sa.Column('report', sa.JSON(), nullable=True),
        sa.Column('rejected', sa.JSON(), nullable=True),
        sa.Column('counts', sa.JSON(), nullable=True),
        sa.Column('error', sa.String(length=500), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('committed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['uploaded_by'], ['user.id'], name=op.f('fk_ledger_import_uploaded_by_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_import')),
    )
    with op.batch_alter_table('ledger_import', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_import_file_sha256'), ['file_sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_import_uploaded_by'), ['uploaded_by'], unique=False)
    # A ledger import matches residents by ID number.
    # Plain CREATE INDEX, not a batch copy: resident keeps its triggers (migration 0009).
    op.create_index(op.f('ix_resident_id_number'), 'resident', ['id_number'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_resident_id_number'), table_name='resident')
    with op.batch_alter_table('ledger_import', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_import_uploaded_by'))
        batch_op.drop_index(batch_op.f('ix_ledger_import_file_sha256'))
    op.drop_table('ledger_import')
