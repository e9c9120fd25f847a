"""brief.page_version: raised by every change to what the client's form shows

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30 02:30:00

The client's page is rendered once per version of its brief and reused until the next
change (briefs.client_form.page_cache); briefs.page_versions raises the number in the
transaction of each change. Existing briefs start at 0: no process holds a page of them yet
when the migration runs, and a restart empties every process's pages.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('brief') as batch_op:
        batch_op.add_column(sa.Column('page_version', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('brief') as batch_op:
        batch_op.drop_column('page_version')
