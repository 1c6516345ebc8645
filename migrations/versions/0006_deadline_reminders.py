"""deadline reminders

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 09:00:00.000000

Hand-written: when the "deadline near" push went out for a case's current dispatch and for a
task (server/cases/reminders.py); the sweep claims a row by setting it, so it is sent once.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deadline_reminded_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_column('reminded_at')

    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_column('deadline_reminded_at')
