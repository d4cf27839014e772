"""Each sentence's source hash, so that translation progress is one SQL query.

`sentences.source_hash` is the SHA-256 (hex) of the sentence's text, `blocks.text[start:end]`:
the key of its machine translations in `translation_cache` and part of the key of the user's
edits in `translation_edits`. Existing sentences are hashed here, in chunks (SQLite has no
SHA-256), then the column becomes NOT NULL: a sentence written without its hash would silently
count as untranslated.

Revision ID: 0004
Revises: 0003
"""

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_CHUNK = 5000


def upgrade() -> None:
    op.add_column("sentences", sa.Column("source_hash", sa.String(64), nullable=True))
    connection = op.get_bind()
    last_id = 0
    while True:
        rows = connection.execute(
            sa.text(
                'SELECT s.id, b.text, s.start, s."end" FROM sentences AS s'
                " JOIN blocks AS b ON b.id = s.block_id"
                " WHERE s.id > :last_id ORDER BY s.id LIMIT :chunk"
            ),
            {"last_id": last_id, "chunk": _CHUNK},
        ).all()
        if not rows:
            break
        connection.execute(
            sa.text("UPDATE sentences SET source_hash = :digest WHERE id = :id"),
            [
                {"id": id_, "digest": hashlib.sha256(text[start:end].encode("utf-8")).hexdigest()}
                for id_, text, start, end in rows
            ],
        )
        last_id = rows[-1][0]
    with op.batch_alter_table("sentences", recreate=_recreate()) as batch:
        batch.alter_column("source_hash", existing_type=sa.String(64), nullable=False)


def _recreate() -> str:
    """SQLite cannot alter a column: the table is rebuilt. PostgreSQL alters it in place."""
    return "auto" if op.get_bind().dialect.name == "postgresql" else "always"


def downgrade() -> None:
    with op.batch_alter_table("sentences", recreate=_recreate()) as batch:
        batch.drop_column("source_hash")
