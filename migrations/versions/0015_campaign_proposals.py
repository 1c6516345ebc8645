"""campaign proposals: campaign_proposal

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 09:00:00.000000

A street's decision on a festival proposal (优抚 visits at 春节 / 八一): one row per street and
proposal, so a proposal is confirmed or dismissed once.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'campaign_proposal',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('street_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=40), nullable=False),
        sa.Column('festival', sa.String(length=20), nullable=False),
        sa.Column('festival_date', sa.Date(), nullable=False),
        sa.Column('decision', sa.String(length=10), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=True),
        sa.Column('decided_by', sa.Integer(), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['street_id'], ['street.id'], name=op.f('fk_campaign_proposal_street_id_street')),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_campaign_proposal_campaign_id_campaign')),
        sa.ForeignKeyConstraint(['decided_by'], ['user.id'], name=op.f('fk_campaign_proposal_decided_by_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_proposal')),
        sa.UniqueConstraint('street_id', 'key', name='uq_campaign_proposal_street_key'),
    )


def downgrade():
    op.drop_table('campaign_proposal')
