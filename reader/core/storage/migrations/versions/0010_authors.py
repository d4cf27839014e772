"""People: each annotation's author, and notes only their author may read.

`author` is who wrote the note: on a PostgreSQL library the database role that wrote it, on a
SQLite file the user's name (`BIREADER_AUTHOR`, else the account's); existing notes are the
migrating user's. `private` notes are readable by their author only. On PostgreSQL that is
enforced by row-level security, for every client and for the owner of the tables too (FORCE),
and follows into the tags and the search index; only a role with BYPASSRLS (an administrator,
for a backup or a copy) sees them all. A trigger NOTIFYs `annotations` with the document and
annotation of every change, so that open windows show a colleague's notes at once.

Revision ID: 0010
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from reader.core.notes.models import local_author

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_VISIBLE = "NOT private OR author = current_user"
_OF_VISIBLE_NOTE = "EXISTS (SELECT 1 FROM annotations AS a WHERE a.id = {column})"

_POSTGRESQL_SQL = [
    "UPDATE annotations SET author = current_user",
    "ALTER TABLE annotations ALTER COLUMN author SET DEFAULT current_user",
    "ALTER TABLE annotations ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE annotations FORCE ROW LEVEL SECURITY",
    f"CREATE POLICY private_notes ON annotations USING ({_VISIBLE}) WITH CHECK ({_VISIBLE})",
    # A private note's tags and indexed words are as private as the note.
    "ALTER TABLE annotation_tags ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE annotation_tags FORCE ROW LEVEL SECURITY",
    "CREATE POLICY private_notes ON annotation_tags USING ({0}) WITH CHECK ({0})".format(
        _OF_VISIBLE_NOTE.format(column="annotation_id")
    ),
    "ALTER TABLE search_notes ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE search_notes FORCE ROW LEVEL SECURITY",
    "CREATE POLICY private_notes ON search_notes USING ({0}) WITH CHECK ({0})".format(
        _OF_VISIBLE_NOTE.format(column="search_notes.id")
    ),
    """CREATE FUNCTION annotations_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        changed annotations := COALESCE(NEW, OLD);
    BEGIN
        PERFORM pg_notify('annotations', json_build_object(
            'document', changed.document_id, 'annotation', changed.id)::text);
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER annotations_notify AFTER INSERT OR UPDATE OR DELETE ON annotations "
    "FOR EACH ROW EXECUTE FUNCTION annotations_notify()",
]


def upgrade() -> None:
    # Plain ADD COLUMNs (see 0006: batch mode would rebuild the table, cascading deletes).
    op.add_column("annotations", sa.Column("author", sa.String, nullable=False, server_default=""))
    op.add_column(
        "annotations",
        sa.Column("private", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_annotations_author", "annotations", ["author"])
    if op.get_bind().dialect.name == "postgresql":
        for statement in _POSTGRESQL_SQL:
            op.execute(statement)
    else:
        op.execute(sa.text("UPDATE annotations SET author = :me").bindparams(me=local_author()))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER annotations_notify ON annotations")
        op.execute("DROP FUNCTION annotations_notify()")
        for table in ("search_notes", "annotation_tags", "annotations"):
            op.execute(f"DROP POLICY private_notes ON {table}")
            op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.drop_index("ix_annotations_author", "annotations")
    with op.batch_alter_table("annotations") as batch:
        batch.drop_column("private")
        batch.drop_column("author")
