"""the matching index: blocking keys and term-frequency values per source record, the model per entity

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

LONG_TEXT = sa.Text().with_variant(mysql.LONGTEXT(), 'mysql', 'mariadb')  # TEXT stops at 64 KB on MariaDB


revision = '0007'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('match_keys',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('entity', sa.String(length=10), nullable=False),
    sa.Column('rule', sa.String(length=32), nullable=False),
    sa.Column('value', sa.String(length=255), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('source_key', sa.String(length=255), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_match_keys_value', 'match_keys', ['entity', 'rule', 'value'])
    op.create_index('ix_match_keys_record', 'match_keys', ['entity', 'source', 'source_key'])
    op.create_table('match_models',
    sa.Column('entity', sa.String(length=10), nullable=False),
    sa.Column('model', LONG_TEXT, nullable=False),
    sa.Column('run_id', sa.String(length=64), nullable=False),
    sa.Column('settings', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('entity')
    )


def downgrade() -> None:
    op.drop_table('match_models')
    op.drop_index('ix_match_keys_record', table_name='match_keys')
    op.drop_index('ix_match_keys_value', table_name='match_keys')
    op.drop_table('match_keys')
