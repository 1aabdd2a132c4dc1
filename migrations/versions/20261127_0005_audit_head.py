"""audit: chain head and signed checkpoints

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 12:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

CURSOR = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    head = op.create_table('audit_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_id', CURSOR, nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )
    op.create_table('audit_checkpoints',
    sa.Column('id', CURSOR, autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_id', CURSOR, nullable=False),
    sa.Column('token', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_checkpoints')),
    sqlite_autoincrement=True
    )
    # The head starts where the existing chain ends (or at the genesis hash when it is empty).
    last = op.get_bind().execute(sa.text('SELECT id, hash FROM audit_records ORDER BY id DESC LIMIT 1')).first()
    op.bulk_insert(head, [{'id': 1, 'last_id': last[0] if last else 0, 'last_hash': last[1] if last else '0' * 64}])


def downgrade() -> None:
    op.drop_table('audit_checkpoints')
    op.drop_table('audit_head')
