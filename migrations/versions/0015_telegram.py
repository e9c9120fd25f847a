"""telegram bot, teammates' links and telegram messages

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 01:40:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'telegram_bot',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_sealed', sa.Text(), nullable=False),
        sa.Column('username', sa.String(length=64), nullable=False),
        sa.Column('update_offset', sa.BigInteger(), nullable=False),
        sa.Column('connected_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_telegram_bot')),
    )
    op.create_table(
        'telegram_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=True),
        sa.Column('code_expires_at', sa.DateTime(), nullable=True),
        sa.Column('chat_id', sa.BigInteger(), nullable=True),
        sa.Column('linked_at', sa.DateTime(), nullable=True),
        sa.Column('broken_at', sa.DateTime(), nullable=True),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['user.id'],
            name=op.f('fk_telegram_link_user_id_user'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_telegram_link')),
        sa.UniqueConstraint('user_id', name=op.f('uq_telegram_link_user_id')),
    )
    with op.batch_alter_table('telegram_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_telegram_link_code_hash'), ['code_hash'], unique=False)
    op.create_table(
        'telegram_message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('chat_id', sa.BigInteger(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
        sa.Column('claimed_by', sa.String(length=40), nullable=False),
        sa.Column('lease_until', sa.DateTime(), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['message_id'], ['message.id'],
            name=op.f('fk_telegram_message_message_id_message'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['user.id'],
            name=op.f('fk_telegram_message_user_id_user'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_telegram_message')),
        sa.UniqueConstraint(
            'message_id', 'user_id', name=op.f('uq_telegram_message_message_id')
        ),
    )
    with op.batch_alter_table('telegram_message', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_telegram_message_message_id'), ['message_id'], unique=False
        )
        batch_op.create_index(batch_op.f('ix_telegram_message_user_id'), ['user_id'], unique=False)
        batch_op.create_index(
            'ix_telegram_message_due', ['status', 'next_attempt_at'], unique=False
        )


def downgrade():
    with op.batch_alter_table('telegram_message', schema=None) as batch_op:
        batch_op.drop_index('ix_telegram_message_due')
        batch_op.drop_index(batch_op.f('ix_telegram_message_user_id'))
        batch_op.drop_index(batch_op.f('ix_telegram_message_message_id'))
    op.drop_table('telegram_message')
    with op.batch_alter_table('telegram_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_telegram_link_code_hash'))
    op.drop_table('telegram_link')
    op.drop_table('telegram_bot')
