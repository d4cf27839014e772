"""Annotations, their tags, and the full-text search index over blocks and notes.

The FTS5 tables hold *folded* text (see `reader.core.notes.search.fold`), which needs Python, so
SQL triggers only queue changed rows in `search_pending`; the index catches up before each search.
Deletions need no folding and are applied by the triggers at once (also on cascades).
On PostgreSQL the index tables hold the folded words as a `tsvector` (GIN-indexed), and the same
triggers are written in PL/pgSQL.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_SQLITE_SEARCH_SQL = [
    # Every query word is a prefix ("viet" finds "việt", "vietnam"): prefix indexes of 2-4
    # letters answer short prefixes directly instead of merging every word that starts so
    # (3-20x faster on common words, measured by bench/notes_scale.py).
    "CREATE VIRTUAL TABLE search_blocks USING fts5("
    "text, tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3 4')",
    "CREATE VIRTUAL TABLE search_notes USING fts5("
    "note, quote, tags, tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3 4')",
    "CREATE TABLE search_pending (kind TEXT NOT NULL, item_id INTEGER NOT NULL, "
    "PRIMARY KEY (kind, item_id)) WITHOUT ROWID",
    # blocks: the FTS rowid is blocks.id
    "CREATE TRIGGER search_blocks_insert AFTER INSERT ON blocks BEGIN "
    "INSERT OR IGNORE INTO search_pending VALUES ('block', new.id); END",
    "CREATE TRIGGER search_blocks_update AFTER UPDATE OF text ON blocks BEGIN "
    "DELETE FROM search_blocks WHERE rowid = old.id; "
    "INSERT OR IGNORE INTO search_pending VALUES ('block', new.id); END",
    "CREATE TRIGGER search_blocks_delete AFTER DELETE ON blocks BEGIN "
    "DELETE FROM search_blocks WHERE rowid = old.id; "
    "DELETE FROM search_pending WHERE kind = 'block' AND item_id = old.id; END",
    # annotations: the FTS rowid is annotations.id
    "CREATE TRIGGER search_notes_insert AFTER INSERT ON annotations BEGIN "
    "INSERT OR IGNORE INTO search_pending VALUES ('note', new.id); END",
    "CREATE TRIGGER search_notes_update AFTER UPDATE OF note, exact, translation_exact "
    "ON annotations BEGIN "
    "DELETE FROM search_notes WHERE rowid = old.id; "
    "INSERT OR IGNORE INTO search_pending VALUES ('note', new.id); END",
    "CREATE TRIGGER search_notes_delete AFTER DELETE ON annotations BEGIN "
    "DELETE FROM search_notes WHERE rowid = old.id; "
    "DELETE FROM search_pending WHERE kind = 'note' AND item_id = old.id; END",
    "CREATE TRIGGER search_tags_insert AFTER INSERT ON annotation_tags BEGIN "
    "DELETE FROM search_notes WHERE rowid = new.annotation_id; "
    "INSERT OR IGNORE INTO search_pending VALUES ('note', new.annotation_id); END",
    "CREATE TRIGGER search_tags_delete AFTER DELETE ON annotation_tags BEGIN "
    "DELETE FROM search_notes WHERE rowid = old.annotation_id; "
    "INSERT OR IGNORE INTO search_pending VALUES ('note', old.annotation_id); END",
    # documents already in the library get indexed by the first search
    "INSERT INTO search_pending SELECT 'block', id FROM blocks",
]

# The same queue and index on PostgreSQL: `words` is what `search.fold` made of the text, as a
# tsvector of those exact words (their positions kept for ranking), never re-parsed by the server.
_POSTGRESQL_SEARCH_SQL = [
    "CREATE TABLE search_blocks (id INTEGER PRIMARY KEY, words TSVECTOR NOT NULL)",
    "CREATE INDEX ix_search_blocks_words ON search_blocks USING GIN (words)",
    "CREATE TABLE search_notes (id INTEGER PRIMARY KEY, words TSVECTOR NOT NULL)",
    "CREATE INDEX ix_search_notes_words ON search_notes USING GIN (words)",
    "CREATE TABLE search_pending (kind TEXT NOT NULL, item_id INTEGER NOT NULL, "
    "PRIMARY KEY (kind, item_id))",
    # TG_ARGV: the kind queued, and the column of the row that names the block or note.
    """CREATE FUNCTION search_queue() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        old_item INTEGER := (to_jsonb(OLD) ->> TG_ARGV[1])::INTEGER;
        new_item INTEGER := (to_jsonb(NEW) ->> TG_ARGV[1])::INTEGER;
    BEGIN
        IF old_item IS NOT NULL THEN  -- updated or deleted: its indexed words are stale
            IF TG_ARGV[0] = 'block' THEN
                DELETE FROM search_blocks WHERE id = old_item;
            ELSE
                DELETE FROM search_notes WHERE id = old_item;
            END IF;
        END IF;
        IF new_item IS NOT NULL THEN
            INSERT INTO search_pending VALUES (TG_ARGV[0], new_item) ON CONFLICT DO NOTHING;
        ELSIF TG_ARGV[1] = 'id' THEN  -- the block or note itself is gone
            DELETE FROM search_pending WHERE kind = TG_ARGV[0] AND item_id = old_item;
        ELSE  -- a tag removed: its note is indexed again
            INSERT INTO search_pending VALUES (TG_ARGV[0], old_item) ON CONFLICT DO NOTHING;
        END IF;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER search_blocks_queue AFTER INSERT OR UPDATE OF text OR DELETE ON blocks "
    "FOR EACH ROW EXECUTE FUNCTION search_queue('block', 'id')",
    "CREATE TRIGGER search_notes_queue AFTER INSERT OR DELETE "
    "OR UPDATE OF note, exact, translation_exact ON annotations "
    "FOR EACH ROW EXECUTE FUNCTION search_queue('note', 'id')",
    "CREATE TRIGGER search_tags_queue AFTER INSERT OR DELETE ON annotation_tags "
    "FOR EACH ROW EXECUTE FUNCTION search_queue('note', 'annotation_id')",
    "INSERT INTO search_pending SELECT 'block', id FROM blocks",
]


