"""Translation cache and the user's edited translations.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "translation_cache",
        sa.Column("model_key", sa.String, nullable=False),
        sa.Column("options", sa.String, nullable=False),
        sa.Column("source_hash", sa.String(64), nullable=False),
        sa.Column("translation", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("model_key", "options", "source_hash"),
    )
    op.create_table(
        "translation_edits",
        sa.Column("document_hash", sa.String(64), nullable=False),
        sa.Column("target_language", sa.String(16), nullable=False),
        sa.Column("block_index", sa.Integer, nullable=False),
        sa.Column("sentence_index", sa.Integer, nullable=False),
        sa.Column("source_hash", sa.String(64), nullable=False),
        sa.Column("translation", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "document_hash", "target_language", "block_index", "sentence_index", "source_hash"
        ),
    )


def downgrade() -> None:
    op.drop_table("translation_edits")
    op.drop_table("translation_cache")
