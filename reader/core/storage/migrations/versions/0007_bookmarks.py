"""Bookmarks: a place in a document the reader wants to come back to, with a label.

The place is a sentence (block and sentence index) and that sentence's exact text, so that a
bookmark is found again after the document is imported again with other text around it.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bookmarks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column(
            "document_id",
            sa.Integer,
            sa.ForeignKey("documents.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("block_index", sa.Integer, nullable=False),
        sa.Column("sentence_index", sa.Integer, nullable=False),
        sa.Column("exact", sa.Text, nullable=False),
        sa.Column("label", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_bookmarks_document", "bookmarks", ["document_id", "block_index"])


def downgrade() -> None:
    op.drop_index("ix_bookmarks_document", table_name="bookmarks")
    op.drop_table("bookmarks")
