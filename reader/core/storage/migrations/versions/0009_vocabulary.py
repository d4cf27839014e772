"""The reader's vocabulary: words and phrases saved with their sentence, its translation, the
dictionary's entry and the document they came from.

A word outlives its document: deleting the document clears `document_id` and keeps `source`
(the title it had), so a deck exported later still says where the word was met.

Revision ID: 0009
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vocabulary",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("word", sa.Text, nullable=False),
        sa.Column("definition", sa.Text, nullable=False, server_default=""),
        sa.Column("sentence", sa.Text, nullable=False, server_default=""),
        sa.Column("translation", sa.Text, nullable=False, server_default=""),
        sa.Column(
            "document_id",
            sa.Integer,
            sa.ForeignKey("documents.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("source", sa.Text, nullable=False, server_default=""),
        sa.Column("language", sa.String(16), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_vocabulary_document", "vocabulary", ["document_id"])


def downgrade() -> None:
    op.drop_index("ix_vocabulary_document", table_name="vocabulary")
    op.drop_table("vocabulary")
