"""persisted documents: the registry of GraphQL documents called by their SHA-256

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27 17:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('persisted_documents',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('document', sa.Text(), nullable=False),
    sa.Column('operation_names', sa.JSON(), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('registered_by', sa.String(length=200), nullable=False),
    sa.Column('client_name', sa.String(length=100), nullable=True),
    sa.Column('client_version', sa.String(length=50), nullable=True),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_persisted_documents'))
    )
    with op.batch_alter_table('persisted_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_persisted_documents_registered_at'), ['registered_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('persisted_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_persisted_documents_registered_at'))
    op.drop_table('persisted_documents')
