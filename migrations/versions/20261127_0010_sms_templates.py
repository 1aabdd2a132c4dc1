"""sms templates: the SMS texts loaded by `hub load-catalogue` (read from the database, like the rest of the catalogue)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 18:00:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'sms_templates',
        sa.Column('key', sa.String(length=60), nullable=False),
        sa.Column('text', sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_sms_templates')),
    )


def downgrade() -> None:
    op.drop_table('sms_templates')
