"""brief.next_due_at: when send-due next needs to look at a brief (indexed); digest_empty_on

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 23:00:00

A run used to judge every open brief each minute (31 s at 10,000 idle briefs); it now
selects only those whose next_due_at has come or is empty. Empty on every existing brief,
so the first run after the upgrade looks at all of them once and fills it in.
agency_settings.digest_empty_on: the day the daily digest was judged over every brief and
had nothing to tell, so later runs that day need not judge them all again.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('brief') as batch_op:
        batch_op.add_column(sa.Column('next_due_at', sa.DateTime(), nullable=True))
    op.create_index('ix_brief_next_due_at', 'brief', ['next_due_at'], unique=False)
    with op.batch_alter_table('agency_settings') as batch_op:
        batch_op.add_column(sa.Column('digest_empty_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('agency_settings') as batch_op:
        batch_op.drop_column('digest_empty_on')
    op.drop_index('ix_brief_next_due_at', table_name='brief')
    with op.batch_alter_table('brief') as batch_op:
        batch_op.drop_column('next_due_at')
