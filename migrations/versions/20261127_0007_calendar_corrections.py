"""calendar corrections: revision of a loaded year, running periods of an assignment's clock

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 14:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('calendar_years', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revision', sa.Integer(), nullable=False, server_default='1'))
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('clock_periods', sa.JSON(), nullable=True))
    # A clock that never stopped has no finished period; others keep their recorded elapsed time.
    op.execute("UPDATE assignments SET clock_periods = '[]' "
               "WHERE clock_started_at IS NOT NULL AND clock_elapsed_seconds = 0")


def downgrade() -> None:
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_column('clock_periods')
    with op.batch_alter_table('calendar_years', schema=None) as batch_op:
        batch_op.drop_column('revision')
