"""merge explanations: why records became one (every merge with its probability and per-field weights)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

LONG_TEXT = sa.Text().with_variant(mysql.LONGTEXT(), 'mysql', 'mariadb')  # TEXT stops at 64 KB on MariaDB


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('merges',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('run_id', sa.String(length=64), nullable=False),
    sa.Column('entity', sa.String(length=10), nullable=False),
    sa.Column('left_source', sa.String(length=64), nullable=False),
    sa.Column('left_key', sa.String(length=255), nullable=False),
    sa.Column('right_source', sa.String(length=64), nullable=False),
    sa.Column('right_key', sa.String(length=255), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('reasons', LONG_TEXT, nullable=False),
    sa.Column('weights', LONG_TEXT, nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_merges_run_id', 'merges', ['run_id'])


def downgrade() -> None:
    op.drop_index('ix_merges_run_id', table_name='merges')
    op.drop_table('merges')
