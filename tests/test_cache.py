"""Translation cache and user edits in the library database (migration 0002)."""

from __future__ import annotations

from sqlalchemy import inspect

from reader.core.storage import open_database
from reader.core.translate import cache


def test_migration_creates_the_tables() -> None:
    database = open_database()
    tables = set(inspect(database.engine).get_table_names())
    assert {"translation_cache", "translation_edits"} <= tables


def test_stored_translations_are_found_by_model_options_and_source() -> None:
    database = open_database()
    hello, bye = cache.source_hash("xin chào"), cache.source_hash("tạm biệt")
    with database.session() as session:
        cache.store(session, "translate-vi_en@1.0", "beam=4", {hello: "hello", bye: "bye"})
    with database.session() as session:
        assert cache.lookup(session, "translate-vi_en@1.0", "beam=4", [hello, bye]) == {
            hello: "hello",
            bye: "bye",
        }
        assert cache.lookup(session, "translate-vi_en@1.1", "beam=4", [hello]) == {}
        assert cache.lookup(session, "translate-vi_en@1.0", "beam=1", [hello]) == {}


def test_storing_again_replaces_and_survives_reopening() -> None:
    digest = cache.source_hash("xin chào")
    with open_database().session() as session:
        cache.store(session, "m@1", "beam=4", {digest: "old"})
    with open_database().session() as session:
        cache.store(session, "m@1", "beam=4", {digest: "new"})
    with open_database().session() as session:
        assert cache.lookup(session, "m@1", "beam=4", [digest]) == {digest: "new"}


def test_lookup_of_many_sentences_is_chunked() -> None:
    translations = {cache.source_hash(f"câu {i}"): f"sentence {i}" for i in range(1300)}
    database = open_database()
    with database.session() as session:
        cache.store(session, "m@1", "beam=4", translations)
    with database.session() as session:
        found = cache.lookup(session, "m@1", "beam=4", [*translations, "0" * 64])
    assert found == translations


def test_edits_are_per_document_language_and_position_and_can_be_removed() -> None:
    database = open_database()
    digest = cache.source_hash("xin chào")
    a_en = cache.EditKey("doc-a", "en", 0, 1, digest)
    with database.session() as session:
        cache.save_edit(session, a_en, "hi there")
        cache.save_edit(session, a_en, "hello there")  # replaces
        cache.save_edit(session, a_en._replace(target_language="fr"), "salut")
        cache.save_edit(session, a_en._replace(document_hash="doc-b"), "other document")
    with database.session() as session:
        assert cache.edits_for(session, "doc-a", "en") == {(0, 1, digest): "hello there"}
        assert cache.edits_for(session, "doc-a", "fr") == {(0, 1, digest): "salut"}
        cache.delete_edit(session, a_en)
    with database.session() as session:
        assert cache.edits_for(session, "doc-a", "en") == {}
        assert cache.edits_for(session, "doc-a", "fr") == {(0, 1, digest): "salut"}
        assert cache.edits_for(session, "doc-b", "en") == {(0, 1, digest): "other document"}


def test_edits_follow_their_sentences_into_a_changed_document() -> None:
    database = open_database()
    kept, gone = cache.source_hash("Câu giữ lại."), cache.source_hash("Câu bị xoá.")
    with database.session() as session:
        cache.save_edit(session, cache.EditKey("old", "en", 0, 0, gone), "deleted one")
        cache.save_edit(session, cache.EditKey("old", "en", 0, 1, kept), "kept one")
    new_sentences = {(0, 0): cache.source_hash("Câu mới."), (3, 2): kept}
    with database.session() as session:
        assert cache.carry_edits(session, "old", "new", new_sentences) == 1
    with database.session() as session:
        assert cache.edits_for(session, "new", "en") == {(3, 2, kept): "kept one"}
        assert cache.edits_for(session, "old", "en") == {(0, 0, gone): "deleted one"}


def test_failed_unit_of_work_writes_nothing() -> None:
    database = open_database()
    digest = cache.source_hash("xin chào")
    try:
        with database.session() as session:
            cache.store(session, "m@1", "beam=4", {digest: "hello"})
            raise RuntimeError("interrupted")
    except RuntimeError:
        pass
    with database.session() as session:
        assert cache.lookup(session, "m@1", "beam=4", [digest]) == {}
