"""brief summaries stored: counts, whose move and since when, last client activity, info due

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 01:40:00

The dashboard judged every open brief on each load (2.1 s at 10,000 briefs); it now
filters, sorts and pages over these columns, kept true before each commit by
briefs.brief_summaries. The upgrade fills them in for the existing briefs with that same
code (`refresh_all`), run over the migration's own connection; it reads only the narrow
columns it needs, so later migrations that add columns elsewhere do not disturb it.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.orm import Session


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('brief') as batch_op:
        batch_op.add_column(sa.Column('required_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('missing_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('unreviewed_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('move_side', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('move_since', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('last_client_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('info_due', sa.Date(), nullable=True))
    op.create_index('ix_brief_status_move', 'brief', ['status', 'move_side', 'move_since'], unique=False)
    op.create_index('ix_brief_status_info_due', 'brief', ['status', 'info_due'], unique=False)
    backfill()


def backfill():
    """Fill the columns of every existing brief with the code that keeps them true."""
    from briefs.brief_summaries import refresh_all
    from briefs.extensions import db

    registry = db.session.registry
    held = registry() if registry.has() else None
    session = Session(bind=op.get_bind())
    registry.set(session)
    try:
        refresh_all()
        session.flush()
    finally:
        session.close()
        if held is not None:
            registry.set(held)
        else:
            registry.clear()


def downgrade():
    op.drop_index('ix_brief_status_info_due', table_name='brief')
    op.drop_index('ix_brief_status_move', table_name='brief')
    with op.batch_alter_table('brief') as batch_op:
        batch_op.drop_column('info_due')
        batch_op.drop_column('last_client_at')
        batch_op.drop_column('move_since')
        batch_op.drop_column('move_side')
        batch_op.drop_column('unreviewed_count')
        batch_op.drop_column('missing_count')
        batch_op.drop_column('required_count')
