"""per-record versions of 1C elements for incremental sync

Revision ID: 0006
Revises: 0003
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

LONG_TEXT = sa.Text().with_variant(mysql.LONGTEXT(), 'mysql', 'mariadb')  # TEXT stops at 64 KB on MariaDB


revision = '0006'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sync_versions',
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('catalog', sa.String(length=100), nullable=False),
    sa.Column('ref_key', sa.String(length=64), nullable=False),
    sa.Column('data_version', sa.String(length=64), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('element', LONG_TEXT, nullable=False),
    sa.Column('run_id', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('source', 'catalog', 'ref_key')
    )


def downgrade() -> None:
    op.drop_table('sync_versions')
