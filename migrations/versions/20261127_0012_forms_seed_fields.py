"""seed forms: previous holder (原户主), contact (联系人), the accepting unit's fields, VAT answer, preconditions

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 17:00:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

CASE_COLUMNS = (
    ('vat_invoice_wanted', sa.Boolean()),
    ('contact_name', sa.String(length=100)),
    ('contact_phone', sa.String(length=20)),
    ('accepting_unit', sa.String(length=200)),
    ('received_by', sa.String(length=200)),
    ('acceptance_notes', sa.String(length=1000)),
    ('acceptance_opinion', sa.String(length=1000)),
)


def upgrade() -> None:
    op.create_table(
        'previous_holders',
        sa.Column('case_id', sa.Uuid(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=True),
        sa.Column('phone', sa.String(length=20), nullable=True),
        sa.Column('id_number', sa.String(length=18), nullable=True),
        sa.Column('credit_code', sa.String(length=18), nullable=True),
        sa.Column('legal_rep_name', sa.String(length=100), nullable=True),
        sa.Column('legal_rep_phone', sa.String(length=20), nullable=True),
        sa.Column('legal_rep_id_number', sa.String(length=18), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_previous_holders_case_id_cases'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('case_id', name=op.f('pk_previous_holders')),
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        for name, kind in CASE_COLUMNS:
            batch_op.add_column(sa.Column(name, kind, nullable=True))
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('preconditions', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_column('preconditions')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        for name, _ in reversed(CASE_COLUMNS):
            batch_op.drop_column(name)
    op.drop_table('previous_holders')
