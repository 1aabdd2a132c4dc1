"""scope indexes: each role's row scope read from an index (applicant/agent by subject, utility by organisation)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 15:00:00
"""

from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('applicants', schema=None) as batch_op:
        batch_op.create_index('ix_applicants_subject_case', ['subject', 'case_id'], unique=False)
        batch_op.drop_index('ix_applicants_subject')
    with op.batch_alter_table('agents', schema=None) as batch_op:
        batch_op.create_index('ix_agents_subject_case', ['subject', 'case_id'], unique=False)
        batch_op.drop_index('ix_agents_subject')
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index('ix_assignments_org_case', ['organisation_code', 'case_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index('ix_assignments_org_case')
    with op.batch_alter_table('agents', schema=None) as batch_op:
        batch_op.create_index('ix_agents_subject', ['subject'], unique=False)
        batch_op.drop_index('ix_agents_subject_case')
    with op.batch_alter_table('applicants', schema=None) as batch_op:
        batch_op.create_index('ix_applicants_subject', ['subject'], unique=False)
        batch_op.drop_index('ix_applicants_subject_case')
