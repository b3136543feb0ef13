"""initial CRM schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

LONG_TEXT = sa.Text().with_variant(mysql.LONGTEXT(), 'mysql', 'mariadb')  # TEXT stops at 64 KB on MariaDB


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('companies',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('legal_name', sa.String(length=500), nullable=True),
    sa.Column('inn', sa.String(length=12), nullable=True),
    sa.Column('kpp', sa.String(length=9), nullable=True),
    sa.Column('ogrn', sa.String(length=15), nullable=True),
    sa.Column('type', sa.String(length=16), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('address', sa.String(length=1000), nullable=True),
    sa.Column('city', sa.String(length=200), nullable=True),
    sa.Column('website', sa.String(length=500), nullable=True),
    sa.Column('manager', sa.String(length=500), nullable=True),
    sa.Column('note', LONG_TEXT, nullable=True),
    sa.Column('extra', LONG_TEXT, nullable=True),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['merged_into_id'], ['companies.id'], ),
    sa.ForeignKeyConstraint(['parent_id'], ['companies.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_companies_inn'), ['inn'], unique=False)

    op.create_table('migration_runs',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('config_name', sa.String(length=200), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('dry_run', sa.Boolean(), nullable=False),
    sa.Column('records_read', sa.Integer(), nullable=True),
    sa.Column('quarantined', sa.Integer(), nullable=True),
    sa.Column('companies_created', sa.Integer(), nullable=True),
    sa.Column('companies_updated', sa.Integer(), nullable=True),
    sa.Column('companies_unchanged', sa.Integer(), nullable=True),
    sa.Column('companies_merged', sa.Integer(), nullable=True),
    sa.Column('companies_deleted', sa.Integer(), nullable=True),
    sa.Column('contacts_created', sa.Integer(), nullable=True),
    sa.Column('contacts_updated', sa.Integer(), nullable=True),
    sa.Column('contacts_unchanged', sa.Integer(), nullable=True),
    sa.Column('contacts_merged', sa.Integer(), nullable=True),
    sa.Column('contacts_deleted', sa.Integer(), nullable=True),
    sa.Column('review_pairs', sa.Integer(), nullable=True),
    sa.Column('error', LONG_TEXT, nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('quarantine',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('run_id', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('source_key', sa.String(length=255), nullable=False),
    sa.Column('entity', sa.String(length=10), nullable=False),
    sa.Column('origin', sa.String(length=300), nullable=True),
    sa.Column('reasons', LONG_TEXT, nullable=False),
    sa.Column('payload', LONG_TEXT, nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('quarantine', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quarantine_run_id'), ['run_id'], unique=False)

    op.create_table('source_links',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('entity', sa.String(length=10), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('source_key', sa.String(length=255), nullable=False),
    sa.Column('crm_id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.String(length=64), nullable=False),
    sa.Column('origin', sa.String(length=300), nullable=True),
    sa.Column('record_hash', sa.String(length=64), nullable=True),
    sa.Column('payload', LONG_TEXT, nullable=True),
    sa.Column('warnings', LONG_TEXT, nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('entity', 'source', 'source_key', name='uq_source_links_record')
    )
    with op.batch_alter_table('source_links', schema=None) as batch_op:
        batch_op.create_index('ix_source_links_crm', ['entity', 'crm_id'], unique=False)

    op.create_table('contacts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=True),
    sa.Column('full_name', sa.String(length=500), nullable=True),
    sa.Column('last_name', sa.String(length=200), nullable=True),
    sa.Column('first_name', sa.String(length=200), nullable=True),
    sa.Column('middle_name', sa.String(length=200), nullable=True),
    sa.Column('gender', sa.String(length=1), nullable=True),
    sa.Column('position', sa.String(length=500), nullable=True),
    sa.Column('note', LONG_TEXT, nullable=True),
    sa.Column('extra', LONG_TEXT, nullable=True),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], ),
    sa.ForeignKeyConstraint(['merged_into_id'], ['contacts.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contacts_company_id'), ['company_id'], unique=False)

    op.create_table('contact_companies',
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], ),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], ),
    sa.PrimaryKeyConstraint('contact_id', 'company_id')
    )
    op.create_table('emails',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], ),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('emails', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_emails_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_emails_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_emails_email'), ['email'], unique=False)

    op.create_table('phones',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('e164', sa.String(length=16), nullable=True),
    sa.Column('extension', sa.String(length=20), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=True),
    sa.Column('raw', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], ),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('phones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_phones_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_phones_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_phones_e164'), ['e164'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('phones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_phones_e164'))
        batch_op.drop_index(batch_op.f('ix_phones_contact_id'))
        batch_op.drop_index(batch_op.f('ix_phones_company_id'))

    op.drop_table('phones')
    with op.batch_alter_table('emails', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_emails_email'))
        batch_op.drop_index(batch_op.f('ix_emails_contact_id'))
        batch_op.drop_index(batch_op.f('ix_emails_company_id'))

    op.drop_table('emails')
    op.drop_table('contact_companies')
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contacts_company_id'))

    op.drop_table('contacts')
    with op.batch_alter_table('source_links', schema=None) as batch_op:
        batch_op.drop_index('ix_source_links_crm')

    op.drop_table('source_links')
    with op.batch_alter_table('quarantine', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quarantine_run_id'))

    op.drop_table('quarantine')
    op.drop_table('migration_runs')
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_companies_inn'))

    op.drop_table('companies')
