"""A title the user gave a document, kept apart from the imported one.

An importer's title can be wrong (a letterhead, "Contents", stale metadata); `library rename` and
the library view let the reader fix it. The fix lives in its own column so that re-importing the
file (which rewrites `title`) keeps it; NULL means "the imported title".

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("user_title", sa.String, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("user_title")
