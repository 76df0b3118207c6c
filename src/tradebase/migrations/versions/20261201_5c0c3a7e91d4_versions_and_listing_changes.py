"""optimistic concurrency: a version on every editable table; listing change numbers from a
sequence and the writing transaction on each features row

Revision ID: 5c0c3a7e91d4
Revises: 79a6c9dc8162
Create Date: 2026-12-01 23:20:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '5c0c3a7e91d4'
down_revision: Union[str, Sequence[str], None] = '79a6c9dc8162'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# Every table a user edits (registry/models.py:Versioned).
VERSIONED = (
    'bases', 'designations', 'enterprises', 'products', 'key_enterprises', 'key_projects',
    'indicator_facts', 'docking_requests', 'docking_enquiries', 'cooperation_intentions',
    'docking_orders', 'capacity_offers', 'procurement_rounds', 'procurement_materials',
    'procurement_needs', 'procurement_quotes',
)


def upgrade() -> None:
    """Upgrade schema."""
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column('version', sa.Integer(), server_default='1', nullable=False)
            )
    with op.batch_alter_table('listing_features', schema=None) as batch_op:
        batch_op.add_column(sa.Column('txid', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.create_index(batch_op.f('ix_listing_features_txid'), ['txid'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        # Change numbers continue after the counter's (docking/sync.py); the counter row no
        # longer orders writers on PostgreSQL.
        op.execute("CREATE SEQUENCE listing_changes")
        op.execute(
            "SELECT setval('listing_changes', GREATEST(1, (SELECT COALESCE(MAX(version), 0) "
            "FROM index_versions) + 1), false)"
        )


def downgrade() -> None:
    """Downgrade schema."""
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            "UPDATE index_versions SET version = (SELECT last_value FROM listing_changes) "
            "WHERE name = 'listings'"
        )
        op.execute("DROP SEQUENCE listing_changes")
    with op.batch_alter_table('listing_features', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_listing_features_txid'))
        batch_op.drop_column('txid')
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
