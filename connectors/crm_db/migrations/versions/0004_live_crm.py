"""live CRM: last-loaded values, conflicts, journal after-images

Revision ID: 0004
Revises: 0006
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

LONG_TEXT = sa.Text().with_variant(mysql.LONGTEXT(), 'mysql', 'mariadb')  # TEXT stops at 64 KB on MariaDB


revision = '0004'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('conflicts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('run_id', sa.String(length=64), nullable=False),
    sa.Column('entity', sa.String(length=10), nullable=False),
    sa.Column('crm_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=64), nullable=False),
    sa.Column('crm_value', LONG_TEXT, nullable=True),
    sa.Column('source_value', LONG_TEXT, nullable=True),
    sa.Column('source_keys', LONG_TEXT, nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflicts_run_id'), ['run_id'], unique=False)
    for table in ('companies', 'contacts'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('loaded', LONG_TEXT, nullable=True))
    with op.batch_alter_table('change_journal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('after_row', LONG_TEXT, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('change_journal', schema=None) as batch_op:
        batch_op.drop_column('after_row')
    for table in ('contacts', 'companies'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('loaded')
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflicts_run_id'))
    op.drop_table('conflicts')
