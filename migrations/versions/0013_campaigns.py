"""campaigns: campaign, campaign_target, campaign_event

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-04 17:30:00.000000

Hand-written: a campaign's targets are unique per (campaign, household or resident), so launching
again adds no duplicate; a target has at most one `close` event (a partial unique index), so two
phones closing the same target offline make one close and one follow-up.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'campaign',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('street_id', sa.Integer(), nullable=False),
        sa.Column('community_id', sa.Integer(), nullable=True),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('template_key', sa.String(length=50), nullable=False),
        sa.Column('template_version', sa.Integer(), nullable=False),
        sa.Column('form_kind', sa.String(length=30), nullable=False),
        sa.Column('rule', sa.JSON(), nullable=False),
        sa.Column('mode', sa.String(length=20), nullable=False),
        sa.Column('deadline_hours', sa.Integer(), nullable=True),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('close_out_time', sa.String(length=5), nullable=False),
        sa.Column('daily_quota', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('launch_total', sa.Integer(), nullable=True),
        sa.Column('launch_done', sa.Integer(), nullable=False),
        sa.Column('launched_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('reminded_half_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('reminded_late_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_by', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['street_id'], ['street.id'], name=op.f('fk_campaign_street_id_street')),
        sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_campaign_community_id_community')),
        sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_campaign_created_by_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign')),
    )
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_street_id'), ['street_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_community_id'), ['community_id'], unique=False)

    op.create_table(
        'campaign_target',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('subject_id', sa.Uuid(), nullable=False),
        sa.Column('household_id', sa.Uuid(), nullable=False),
        sa.Column('resident_id', sa.Uuid(), nullable=True),
        sa.Column('building_id', sa.Uuid(), nullable=True),
        sa.Column('grid_id', sa.Integer(), nullable=False),
        sa.Column('community_id', sa.Integer(), nullable=False),
        sa.Column('assignee_id', sa.Integer(), nullable=True),
        sa.Column('care_tier', sa.String(length=10), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_outcome', sa.String(length=20), nullable=True),
        sa.Column('last_reason', sa.String(length=200), nullable=True),
        sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('answer', sa.String(length=20), nullable=True),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('closed_by_item', sa.Uuid(), nullable=True),
        sa.Column('follow_ups', sa.Integer(), nullable=False),
        sa.Column('cancel_reason', sa.String(length=200), nullable=True),
        sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_campaign_target_campaign_id_campaign')),
        sa.ForeignKeyConstraint(['grid_id'], ['grid.id'], name=op.f('fk_campaign_target_grid_id_grid')),
        sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_campaign_target_community_id_community')),
        sa.ForeignKeyConstraint(['assignee_id'], ['user.id'], name=op.f('fk_campaign_target_assignee_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_target')),
        sa.UniqueConstraint('campaign_id', 'subject_id', name='uq_campaign_target_subject'),
        sa.UniqueConstraint('closed_by_item', name=op.f('uq_campaign_target_closed_by_item')),
    )
    with op.batch_alter_table('campaign_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_target_household_id'), ['household_id'], unique=False)
        batch_op.create_index('ix_campaign_target_campaign_grid_status', ['campaign_id', 'grid_id', 'status'], unique=False)
        batch_op.create_index('ix_campaign_target_assignee_status', ['assignee_id', 'status'], unique=False)
        batch_op.create_index(
            'ix_campaign_target_roll_call',
            ['campaign_id', 'answer', 'care_tier', 'grid_id', 'building_id', 'id'],
            unique=False,
        )

    op.create_table(
        'campaign_event',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('target_id', sa.Uuid(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('outcome', sa.String(length=20), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('submission_id', sa.Uuid(), nullable=True),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(['target_id'], ['campaign_target.id'], name=op.f('fk_campaign_event_target_id_campaign_target')),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_campaign_event_campaign_id_campaign')),
        sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_campaign_event_author_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_event')),
    )
    with op.batch_alter_table('campaign_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_event_target_id'), ['target_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_event_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(
            'uq_campaign_event_one_close',
            ['target_id'],
            unique=True,
            sqlite_where=sa.text("kind = 'close'"),
            postgresql_where=sa.text("kind = 'close'"),
        )


def downgrade():
    op.drop_table('campaign_event')
    op.drop_table('campaign_target')
    op.drop_table('campaign')
