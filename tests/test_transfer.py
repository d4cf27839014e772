"""`library migrate`: a library copied SQLite → PostgreSQL → SQLite keeps every row of every
table, and a non-empty target is refused untouched."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from reader.core.library import add_document, get_document
from reader.core.notes.bookmarks import add_bookmark
from reader.core.notes.search import search
from reader.core.notes.service import add_annotation, annotate_quote, list_annotations
from reader.core.storage.db import library_url, open_database
from reader.core.storage.transfer import TransferError, copy_library, library_tables
from reader.core.terms.glossary import make_entry, save_entry
from reader.core.terms.settings import set_abbreviation_expansion, set_document_expansion
from reader.core.translate import cache
from reader.core.vocabulary.service import add_word


def _fill(library, sample_copy: Path) -> int:
    """A row in every table: documents, notes, the cache and edits, bookmarks, the glossary,
    the abbreviation switches, the vocabulary."""
    document_id = add_document(library, sample_copy).document_id
    note = annotate_quote(library, document_id, "cản bộ", note="Lỗi chính tả", tags=["sửa", "b"])
    add_annotation(library, document_id, note.anchor, note="riêng tư", private=True)
    add_bookmark(library, document_id, 3, 0, "đọc tiếp")
    save_entry(library, make_entry("Ban Bí thư", "Secretariat", "vi", "en"))
    content_hash = get_document(library, document_id).content_hash
    set_document_expansion(library, content_hash, False)
    set_abbreviation_expansion(library, content_hash, "BVCTNB", False)
    add_word(library, "bảo vệ", definition="to protect", document_id=document_id, language="vi")
    with library.session() as session:
        cache.store(session, "vi-en@1", "beam=4", {"a" * 64: "Hello", "b" * 64: "Đảng"})
        key = cache.EditKey("c" * 64, "en", 3, 0, "a" * 64)
        cache.save_edit(session, key, "my own translation")
    return document_id


def _every_row(library) -> dict[str, list[tuple]]:
    with library.reading() as session:
        return {
            table.name: [
                tuple(map(_in_utc, row))
                for row in session.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in library_tables()
        }


def _in_utc(value):
    """The server hands times back with their zone, SQLite without (they are stored in UTC)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def test_a_round_trip_through_postgresql_keeps_every_row(postgres_url, sample_copy, tmp_path):
    original = open_database()
    server = open_database(library_url(postgres_url))
    back = open_database(tmp_path / "back.sqlite3")
    try:
        _fill(original, sample_copy)
        there = copy_library(original, server)
        copy_library(server, back)
        before = _every_row(original)
        assert all(before[name] for name in before), "every table has rows to compare"
        assert _every_row(server) == before
        assert _every_row(back) == before
        assert there.rows["annotations"] == 2
        # the copy is a working library: searchable, and new rows get new ids
        assert search(server, "loi chinh ta", include_documents=False)
        assert add_document(server, sample_copy).status == "unchanged"  # the same document
        notes = list_annotations(server)
        added = add_annotation(server, notes[0].document_id, notes[0].anchor, note="mới")
        assert added.uuid in {n.uuid for n in list_annotations(server)}
    finally:
        for library in (original, server, back):
            library.close()


def test_a_library_that_holds_rows_is_refused_untouched(postgres_url, sample_copy):
    source = open_database()
    target = open_database(library_url(postgres_url))
    try:
        _fill(source, sample_copy)
        add_document(target, sample_copy)
        before = _every_row(target)
        with pytest.raises(TransferError, match="not an empty library"):
            copy_library(source, target)
        assert _every_row(target) == before
    finally:
        source.close()
        target.close()


def test_a_plain_role_may_not_copy_what_it_cannot_see(team_urls, tmp_path):
    open_database(library_url(team_urls["team"])).close()
    alice = open_database(library_url(team_urls["alice"]))
    local = open_database(tmp_path / "copy.sqlite3")
    try:
        with pytest.raises(TransferError, match="private notes"):
            copy_library(alice, local)
    finally:
        alice.close()
        local.close()


def test_the_command_copies_the_library_and_says_what(postgres_url, sample_copy, bireader_home):
    library = open_database()
    _fill(library, sample_copy)
    library.close()
    command = [sys.executable, "-m", "reader", "library", "migrate", "--to", postgres_url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "2 annotations" in done.stdout and "password" not in done.stdout
    again = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert again.returncode == 2
    assert "not an empty library" in again.stderr and "Traceback" not in again.stderr


def test_a_table_this_version_does_not_know_is_refused_not_dropped(postgres_url, sample_copy):
    from sqlalchemy import text

    source = open_database()
    target = open_database(library_url(postgres_url))
    try:
        _fill(source, sample_copy)
        with source.session() as session:  # as a newer version's migration would leave it
            session.execute(text("CREATE TABLE reading_goals (id INTEGER PRIMARY KEY, name TEXT)"))
        with pytest.raises(TransferError, match="table reading_goals is not known"):
            copy_library(source, target)
        assert not any(_every_row(target).values())
    finally:
        source.close()
        target.close()
