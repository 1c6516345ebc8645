"""append-only logs in the database

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 09:00:00.000000

Hand-written: the audit log and the case event log were append-only in the ORM only, so a raw
UPDATE/DELETE (a console session, a bulk script, a future bug through Core) could rewrite the
evidence the KPIs and the audits stand on. Database triggers now refuse both, on SQLite and on
PostgreSQL. PostgreSQL's TRUNCATE does not fire row triggers: an operator's deliberate retention
purge stays possible, an accidental row edit does not.

A later migration that rebuilds one of these tables on SQLite (batch_alter_table copies the
table) drops its triggers and must create them again.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

TABLES = ('audit_log', 'case_event')


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            """
            CREATE FUNCTION gridwalk_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '% is append-only: rows are never changed or deleted', TG_TABLE_NAME
                    USING ERRCODE = 'restrict_violation';
            END
            $$
            """
        )
        for table in TABLES:
            op.execute(
                f'CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON "{table}" '
                'FOR EACH ROW EXECUTE FUNCTION gridwalk_refuse_change()'
            )
        return
    for table in TABLES:
        for verb in ('UPDATE', 'DELETE'):
            op.execute(
                f'CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON "{table}" '
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: rows are never changed or deleted'); END"
            )


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for table in TABLES:
            op.execute(f'DROP TRIGGER {table}_append_only ON "{table}"')
        op.execute('DROP FUNCTION gridwalk_refuse_change()')
        return
    for table in TABLES:
        for verb in ('update', 'delete'):
            op.execute(f'DROP TRIGGER {table}_no_{verb}')
