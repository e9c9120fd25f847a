"""a session version per user, so sign-out and a new password end old cookies

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 22:30:00

Cookies name a user as "id:version" from now on; cookies issued before this upgrade name
only the id and are refused, so everyone signs in once more after it.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('session_version', sa.Integer(), server_default='0', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_version')
