"""Schema migrations: from every released revision to head on a library full of data, a backup copy
first, nothing lost; downgrade to base works; a newer schema is refused, untouched."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory

from reader.cli import main
from reader.core.documents import load_document
from reader.core.library import get_document, list_documents
from reader.core.notes.search import search
from reader.core.notes.service import list_annotations
from reader.core.storage import open_database
from reader.core.storage.db import SCHEMA_HEAD, Database, alembic_config
from tests.conftest import SAMPLE

RELEASED = ("0001", "0002", "0003")  # every revision a release has shipped; add new ones here
NOTES = 300
DOCUMENTS = 12
CACHED = 500
NOW = datetime(2024, 5, 1, tzinfo=UTC).isoformat(sep=" ")


def revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


def test_the_migration_chain_is_linear_and_starts_with_the_released_revisions() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1
    assert tuple(revisions()[: len(RELEASED)]) == RELEASED
    assert script.get_current_head() == SCHEMA_HEAD  # open_database's check without Alembic


def _at_revision(path: Path, revision: str) -> None:
    database = Database(path)
    with database.engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    database.close()


def _fill(path: Path, revision: str) -> None:
    """Data in every table that exists at `revision`, written with plain SQL as that release did."""
    document = load_document(SAMPLE)
    with sqlite3.connect(path) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        for document_id in range(1, DOCUMENTS + 1):
            _insert_document(connection, document_id, document)
        if "translation_cache" in tables:
            connection.executemany(
                "INSERT INTO translation_cache (model_key, options, source_hash, translation, "
                "created_at) VALUES ('translate-vi_en@1.0', 'beam=4', ?, ?, ?)",
                [
                    (hashlib.sha256(str(i).encode()).hexdigest(), f"translation {i}", NOW)
                    for i in range(CACHED)
                ],
            )
            _insert(
                connection,
                "translation_edits",
                {
                    "document_hash": document.content_hash,
                    "target_language": "en",
                    "block_index": 0,
                    "sentence_index": 0,
                    "source_hash": "h",
                    "translation": "my own words",
                    "updated_at": NOW,
                },
            )
        if "annotations" in tables:
            _fill_annotations(connection, document)


def _insert(connection: sqlite3.Connection, table: str, values: dict) -> None:
    """Insert the values whose columns the table has at this revision (columns come and go)."""
    columns = [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
    names = [name for name in values if name in columns]
    connection.execute(
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
        [values[name] for name in names],
    )


def _insert_document(connection: sqlite3.Connection, document_id: int, document) -> None:
    hashed = "source_hash" in [row[1] for row in connection.execute("PRAGMA table_info(sentences)")]
    connection.execute(
        "INSERT INTO documents (id, title, path, format, language, content_hash, added_at,"
        " updated_at, reading_block, toc_json) VALUES (?, ?, ?, 'txt', ?, ?, ?, ?, 3, ?)",
        (
            document_id,
            f"{document.title} ({document_id})",
            f"{document.source_path}.{document_id}",
            document.language,
            f"{document.content_hash[:-4]}{document_id:04}",
            NOW,
            NOW,
            json.dumps(document.toc, ensure_ascii=False),
        ),
    )
    for block in document.blocks:
        block_id = connection.execute(
            "INSERT INTO blocks (document_id, position, kind, level, text) VALUES (?,?,?,?,?)",
            (document_id, block.index, str(block.kind), block.level, block.text),
        ).lastrowid
        if hashed:  # since 0004
            connection.executemany(
                'INSERT INTO sentences (block_id, position, start, "end", source_hash)'
                " VALUES (?,?,?,?,?)",
                [(block_id, s.index, s.start, s.end, _sha256(s.text)) for s in block.sentences],
            )
        else:
            connection.executemany(
                'INSERT INTO sentences (block_id, position, start, "end") VALUES (?,?,?,?)',
                [(block_id, s.index, s.start, s.end) for s in block.sentences],
            )


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _fill_annotations(connection: sqlite3.Connection, document) -> None:
    block = document.blocks[1]
    for i in range(NOTES):
        annotation_id = connection.execute(
            "INSERT INTO annotations (uuid, document_id, side, status, colour, note, block_index,"
            ' start, "end", doc_start, doc_end, exact, prefix, suffix, content_hash, created_at,'
            " updated_at) VALUES (?, 1, 'original', 'anchored', 'yellow', ?, 1, 0, 5, ?, ?, ?,"
            " '', '', ?, ?, ?)",
            (
                str(uuid.UUID(int=i)),
                f"ghi chú số {i}",
                len(document.blocks[0].text) + 2,
                len(document.blocks[0].text) + 7,
                block.text[:5],
                document.content_hash,
                NOW,
                NOW,
            ),
        ).lastrowid
        connection.execute(
            "INSERT INTO annotation_tags VALUES (?, ?)", (annotation_id, f"t{i % 7}")
        )


def _user_tables(path: Path) -> dict[str, list[str]]:
    """Table → columns, for the tables holding the user's data (not the search index)."""
    with sqlite3.connect(path) as connection:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " AND name NOT LIKE 'search_%' AND name != 'alembic_version'"
            )
        ]
        return {
            name: [row[1] for row in connection.execute(f"PRAGMA table_info({name})")]
            for name in names
        }


