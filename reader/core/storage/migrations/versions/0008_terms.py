"""The glossary the translation obeys, each document's abbreviation expansion switches, and
which model input a cached translation is of (`translation_cache.terms_key`: NULL, the
sentence as it is, for every existing row).

Revision ID: 0008
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("translation_cache", sa.Column("terms_key", sa.String(64), nullable=True))
    op.create_table(
        "glossary_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_language", sa.String(16), nullable=False),
        sa.Column("target_language", sa.String(16), nullable=False),
        sa.Column("source", sa.String, nullable=False),
        sa.Column("target", sa.String, nullable=True),
        sa.Column("case_sensitive", sa.Boolean, nullable=False),
        sa.Column("accent_sensitive", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("source_language", "target_language", "source"),
    )
    op.create_table(
        "document_term_settings",
        sa.Column("document_hash", sa.String(64), primary_key=True),
        sa.Column("expand_abbreviations", sa.Boolean, nullable=False),
    )
    op.create_table(
        "disabled_abbreviations",
        sa.Column("document_hash", sa.String(64), primary_key=True),
        sa.Column("abbreviation", sa.String, primary_key=True),
    )


def downgrade() -> None:
    with op.batch_alter_table("translation_cache") as batch:
        batch.drop_column("terms_key")
    op.drop_table("disabled_abbreviations")
    op.drop_table("document_term_settings")
    op.drop_table("glossary_entries")
