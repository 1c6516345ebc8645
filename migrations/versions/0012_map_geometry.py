"""map geometry

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-04 17:20:00.000000

Hand-written: issue 15's 一张图. Grid and community boundaries as GeoJSON text (WGS-84; no
PostGIS, so the embedded SQLite install has the same map), and each building's point with its
accuracy and source; and a case's merge suggestion (the offline duplicate hint's 「同一问题」).
The building table has no triggers, so SQLite's batch copy loses nothing.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _boundary(name: str, key: str, parent: str) -> None:
    op.create_table(
        name,
        sa.Column(key, sa.Integer(), nullable=False),
        sa.Column("geometry", sa.Text(), nullable=False),
        sa.Column("vertices", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint([key], [f"{parent}.id"], name=op.f(f"fk_{name}_{key}_{parent}")),
        sa.ForeignKeyConstraint(["updated_by"], ["user.id"], name=op.f(f"fk_{name}_updated_by_user")),
        sa.PrimaryKeyConstraint(key, name=op.f(f"pk_{name}")),
    )


def upgrade():
    _boundary("grid_boundary", "grid_id", "grid")
    _boundary("community_boundary", "community_id", "community")
    with op.batch_alter_table("building", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lat", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("lng", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("point_accuracy", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("point_source", sa.String(length=20), nullable=True))
    # Not in batch mode: SQLite adds a plain nullable column in place, so the case table keeps
    # migration 0009's triggers (a batch copy would drop them).
    op.add_column("case", sa.Column("suggested_merge_into_id", sa.Uuid(), nullable=True))


def downgrade():
    op.drop_column("case", "suggested_merge_into_id")
    with op.batch_alter_table("building", schema=None) as batch_op:
        batch_op.drop_column("point_source")
        batch_op.drop_column("point_accuracy")
        batch_op.drop_column("lng")
        batch_op.drop_column("lat")
    op.drop_table("community_boundary")
    op.drop_table("grid_boundary")
