"""must change password

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 14:00:00.000000

Hand-written: accounts an admin creates or whose password an admin resets must pick their own
password at the next login. Existing accounts keep working as they are (false). The user table
has no append-only triggers, so a batch copy on SQLite loses nothing.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('must_change_password', sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
