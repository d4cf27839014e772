"""Full-text search: Vietnamese folding, snippets in the original text, and an index that follows
documents and notes as they are added, changed and removed. Every test that searches runs on
both engines: the SQLite file and a real PostgreSQL server."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.core.errors import ReaderError
from reader.core.library import add_document, remove_document
from reader.core.notes.search import fold, search, tsvector_literal
from reader.core.notes.service import (
    annotate_quote,
    delete_annotation,
    update_annotation,
)
from reader.core.storage.db import library_url, open_database


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request):
    """The library, as a SQLite file and as a PostgreSQL database."""
    if request.param == "sqlite":
        database = open_database()
    else:
        database = open_database(library_url(request.getfixturevalue("postgres_url")))
    yield database
    database.close()


def test_fold_strips_vietnamese_diacritics_and_folds_d_with_stroke():
    assert fold("Việt Nam") == "viet nam"
    assert fold("ĐẢNG đảng Đà Nẵng") == "dang dang da nang"
    assert fold("Ứng dụng ưu tiên Ơn") == "ung dung uu tien on"
    assert fold("Ñandú Øre") == "nandu øre"


@given(st.text())
def test_fold_keeps_one_character_per_character(text):
    assert len(fold(text)) == len(text)


def test_search_is_diacritic_insensitive_and_snippets_show_the_original_text(database, sample_copy):
    document_id = add_document(database, sample_copy).document_id
    hits = search(database, "viet nam")
    assert hits and hits[0].kind == "block" and hits[0].document_id == document_id
    hit = hits[0]
    assert [hit.snippet[s:e] for s, e in hit.highlights][:2] == ["Việt", "Nam"]
    assert "Công đoàn Việt Nam" in hit.snippet
    dang = search(database, "dang vien", limit=50)
    words = {h.snippet[s:e] for h in dang for s, e in h.highlights}
    assert {"đảng", "viên"} <= {word.lower() for word in words}
    assert all(fold(word).startswith(("dang", "vien")) for word in words)
    assert search(database, "Đảng") == search(database, "dang")


def test_notes_are_found_by_note_text_quote_and_tag(database, sample_copy):
    document_id = add_document(database, sample_copy).document_id
    note = annotate_quote(
        database, document_id, "cản bộ", note="Lỗi chính tả: cán bộ", tags=["sửa lỗi"]
    )
    assert [
        h.annotation_uuid for h in search(database, "loi chinh ta", include_documents=False)
    ] == [note.uuid]
    assert [h.annotation_uuid for h in search(database, "sua", include_documents=False)] == [
        note.uuid
    ]
    by_quote = search(database, "can bo", include_documents=False)
    assert [h.annotation_uuid for h in by_quote] == [note.uuid]
    hit = by_quote[0]
    assert [hit.snippet[s:e] for s, e in hit.highlights] == ["cán", "bộ"]


def test_index_follows_note_edits_and_deletions(database, sample_copy):
    document_id = add_document(database, sample_copy).document_id
    note = annotate_quote(database, document_id, "cản bộ", note="alpha")
    assert search(database, "alpha", include_documents=False)
    update_annotation(database, note.uuid, note="beta", tags=["gamma"])
    assert search(database, "alpha", include_documents=False) == []
    assert search(database, "beta", include_documents=False)
    assert search(database, "gamma", include_documents=False)
    delete_annotation(database, note.uuid)
    assert search(database, "beta", include_documents=False) == []


def test_index_follows_reimport_and_removal_of_documents(database, sample_copy):
    document_id = add_document(database, sample_copy).document_id
    assert search(database, "Huân chương")
    text = sample_copy.read_text(encoding="utf-8").replace("Huân chương", "Bằng khen")
    sample_copy.write_text(text, encoding="utf-8")
    add_document(database, sample_copy)
    assert search(database, "huan chuong") == []
    assert {h.document_id for h in search(database, "bang khen")} == {document_id}
    remove_document(database, document_id)
    assert search(database, "bang khen") == []


def test_search_can_be_limited_to_one_document(database, sample_copy, tmp_path):
    first = add_document(database, sample_copy).document_id
    other = tmp_path / "other.txt"
    other.write_text("Một văn bản khác về Việt Nam.\n\nĐoạn thứ hai.", encoding="utf-8")
    second = add_document(database, other).document_id
    assert {h.document_id for h in search(database, "viet")} == {first, second}
    assert {h.document_id for h in search(database, "viet", document_id=second)} == {second}


def test_query_without_words_is_an_error(database):
    with pytest.raises(ReaderError, match="nothing to search"):
        search(database, " ,.; ")


def test_both_engines_find_the_same_blocks_and_notes(postgres_url, sample_copy):
    libraries = [open_database(), open_database(library_url(postgres_url))]
    try:
        for library in libraries:
            document_id = add_document(library, sample_copy).document_id
            annotate_quote(library, document_id, "cản bộ", note="Lỗi chính tả", tags=["sửa"])
        for query in ("dang", "Đảng viên", "viet nam", "bvctnb", "2023", "loi chinh", "su"):
            sqlite_hits, postgres_hits = (
                sorted(
                    (h.kind, h.block_index, h.snippet) for h in search(library, query, limit=500)
                )
                for library in libraries
            )
            assert sqlite_hits == postgres_hits, query
            assert sqlite_hits or query == "su"
    finally:
        for library in libraries:
            library.close()


def test_tsvector_words_are_the_folded_words_with_their_positions():
    assert tsvector_literal("Đảng viên, đảng bộ") == "'dang':1,3 'vien':2 'bo':4"
    assert tsvector_literal("x" * 3000 + " ok") == "'ok':2"  # over PostgreSQL's word limit


def test_clients_writing_and_searching_at_once_index_every_note_once(postgres_url, sample_copy):
    """Each search indexes what the others wrote: concurrent ones neither deadlock nor drop a
    note from the index (the sync claims the queue under a lock, see `_claim_pending`)."""
    from concurrent.futures import ThreadPoolExecutor

    from reader.core.notes.service import add_annotation, list_annotations

    url = library_url(postgres_url)
    setup = open_database(url)
    document_id = add_document(setup, sample_copy).document_id
    anchor = annotate_quote(setup, document_id, "cản bộ").anchor

    def colleague(number: int) -> None:
        library = open_database(url)
        try:
            for i in range(15):
                add_annotation(library, document_id, anchor, note=f"ban{number} ghi{i}")
                search(library, f"ban{number}", include_documents=False)
        finally:
            library.close()

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(colleague, range(4)))
    assert len(list_annotations(setup)) == 1 + 4 * 15
    for number in range(4):
        found = search(setup, f"ban{number}", include_documents=False, limit=100)
        assert len(found) == 15
    with setup.reading() as session:
        from sqlalchemy import text

        assert session.execute(text("SELECT count(*) FROM search_notes")).scalar_one() == 61
    setup.close()
