"""the event chain's head row and each event's position in the chain

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 22:30:00

Events chained before this were chained in id order, so their positions are their ranks
by id, and the head starts at the last of them: every existing event keeps its hashes and
the log verifies as before (a log that was already broken stays reported as broken).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'chain_head',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_chain_head')),
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_event_seq'), ['seq'])
    _carry_over_the_chain()


def _carry_over_the_chain():
    """Number the existing events in id order and start the head at the last one."""
    event = sa.table(
        'event',
        sa.column('id', sa.Integer),
        sa.column('seq', sa.Integer),
        sa.column('hash', sa.String),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(event.c.id, event.c.hash).order_by(event.c.id)).all()
    for position, (event_id, _hash) in enumerate(rows, 1):
        connection.execute(event.update().where(event.c.id == event_id).values(seq=position))
    head = sa.table(
        'chain_head', sa.column('id', sa.Integer), sa.column('seq', sa.Integer),
        sa.column('hash', sa.String),
    )
    connection.execute(
        head.insert().values(id=1, seq=len(rows), hash=rows[-1][1] if rows else '')
    )


def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_event_seq'), type_='unique')
        batch_op.drop_column('seq')
    op.drop_table('chain_head')
