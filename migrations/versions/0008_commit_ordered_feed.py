"""a commit-ordered change feed

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 14:00:00.000000

Hand-written. The pull feed served changes below pg_snapshot_xmin, which is cluster-wide: one
long transaction anywhere on the server (another database, a big import) held every phone's
feed back for as long as it ran. Each writing transaction now takes a feed position as it
commits (sync_commit, under a short advisory lock; server/sync/changes.py) and the feed orders
by (position, seq). Transactions already in the feed get positions in txid order, which is the
order the old feed served them in, so no change is skipped or served twice across the switch
(cursors are versioned: every phone takes one fresh snapshot after the upgrade anyway).
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sync_commit',
        sa.Column('pos', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), primary_key=True),
        sa.Column('txid', sa.BigInteger(), nullable=False),
        sa.Column('committed_at', sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint('txid', name='uq_sync_commit_txid'),
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            'INSERT INTO sync_commit (txid, committed_at) '
            'SELECT txid, max(created_at) FROM sync_change WHERE txid IS NOT NULL '
            'GROUP BY txid ORDER BY txid'
        )


def downgrade():
    op.drop_table('sync_commit')
