"""review decisions, undo journal, sync state

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

LONG_TEXT = sa.Text().with_variant(mysql.LONGTEXT(), 'mysql', 'mariadb')  # TEXT stops at 64 KB on MariaDB


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('change_journal',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('run_id', sa.String(length=64), nullable=False),
    sa.Column('table_name', sa.String(length=32), nullable=False),
    sa.Column('op', sa.String(length=6), nullable=False),
    sa.Column('row_key', LONG_TEXT, nullable=False),
    sa.Column('before_row', LONG_TEXT, nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('change_journal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_journal_run_id'), ['run_id'], unique=False)

    op.create_table('match_decisions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('entity', sa.String(length=10), nullable=False),
    sa.Column('left_source', sa.String(length=64), nullable=False),
    sa.Column('left_key', sa.String(length=255), nullable=False),
    sa.Column('right_source', sa.String(length=64), nullable=False),
    sa.Column('right_key', sa.String(length=255), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.Column('reviewer', sa.String(length=200), nullable=True),
    sa.Column('comment', LONG_TEXT, nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('entity', 'left_source', 'left_key', 'right_source', 'right_key', name='uq_match_decisions_pair')
    )
    op.create_table('review_pairs',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('run_id', sa.String(length=64), nullable=False),
    sa.Column('entity', sa.String(length=10), nullable=False),
    sa.Column('left_source', sa.String(length=64), nullable=False),
    sa.Column('left_key', sa.String(length=255), nullable=False),
    sa.Column('right_source', sa.String(length=64), nullable=False),
    sa.Column('right_key', sa.String(length=255), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('reasons', LONG_TEXT, nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('review_pairs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_pairs_run_id'), ['run_id'], unique=False)

    op.create_table('sync_state',
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('synced_at', sa.DateTime(), nullable=False),
    sa.Column('run_id', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('source')
    )


def downgrade() -> None:
    op.drop_table('sync_state')
    with op.batch_alter_table('review_pairs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_pairs_run_id'))

    op.drop_table('review_pairs')
    op.drop_table('match_decisions')
    with op.batch_alter_table('change_journal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_journal_run_id'))

    op.drop_table('change_journal')
