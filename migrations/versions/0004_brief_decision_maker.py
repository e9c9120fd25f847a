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
    # A table of its own, not a column on brief: on SQLite a new reference on brief means
    # copying the table, and dropping the old copy would cascade to every brief's events.
    op.create_table('brief_decision_maker',
    sa.Column('brief_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['brief_id'], ['brief.id'], name=op.f('fk_brief_decision_maker_brief_id_brief'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_brief_decision_maker_contact_id_contact'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('brief_id', name=op.f('pk_brief_decision_maker'))
    )


def downgrade():
    op.drop_table('brief_decision_maker')
