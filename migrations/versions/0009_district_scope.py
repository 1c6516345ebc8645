"""districts, and scope as SQL: street_id, coordinates and deadlines as indexed columns

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 14:00:00.000000

Hand-written. A district (区) runs many streets on one database, so:
- `district`, and `street.district_id`; a user may belong to a street or a district (admins,
  street-wide supervisors).
- case, submission, household, resident and task get an indexed `street_id`. The database keeps
  it in step with `grid_id` (triggers below, on insert and on every grid change), whoever writes
  the row: the ORM, the register's bulk inserts, a console. Existing rows are filled here.
- case and submission get numeric `lat`/`lng`, copied by triggers from the `location` JSON.
- case gets `overdue_at` (the earliest running deadline) and `remind_at` (when the handling
  light turns yellow), written by server/cases/loop.py; task.due_at gets an index.
SQLite cannot change NEW in a trigger: it updates the row just written instead.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

PLACED = ('case', 'submission', 'household', 'resident', 'task')
LOCATED = ('case', 'submission')
STREET_OF = (
    "(SELECT c.street_id FROM grid g JOIN community c ON c.id = g.community_id WHERE g.id = NEW.grid_id)"
)


def _sqlite_number(key):
    return (
        f"CASE WHEN json_type(NEW.location, '$.{key}') IN ('integer', 'real') "
        f"THEN json_extract(NEW.location, '$.{key}') END"
    )


def _pg_number(key):
    return (
        f"CASE WHEN json_typeof(NEW.location -> '{key}') = 'number' "
        f"THEN (NEW.location ->> '{key}')::double precision END"
    )


def upgrade():
    op.create_table(
        'district',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('code', sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_district')),
        sa.UniqueConstraint('code', name=op.f('uq_district_code')),
    )
    with op.batch_alter_table('street') as batch_op:
        batch_op.add_column(sa.Column('district_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_street_district_id'), ['district_id'])
        batch_op.create_foreign_key(
            batch_op.f('fk_street_district_id_district'), 'district', ['district_id'], ['id']
        )
    with op.batch_alter_table('user') as batch_op:
        batch_op.add_column(sa.Column('street_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('district_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_user_street_id'), ['street_id'])
        batch_op.create_index(batch_op.f('ix_user_district_id'), ['district_id'])
        batch_op.create_foreign_key(batch_op.f('fk_user_street_id_street'), 'street', ['street_id'], ['id'])
        batch_op.create_foreign_key(
            batch_op.f('fk_user_district_id_district'), 'district', ['district_id'], ['id']
        )
    for table in PLACED:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column('street_id', sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_street_id'), ['street_id'])
            batch_op.create_foreign_key(
                batch_op.f(f'fk_{table}_street_id_street'), 'street', ['street_id'], ['id']
            )
            if table in LOCATED:
                batch_op.add_column(sa.Column('lat', sa.Float(), nullable=True))
                batch_op.add_column(sa.Column('lng', sa.Float(), nullable=True))
            if table == 'case':
                batch_op.add_column(sa.Column('overdue_at', sa.DateTime(timezone=True), nullable=True))
                batch_op.add_column(sa.Column('remind_at', sa.DateTime(timezone=True), nullable=True))
                batch_op.create_index(batch_op.f('ix_case_overdue_at'), ['overdue_at'])
                batch_op.create_index(batch_op.f('ix_case_remind_at'), ['remind_at'])
                batch_op.create_index('ix_case_street_id_created_at', ['street_id', 'created_at'])
                batch_op.create_index('ix_case_lat_lng', ['lat', 'lng'])
            if table == 'task':
                batch_op.create_index(batch_op.f('ix_task_due_at'), ['due_at'])

    # Existing rows: their street now, then the triggers keep it so.
    for table in PLACED:
        street_of_row = STREET_OF.replace('NEW.grid_id', '"%s".grid_id' % table)
        op.execute(f'UPDATE "{table}" SET street_id = {street_of_row}')
    # A street-wide supervisor of a one-street install: that street. Admins stay unassigned
    # (the whole database), as they were.
    op.execute(
        'UPDATE "user" SET street_id = (SELECT min(id) FROM street) '
        "WHERE street_wide AND (SELECT count(*) FROM street) = 1"
    )

    if op.get_bind().dialect.name == 'postgresql':
        _postgres_triggers()
    else:
        _sqlite_triggers()
    for table in LOCATED:
        # Fire the location triggers once for the rows already there.
        op.execute(f'UPDATE "{table}" SET location = location WHERE location IS NOT NULL')
    _fill_case_deadlines()


def _postgres_triggers():
    op.execute(
        f"""
        CREATE FUNCTION gridwalk_street_of_grid() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.street_id := {STREET_OF};
            RETURN NEW;
        END
        $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION gridwalk_point_of_location() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.lat := {_pg_number('lat')};
            NEW.lng := {_pg_number('lng')};
            RETURN NEW;
        END
        $$
        """
    )
    for table in PLACED:
        op.execute(
            f'CREATE TRIGGER {table}_street BEFORE INSERT OR UPDATE OF grid_id ON "{table}" '
            'FOR EACH ROW EXECUTE FUNCTION gridwalk_street_of_grid()'
        )
    for table in LOCATED:
        op.execute(
            f'CREATE TRIGGER {table}_point BEFORE INSERT OR UPDATE OF location ON "{table}" '
            'FOR EACH ROW EXECUTE FUNCTION gridwalk_point_of_location()'
        )


def _sqlite_triggers():
    for table in PLACED:
        for name, event in (('street_insert', 'INSERT'), ('street_move', 'UPDATE OF grid_id')):
            op.execute(
                f'CREATE TRIGGER {table}_{name} AFTER {event} ON "{table}" BEGIN '
                f'UPDATE "{table}" SET street_id = {STREET_OF} WHERE rowid = NEW.rowid; END'
            )
    for table in LOCATED:
        for name, event in (('point_insert', 'INSERT'), ('point_move', 'UPDATE OF location')):
            op.execute(
                f'CREATE TRIGGER {table}_{name} AFTER {event} ON "{table}" BEGIN '
                f'UPDATE "{table}" SET lat = {_sqlite_number("lat")}, lng = {_sqlite_number("lng")} '
                'WHERE rowid = NEW.rowid; END'
            )


def _fill_case_deadlines():
    # The same rule as server/cases/loop.py running_deadline(); remind_at stays empty for cases
    # dispatched before this version (their sweep ran on the old rule and claimed them already,
    # or will see them through overdue_at).
    op.execute(
        """
        UPDATE "case" SET overdue_at = CASE
            WHEN state IN ('closed', 'voided', 'merged') THEN NULL
            WHEN state = 'dispatched' AND handled_at IS NULL AND handle_deadline IS NOT NULL
                 AND (closed_at IS NOT NULL OR close_deadline IS NULL OR handle_deadline <= close_deadline)
                THEN handle_deadline
            WHEN closed_at IS NULL THEN close_deadline
        END
        """
    )


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for table in PLACED:
            op.execute(f'DROP TRIGGER {table}_street ON "{table}"')
        for table in LOCATED:
            op.execute(f'DROP TRIGGER {table}_point ON "{table}"')
        op.execute('DROP FUNCTION gridwalk_street_of_grid()')
        op.execute('DROP FUNCTION gridwalk_point_of_location()')
    else:
        for table in PLACED:
            op.execute(f'DROP TRIGGER {table}_street_insert')
            op.execute(f'DROP TRIGGER {table}_street_move')
        for table in LOCATED:
            op.execute(f'DROP TRIGGER {table}_point_insert')
            op.execute(f'DROP TRIGGER {table}_point_move')
    for table in reversed(PLACED):
        with op.batch_alter_table(table) as batch_op:
            if table == 'task':
                batch_op.drop_index(batch_op.f('ix_task_due_at'))
            if table == 'case':
                batch_op.drop_index('ix_case_lat_lng')
                batch_op.drop_index('ix_case_street_id_created_at')
                batch_op.drop_index(batch_op.f('ix_case_remind_at'))
                batch_op.drop_index(batch_op.f('ix_case_overdue_at'))
                batch_op.drop_column('remind_at')
                batch_op.drop_column('overdue_at')
            if table in LOCATED:
                batch_op.drop_column('lng')
                batch_op.drop_column('lat')
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_street_id_street'), type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_street_id'))
            batch_op.drop_column('street_id')
    with op.batch_alter_table('user') as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_user_district_id_district'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_user_street_id_street'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_user_district_id'))
        batch_op.drop_index(batch_op.f('ix_user_street_id'))
        batch_op.drop_column('district_id')
        batch_op.drop_column('street_id')
    with op.batch_alter_table('street') as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_street_district_id_district'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_street_district_id'))
        batch_op.drop_column('district_id')
    op.drop_table('district')
