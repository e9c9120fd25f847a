"""stored files: upload bytes kept in the database when UPLOAD_STORAGE=database

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 23:50:00

Several app servers then see the same files without a shared disk.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stored_file",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_stored_file")),
    )


def downgrade():
    op.drop_table("stored_file")
