"""delivery claims with a lease, the moment the content was sent, status "unconfirmed"

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 22:30:00

A message in "sending" from before this revision has no lease: the next run takes it over
(only when no run of the old version is still going, i.e. after the upgrade).
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("data_sent_at", sa.DateTime(), nullable=True))
        batch_op.alter_column(
            "status",
            existing_type=sa.String(length=10),
            type_=sa.String(length=20),
            existing_nullable=False,
        )


def downgrade():
    op.execute("UPDATE message SET status = 'sent' WHERE status = 'unconfirmed'")
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.alter_column(
            "status",
            existing_type=sa.String(length=20),
            type_=sa.String(length=10),
            existing_nullable=False,
        )
        batch_op.drop_column("data_sent_at")
        batch_op.drop_column("lease_until")
