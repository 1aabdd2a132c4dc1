"""any window (无差别受理): case search keys (keyed hashes), submitCase idempotency keys, possible-duplicate override

Additive: two new tables, three nullable columns, one index. Cases taken before this revision have no search keys
until `hub search-index` has run (the embedded default runs it on start).

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-27 17:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_search_keys',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('digest', sa.String(length=32), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_search_keys_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', 'kind', 'digest', name=op.f('pk_case_search_keys'))
    )
    with op.batch_alter_table('case_search_keys', schema=None) as batch_op:
        batch_op.create_index('ix_case_search_keys_lookup', ['kind', 'digest', 'submitted_at', 'case_id'], unique=False)

    op.create_table('submission_keys',
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_submission_keys_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('subject', 'key', name=op.f('pk_submission_keys'))
    )
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index('ix_assignments_service_account', ['service', 'account_number'], unique=False)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('duplicate_override_reason', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('duplicate_override_by', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('duplicate_override_at', sa.DateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('duplicate_override_at')
        batch_op.drop_column('duplicate_override_by')
        batch_op.drop_column('duplicate_override_reason')

    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index('ix_assignments_service_account')

    op.drop_table('submission_keys')
    with op.batch_alter_table('case_search_keys', schema=None) as batch_op:
        batch_op.drop_index('ix_case_search_keys_lookup')

    op.drop_table('case_search_keys')