def upgrade() -> None:
    op.create_table(
        "annotations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column(
            "document_id",
            sa.Integer,
            sa.ForeignKey("documents.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("side", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("colour", sa.String(16), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("block_index", sa.Integer, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("doc_start", sa.Integer, nullable=False),
        sa.Column("doc_end", sa.Integer, nullable=False),
        sa.Column("exact", sa.Text, nullable=False),
        sa.Column("prefix", sa.Text, nullable=False),
        sa.Column("suffix", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("sentence_index", sa.Integer, nullable=True),
        sa.Column("translation_start", sa.Integer, nullable=True),
        sa.Column("translation_end", sa.Integer, nullable=True),
        sa.Column("translation_exact", sa.Text, nullable=True),
        sa.Column("translation_prefix", sa.Text, nullable=True),
        sa.Column("translation_suffix", sa.Text, nullable=True),
        sa.Column("translation_origin", sa.String, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_annotations_document_position", "annotations", ["document_id", "doc_start"])
    op.create_table(
        "annotation_tags",
        sa.Column(
            "annotation_id",
            sa.Integer,
            sa.ForeignKey("annotations.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("tag", sa.String, primary_key=True),
    )
    op.create_index("ix_annotation_tags_tag", "annotation_tags", ["tag"])
    for statement in _search_sql():
        op.execute(statement)


def _search_sql() -> list[str]:
    dialect = op.get_bind().dialect.name
    return _POSTGRESQL_SEARCH_SQL if dialect == "postgresql" else _SQLITE_SEARCH_SQL


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE IF EXISTS search_pending, search_notes, search_blocks")
        op.drop_table("annotation_tags")  # their triggers go with them
        op.drop_table("annotations")
        op.execute("DROP TRIGGER IF EXISTS search_blocks_queue ON blocks")
        op.execute("DROP FUNCTION IF EXISTS search_queue()")
        return
    for trigger in (
        "search_blocks_insert",
        "search_blocks_update",
        "search_blocks_delete",
        "search_notes_insert",
        "search_notes_update",
        "search_notes_delete",
        "search_tags_insert",
        "search_tags_delete",
    ):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    for table in ("search_pending", "search_notes", "search_blocks"):
        op.execute(f"DROP TABLE IF EXISTS {table}")
    op.drop_table("annotation_tags")
    op.drop_table("annotations")
