"""one row per webhook attempt, for the endpoint's log; endpoint secrets sealed

The secrets already stored are sealed with the app's SECRET_KEY, as new ones are
(briefs.rules.tokens.seal); downgrading opens them again.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 01:40:00
"""
from alembic import op
import sqlalchemy as sa
from flask import current_app

from briefs.rules.tokens import seal, unseal


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


ENDPOINTS = sa.table(
    'webhook_endpoint', sa.column('id', sa.Integer()), sa.column('secret', sa.String())
)


def _rewrite_secrets(change):
    """Rewrite each endpoint's secret with `change`, one row at a time."""
    bind = op.get_bind()
    for row in bind.execute(sa.select(ENDPOINTS.c.id, ENDPOINTS.c.secret)).all():
        bind.execute(
            ENDPOINTS.update().where(ENDPOINTS.c.id == row.id).values(secret=change(row.secret))
        )


def upgrade():
    with op.batch_alter_table('webhook_endpoint', schema=None) as batch_op:
        batch_op.alter_column(
            'secret', existing_type=sa.String(length=100), type_=sa.String(length=300)
        )
    key = current_app.config['SECRET_KEY']
    _rewrite_secrets(
        lambda secret: seal(secret, key) if secret.startswith('whsec_') else secret
    )
    op.create_table(
        'webhook_attempt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('endpoint_id', sa.Integer(), nullable=False),
        sa.Column('delivery_id', sa.Integer(), nullable=False),
        sa.Column('attempted_at', sa.DateTime(), nullable=False),
        sa.Column('status_code', sa.Integer(), nullable=True),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('duration_ms', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['delivery_id'], ['webhook_delivery.id'],
            name=op.f('fk_webhook_attempt_delivery_id_webhook_delivery'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['endpoint_id'], ['webhook_endpoint.id'],
            name=op.f('fk_webhook_attempt_endpoint_id_webhook_endpoint'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_attempt')),
    )
    with op.batch_alter_table('webhook_attempt', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_webhook_attempt_delivery_id'), ['delivery_id'], unique=False
        )
        batch_op.create_index('ix_webhook_attempt_endpoint', ['endpoint_id', 'id'], unique=False)


def downgrade():
    key = current_app.config['SECRET_KEY']
    _rewrite_secrets(lambda secret: unseal(secret, key) or secret)
    with op.batch_alter_table('webhook_endpoint', schema=None) as batch_op:
        batch_op.alter_column(
            'secret', existing_type=sa.String(length=300), type_=sa.String(length=100)
        )
    with op.batch_alter_table('webhook_attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_webhook_attempt_endpoint')
        batch_op.drop_index(batch_op.f('ix_webhook_attempt_delivery_id'))
    op.drop_table('webhook_attempt')
