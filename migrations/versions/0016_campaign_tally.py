"""campaign tally: the roll-call board's counts per campaign and grid

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 09:10:00.000000

Hand-written: the board counted every target of a campaign on each refresh; now every change to
a campaign's targets recounts its grid into campaign_tally, and the board reads those rows.
Existing campaigns are counted once here.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'campaign_tally',
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('grid_id', sa.Integer(), nullable=False),
        sa.Column('community_id', sa.Integer(), nullable=False),
        sa.Column('targets', sa.Integer(), nullable=False),
        sa.Column('unanswered', sa.Integer(), nullable=False),
        sa.Column('reached', sa.Integer(), nullable=False),
        sa.Column('no_answer', sa.Integer(), nullable=False),
        sa.Column('relocate', sa.Integer(), nullable=False),
        sa.Column('assist', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_campaign_tally_campaign_id_campaign')),
        sa.ForeignKeyConstraint(['grid_id'], ['grid.id'], name=op.f('fk_campaign_tally_grid_id_grid')),
        sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_campaign_tally_community_id_community')),
        sa.PrimaryKeyConstraint('campaign_id', 'grid_id', name=op.f('pk_campaign_tally')),
    )
    op.execute(
        """
        INSERT INTO campaign_tally
            (campaign_id, grid_id, community_id, targets, unanswered, reached, no_answer, relocate, assist)
        SELECT campaign_id, grid_id, MIN(community_id), COUNT(*),
               SUM(CASE WHEN answer IS NULL THEN 1 ELSE 0 END),
               SUM(CASE WHEN answer = 'reached' THEN 1 ELSE 0 END),
               SUM(CASE WHEN answer = 'no_answer' THEN 1 ELSE 0 END),
               SUM(CASE WHEN answer = 'relocate' THEN 1 ELSE 0 END),
               SUM(CASE WHEN answer = 'assist' THEN 1 ELSE 0 END)
        FROM campaign_target
        WHERE status <> 'cancelled'
        GROUP BY campaign_id, grid_id
        """
    )


def downgrade():
    op.drop_table('campaign_tally')
