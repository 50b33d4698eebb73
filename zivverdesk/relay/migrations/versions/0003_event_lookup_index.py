"""an index for finding a recipient's events

Revision ID: 0003
Revises: 0002

Every first download of an attachment asks whether that recipient already downloaded it,
and `has_event` asks the same of other kinds; without an index each question read the whole
events table, which grows by a few rows per recipient visit.
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_events_recipient_kind", "events", ["recipient_id", "kind"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_events_recipient_kind", table_name="events")
