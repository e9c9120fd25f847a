"""a brief's own decision-maker

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 20:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    # On SQLite this copies the brief table; env.py turns foreign keys off for the copy, so
    # dropping the old table does not cascade to the briefs' events, answers and fields.
    with op.batch_alter_table('brief', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision_maker_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_brief_decision_maker_id_contact'),
            'contact', ['decision_maker_id'], ['id'], ondelete='SET NULL',
        )


def downgrade():
    with op.batch_alter_table('brief', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_brief_decision_maker_id_contact'), type_='foreignkey')
        batch_op.drop_column('decision_maker_id')
