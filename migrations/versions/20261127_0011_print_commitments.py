"""print commitments: the commitment texts (申请人签章 / 承诺) and each case's record of the applicant's agreement

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 17:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('commitment_texts',
    sa.Column('version', sa.String(length=60), nullable=False),
    sa.Column('form', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('signature_label', sa.String(length=30), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('version', name=op.f('pk_commitment_texts'))
    )
    op.create_table('case_commitments',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.String(length=60), nullable=False),
    sa.Column('text_sha256', sa.String(length=64), nullable=False),
    sa.Column('agreed_by', sa.String(length=30), nullable=False),
    sa.Column('agreed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('channel', sa.String(length=30), nullable=False),
    sa.Column('identity_verification', sa.String(length=30), nullable=False),
    sa.Column('notice_sha256', sa.String(length=64), nullable=False),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_commitments_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version'], ['commitment_texts.version'], name=op.f('fk_case_commitments_version_commitment_texts')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_commitments'))
    )


def downgrade() -> None:
    op.drop_table('case_commitments')
    op.drop_table('commitment_texts')
