"""each recipient's own link, and the decision-maker's status link

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 20:40:00

Existing briefs get their links lazily, when a page or a mail first needs them
(briefs.recipient_links): tokens are sealed with SECRET_KEY, which a migration should not
depend on. Until then, and afterwards too, the brief's shared link keeps working.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'recipient_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('brief_id', sa.Integer(), nullable=False),
        sa.Column('contact_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('token_sealed', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['brief_id'], ['brief.id'],
            name=op.f('fk_recipient_link_brief_id_brief'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['contact_id'], ['contact.id'],
            name=op.f('fk_recipient_link_contact_id_contact'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recipient_link')),
        sa.UniqueConstraint('brief_id', 'contact_id', name=op.f('uq_recipient_link_brief_id')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_recipient_link_token_hash')),
    )
    # On SQLite this copies the brief table; env.py turns foreign keys off for the copy.
    with op.batch_alter_table('brief', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status_token_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('status_token_sealed', sa.Text(), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f('uq_brief_status_token_hash'), ['status_token_hash']
        )


def downgrade():
    with op.batch_alter_table('brief', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_brief_status_token_hash'), type_='unique')
        batch_op.drop_column('status_token_sealed')
        batch_op.drop_column('status_token_hash')
    op.drop_table('recipient_link')
