"""a digest of each record's after-image, so that a re-load compares 8 bytes instead of its JSON

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ('companies', 'contacts'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('loaded_hash', sa.BigInteger(), nullable=True))


def downgrade() -> None:
    for table in ('contacts', 'companies'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('loaded_hash')
