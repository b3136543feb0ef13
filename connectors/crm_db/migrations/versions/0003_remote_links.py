"""remote links: CRM records delivered into Bitrix24 / amoCRM

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

LONG_TEXT = sa.Text().with_variant(mysql.LONGTEXT(), 'mysql', 'mariadb')  # TEXT stops at 64 KB on MariaDB


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('remote_links',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('entity', sa.String(length=10), nullable=False),
    sa.Column('crm_id', sa.Integer(), nullable=False),
    sa.Column('crm_kind', sa.String(length=16), nullable=False),
    sa.Column('portal', sa.String(length=255), nullable=False),
    sa.Column('remote_id', sa.String(length=64), nullable=True),
    sa.Column('item_ids', LONG_TEXT, nullable=True),
    sa.Column('sent_hash', sa.String(length=64), nullable=True),
    sa.Column('pushed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('crm_kind', 'portal', 'entity', 'crm_id', name='uq_remote_links_record')
    )


def downgrade() -> None:
    op.drop_table('remote_links')