def _dump(path: Path, tables: dict[str, list[str]]) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as connection:
        return {
            table: connection.execute(
                f"SELECT {', '.join(f'[{c}]' for c in columns)} FROM {table} ORDER BY rowid"
            ).fetchall()
            for table, columns in tables.items()
        }


def _version(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT version_num FROM alembic_version").fetchall()


@pytest.mark.parametrize("revision", RELEASED)
def test_upgrade_from_a_released_schema_keeps_everything_and_a_backup(
    bireader_home: Path, revision: str
) -> None:
    path = bireader_home / "library.sqlite3"
    _at_revision(path, revision)
    _fill(path, revision)
    tables = _user_tables(path)
    before = _dump(path, tables)
    assert sum(map(len, before.values())) > 500  # a library full of data

    database = open_database()

    head = revisions()[-1]
    assert _version(path) == [(head,)]
    assert _dump(path, tables) == before  # every old row, every old column, unchanged
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    backups = list(path.parent.glob(f"{path.name}.before-{revision}-*"))
    if revision == head:
        assert backups == []  # nothing to migrate, nothing copied
    else:
        [backup] = backups
        assert _version(backup) == [(revision,)] and _dump(backup, tables) == before
    # The app reads the migrated library: document, notes, and search over both.
    entries = list_documents(database)
    assert len(entries) == DOCUMENTS and all(entry.reading_block == 3 for entry in entries)
    assert get_document(database, 1).blocks == load_document(SAMPLE).blocks
    word = load_document(SAMPLE).blocks[2].text.split()[0]
    assert any(hit.kind == "block" for hit in search(database, word))
    if "annotations" in tables:
        assert len(list_annotations(database)) == NOTES
        assert any(hit.kind == "note" for hit in search(database, "ghi chu so 7"))


def test_downgrade_to_base_and_back_to_head(bireader_home: Path) -> None:
    path = bireader_home / "library.sqlite3"
    _at_revision(path, revisions()[-1])
    _fill(path, revisions()[-1])
    database = Database(path)
    config = alembic_config()
    for target in [*reversed(revisions()[:-1]), "base"]:
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "-1")
        assert _version(path) == ([] if target == "base" else [(target,)])
    database.close()
    with sqlite3.connect(path) as connection:
        left = {
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
            )
        }
        assert left == {"alembic_version"}
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    open_database().close()  # and up again
    assert _version(path) == [(revisions()[-1],)]


def test_a_newer_schema_is_refused_by_the_cli_and_the_file_left_byte_identical(
    bireader_home: Path, capsys
) -> None:
    open_database().close()
    path = bireader_home / "library.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert main(["library", "list"]) == 2
    error = capsys.readouterr().err
    assert "newer version of Bilingual Reader" in error and error.count("\n") == 1
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert not list(path.parent.glob(f"{path.name}.before-*"))


