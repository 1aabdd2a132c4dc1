"""intake: a completion over incomplete materials records its stated reason on the assignment

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 15:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('materials_override_reason', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('materials_override_by', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('materials_override_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_column('materials_override_at')
        batch_op.drop_column('materials_override_by')
        batch_op.drop_column('materials_override_reason')
