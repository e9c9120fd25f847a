"""conditions: questions and sections shown only when earlier answers say they apply

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 23:00:00

A template's sections and fields carry a condition (JSON, NULL = always shown); a brief's
copy keeps its own, so editing the template later does not change briefs already sent.
A brief field holds the effective condition: its section's and its own, joined.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

TABLES = ("template_section", "template_field", "brief_section", "brief_field")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("condition", sa.JSON(), nullable=True))


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("condition")