def test_0004_hashes_every_existing_sentence_so_progress_is_right_at_once(
    bireader_home: Path,
) -> None:
    from reader.core.library import ProgressKey
    from reader.core.translate.cache import sentence_hashes

    path = bireader_home / "library.sqlite3"
    _at_revision(path, "0003")
    document = load_document(SAMPLE)
    texts = [sentence.text for _, sentence in document.iter_sentences()]
    cached = set(texts[::3])
    documents = 5000 // len(texts) + 2  # more sentences than one chunk of the backfill
    with sqlite3.connect(path) as connection:
        for document_id in range(1, documents + 1):
            _insert_document(connection, document_id, document)
        connection.execute("UPDATE documents SET target_language = 'en'")
        connection.executemany(
            "INSERT INTO translation_cache VALUES ('m@1', 'beam=4', ?, 'x', ?)",
            [(_sha256(text), NOW) for text in cached],
        )

    database = open_database()

    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "SELECT b.position, s.position, s.source_hash FROM sentences AS s"
            " JOIN blocks AS b ON b.id = s.block_id"
        ).fetchall()
    assert len(rows) == documents * len(texts) > 5000
    expected = sentence_hashes(document)
    assert all(digest == expected[(block, sentence)] for block, sentence, digest in rows)
    entries = list_documents(database, progress=lambda source, target: ProgressKey("m@1", "beam=4"))
    translated = sum(text in cached for text in texts)
    assert 0 < translated < len(texts)
    assert {(entry.sentences, entry.translated) for entry in entries} == {(len(texts), translated)}
    database.close()
    with sqlite3.connect(path) as connection, pytest.raises(sqlite3.IntegrityError):
        connection.execute(  # a sentence without its hash would count as untranslated
            'INSERT INTO sentences (block_id, position, start, "end") VALUES (1, 99, 0, 1)'
        )


def test_0004_downgrade_keeps_every_sentence(bireader_home: Path) -> None:
    path = bireader_home / "library.sqlite3"
    _at_revision(path, "0004")
    _fill(path, "0004")
    columns = {"sentences": ["id", "block_id", "position", "start", "end"]}
    before = _dump(path, columns)
    database = Database(path)
    with database.engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0003")
    database.close()
    assert _user_tables(path)["sentences"] == columns["sentences"]
    assert _dump(path, columns) == before
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []


# --- the same revisions on PostgreSQL ------------------------------------------------------------


def test_every_revision_runs_on_postgresql_and_gives_the_models_schema(postgres_url, sample_copy):
    """Up revision by revision (with a document added at 0003, so that 0004 hashes real
    sentences), the schema the models describe; then down to base, and up again."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from reader.core.library import add_document
    from reader.core.storage.db import library_url
    from reader.core.storage.transfer import library_tables

    url = library_url(postgres_url)
    database = Database(url)
    config = alembic_config()
    for revision in revisions():
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    database.close()
    database = open_database(url)
    document_id = add_document(database, sample_copy).document_id
    assert search(database, "dang", document_id=document_id)
    with database.engine.connect() as connection:
        tables = library_tables()
        context = MigrationContext.configure(
            connection, opts={"include_name": _not_the_search_index}
        )
        differences = compare_metadata(context, tables[0].metadata)
    assert differences == []
    for _ in revisions():
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "-1")
    with database.engine.connect() as connection:
        from sqlalchemy import inspect

        assert set(inspect(connection).get_table_names()) == {"alembic_version"}
    database.close()
    open_database(url).close()


def test_two_instances_migrating_a_new_server_library_at_once_both_open_it(postgres_url):
    from concurrent.futures import ThreadPoolExecutor

    from reader.core.storage.db import library_url

    url = library_url(postgres_url)
    with ThreadPoolExecutor(2) as pool:
        opened = list(pool.map(lambda _: open_database(url), range(2)))
    for database in opened:
        with database.reading() as session:
            from sqlalchemy import text

            assert session.execute(text("SELECT version_num FROM alembic_version")).all() == [
                (SCHEMA_HEAD,)
            ]
        database.close()


def _not_the_search_index(name, kind, parents) -> bool:
    """The search tables are the migrations' own (raw SQL, no model describes them)."""
    table = name if kind == "table" else parents.get("table_name")
    return not (table or "").startswith("search_")
