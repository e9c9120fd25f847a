"""an index for every foreign key and every column a page filters or sorts on

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 22:30:00

Without them the client list counted each client's briefs and contacts by scanning the
whole table (3.8 s at 10,000 briefs), and deleting a user, contact or field scanned every
table that points at it. tests/test_indexes.py keeps every foreign key indexed.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

#: (index name, table, columns), one per foreign key that had none, plus page filters.
INDEXES = [
    ('ix_answer_author_user_id', 'answer', ['author_user_id']),
    ('ix_brief_client_id_created_at', 'brief', ['client_id', 'created_at']),
    ('ix_brief_created_by_id', 'brief', ['created_by_id']),
    ('ix_brief_decision_maker_id', 'brief', ['decision_maker_id']),
    ('ix_brief_status', 'brief', ['status']),
    ('ix_brief_template_id', 'brief', ['template_id']),
    ('ix_brief_field_answer_user_id', 'brief_field', ['answer_user_id']),
    ('ix_brief_field_section_id', 'brief_field', ['section_id']),
    ('ix_brief_recipient_contact_id', 'brief_recipient', ['contact_id']),
    ('ix_brief_section_brief_id', 'brief_section', ['brief_id']),
    ('ix_comment_author_user_id', 'comment', ['author_user_id']),
    ('ix_comment_field_id', 'comment', ['field_id']),
    ('ix_client_name', 'client', ['name']),
    ('ix_contact_client_id', 'contact', ['client_id']),
    ('ix_event_actor_user_id', 'event', ['actor_user_id']),
    ('ix_event_field_id', 'event', ['field_id']),
    ('ix_handover_contact_id', 'handover', ['contact_id']),
    ('ix_handover_created_by_user_id', 'handover', ['created_by_user_id']),
    ('ix_message_client_id', 'message', ['client_id']),
    ('ix_recipient_link_contact_id', 'recipient_link', ['contact_id']),
    ('ix_review_field_id', 'review', ['field_id']),
    ('ix_review_user_id', 'review', ['user_id']),
    ('ix_template_field_section_id', 'template_field', ['section_id']),
    ('ix_template_section_template_id', 'template_section', ['template_id']),
    ('ix_upload_field_id', 'upload', ['field_id']),
]


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
