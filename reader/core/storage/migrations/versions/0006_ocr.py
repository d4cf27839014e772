"""Whether a document's text was read by OCR (a scan or an image), for the library to say so.

Existing documents were all read from a text layer: false.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN, not batch mode: batch mode rebuilds the table for this NOT NULL
    # column, and dropping the old `documents` cascade-deletes every block (foreign keys are on).
    op.add_column(
        "documents", sa.Column("ocr", sa.Boolean, nullable=False, server_default=sa.false())
    )


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("ocr")
