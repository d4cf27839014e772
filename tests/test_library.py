import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from reader.core.errors import InputError, ReaderError
from reader.core.library import (
    ProgressKey,
    UnknownDocumentError,
    add_document,
    get_document,
    list_documents,
    mark_opened,
    matching_document,
    read_document,
    remove_document,
    remove_restorably,
    rename_document,
    restore_document,
    store_document,
    stored_language,
)
from reader.core.storage.models import BlockRow, DocumentRow, SentenceRow
from tests.conftest import SAMPLE


def _row_counts(database) -> tuple[int, int, int]:
    with database.session() as session:
        return tuple(session.query(model).count() for model in (DocumentRow, BlockRow, SentenceRow))


def test_add_stores_document_blocks_and_sentences(database) -> None:
    result = add_document(database, SAMPLE)
    assert result.status == "added"
    stored = get_document(database, result.document_id)
    assert stored.content_hash == result.document.content_hash
    assert stored.blocks == result.document.blocks
    assert stored.language == "vi"
    [entry] = list_documents(database)
    assert entry.id == result.document_id
    assert entry.sentences == result.document.sentence_count > 20


def test_adding_unchanged_content_again_is_idempotent(database, tmp_path: Path) -> None:
    first = add_document(database, SAMPLE)
    copy = tmp_path / "copy.txt"
    copy.write_bytes(SAMPLE.read_bytes())
    counts = _row_counts(database)
    for path in (SAMPLE, copy):
        again = add_document(database, path)
        assert (again.document_id, again.status) == (first.document_id, "unchanged")
    assert _row_counts(database) == counts


def test_changed_file_at_same_path_updates_the_same_document(database, tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_text("Câu thứ nhất. Câu thứ hai.\n\nĐoạn hai.\n", encoding="utf-8")
    first = add_document(database, path)
    path.write_text("Câu thứ nhất đã sửa. Câu thứ hai.\n", encoding="utf-8")
    second = add_document(database, path)
    assert (second.document_id, second.status) == (first.document_id, "updated")
    stored = get_document(database, first.document_id)
    assert [block.text for block in stored.blocks] == ["Câu thứ nhất đã sửa. Câu thứ hai."]
    assert len(list_documents(database)) == 1


def test_bad_file_writes_nothing(database, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        add_document(database, empty)
    assert _row_counts(database) == (0, 0, 0)


def test_remove_deletes_blocks_and_sentences(database) -> None:
    result = add_document(database, SAMPLE)
    removed = remove_document(database, result.document_id)
    assert removed.id == result.document_id
    assert _row_counts(database) == (0, 0, 0)
    with pytest.raises(UnknownDocumentError):
        remove_document(database, result.document_id)


def test_reimport_carries_translation_edits_of_unchanged_sentences(database, tmp_path) -> None:
    from reader.core.translate import cache

    path = tmp_path / "doc.txt"
    path.write_text("Câu bị xoá. Câu giữ lại.\n", encoding="utf-8")
    first = add_document(database, path).document
    kept = first.blocks[0].sentences[1]
    with database.session() as session:
        key = cache.EditKey(first.content_hash, "en", 0, 1, cache.source_hash(kept.text))
        cache.save_edit(session, key, "My own translation.")
    path.write_text("Đoạn mới ở đầu.\n\nCâu giữ lại.\n", encoding="utf-8")
    second = add_document(database, path).document
    with database.session() as session:
        edits = cache.edits_for(session, second.content_hash, "en")
    assert edits == {(1, 0, cache.source_hash(kept.text)): "My own translation."}


# --- translation progress: one SQL query, the reader's meaning of "translated" -----------------

DIGEST = "0123456789abcdef" * 4
VI_EN = ProgressKey("translate-vi_en@1.0#0123456789abcdef", "beam=4")
TEXT = "Câu một. Câu hai. Câu một.\n\nCâu ba. Câu hai. Câu bốn.\n"


def _route(version: str = "1.0"):
    """A vi→en route whose key is VI_EN's (at version 1.0); no model is needed to read the cache."""
    from reader.core.translate.packages import InstalledModel
    from reader.core.translate.service import Route

    model = InstalledModel(
        "translate-vi_en",
        "vi",
        "en",
        "Vietnamese",
        "English",
        version,
        Path("/nowhere"),
        "",
        DIGEST,
    )
    return Route("vi", "en", (model,))


def _reader_count(database, document_id: int, route) -> int:
    """What the reader delivers as already translated when it opens the document."""
    from reader.core.translate.service import TranslationService

    service = TranslationService(database)
    return len(service.cached_translations(get_document(database, document_id), route))


def _progress(database, keys: dict) -> dict[int, tuple[int, int | None]]:
    entries = list_documents(database, progress=lambda source, target: keys.get((source, target)))
    return {entry.id: (entry.sentences, entry.translated) for entry in entries}


def _cache(database, key: ProgressKey, *sentences: str) -> None:
    from reader.core.translate import cache

    with database.session() as session:
        translations = {cache.source_hash(text): f"<{text}>" for text in sentences}
        cache.store(session, key.model_key, key.options, translations)


def _edit(database, document_hash: str, block: int, sentence: int, text: str, to="en") -> None:
    from reader.core.translate import cache

    with database.session() as session:
        key = cache.EditKey(document_hash, to, block, sentence, cache.source_hash(text))
        cache.save_edit(session, key, "của tôi")


@pytest.fixture
def partly_translated(database, tmp_path: Path) -> tuple[int, Path]:
    """Blocks [một, hai, một] and [ba, hai, bốn], read into English: "Câu một." cached (twice in
    the text), "Câu ba." edited, "Câu một." at (0, 0) edited too, and several things that must
    not count."""
    path = tmp_path / "doc.txt"
    path.write_text(TEXT, encoding="utf-8")
    added = add_document(database, path, language="vi")
    mark_opened(database, added.document_id, target_language="en")
    content_hash = added.document.content_hash
    _cache(database, VI_EN, "Câu một.")
    _cache(database, ProgressKey(_route("1.1").key, "beam=4"), "Câu bốn.")  # other model
    _cache(database, ProgressKey(VI_EN.model_key, "beam=2"), "Câu hai.")  # other options
    _edit(database, content_hash, 1, 0, "Câu ba.")
    _edit(database, content_hash, 0, 0, "Câu một.")  # cached as well: counted once
    _edit(database, content_hash, 1, 2, "Câu bốn.", to="fr")  # another target language
    _edit(database, content_hash, 1, 1, "Câu cũ.")  # left from an older text of the sentence
    _edit(database, content_hash, 1, 2, "Câu hai.")  # "Câu hai." is elsewhere in the block
    _edit(database, content_hash, 0, 0, "Câu ba.")  # "Câu ba." is (1, 0), in another block
    _edit(database, "f" * 64, 0, 1, "Câu hai.")  # another document's
    return added.document_id, path


def test_progress_counts_cached_and_edited_sentences_as_the_reader_does(
    database, partly_translated
) -> None:
    document_id, _ = partly_translated
    assert _progress(database, {("vi", "en"): VI_EN}) == {document_id: (6, 3)}
    assert _reader_count(database, document_id, _route()) == 3


def test_a_new_model_version_or_other_options_leave_only_the_edits(
    database, partly_translated
) -> None:
    document_id, _ = partly_translated
    upgraded = ProgressKey(_route("1.1").key, "beam=4")
    assert upgraded == ProgressKey("translate-vi_en@1.1#0123456789abcdef", "beam=4")
    # "Câu bốn." is cached for 1.1: that one and the two edits.
    assert _progress(database, {("vi", "en"): upgraded}) == {document_id: (6, 3)}
    assert _reader_count(database, document_id, _route("1.1")) == 3
    other_options = ProgressKey(VI_EN.model_key, "beam=1")
    assert _progress(database, {("vi", "en"): other_options}) == {document_id: (6, 2)}


def test_progress_follows_the_cache_and_the_edits_as_they_change(
    database, partly_translated
) -> None:
    document_id, _ = partly_translated
    content_hash = get_document(database, document_id).content_hash
    _cache(database, VI_EN, "Câu hai.")  # both occurrences
    assert _progress(database, {("vi", "en"): VI_EN}) == {document_id: (6, 5)}
    _edit(database, content_hash, 1, 2, "Câu bốn.")
    assert _progress(database, {("vi", "en"): VI_EN}) == {document_id: (6, 6)}
    assert _reader_count(database, document_id, _route()) == 6


def test_progress_after_reimporting_a_changed_file(database, partly_translated) -> None:
    document_id, path = partly_translated
    path.write_text("Câu một. Câu năm.\n\nCâu ba.\n", encoding="utf-8")
    assert add_document(database, path, language="vi").status == "updated"
    # "Câu một." cached; "Câu ba." by the edit that followed it; "Câu năm." is new.
    assert _progress(database, {("vi", "en"): VI_EN}) == {document_id: (3, 2)}
    assert _reader_count(database, document_id, _route()) == 2


def test_each_document_is_counted_with_its_own_pair(database, tmp_path: Path) -> None:
    ids = {}
    for name, target in (("en", "en"), ("fr", "fr"), ("de", "de"), ("none", None)):
        path = tmp_path / f"{name}.txt"
        path.write_text(f"Câu một. Câu hai.\n\nTệp {name}.\n", encoding="utf-8")
        ids[name] = add_document(database, path, language="vi").document_id
        mark_opened(database, ids[name], target_language=target)
    pivot = ProgressKey("translate-vi_en@1.0|translate-en_fr@1.0", "beam=4")
    _cache(database, VI_EN, "Câu một.")
    _cache(database, pivot, "Câu một.", "Câu hai.")
    asked = []

    def keys(source: str, target: str) -> ProgressKey | None:
        asked.append((source, target))
        return {("vi", "en"): VI_EN, ("vi", "fr"): pivot}.get((source, target))

    entries = {entry.id: entry for entry in list_documents(database, progress=keys)}
    assert sorted(asked) == [("vi", "de"), ("vi", "en"), ("vi", "fr")]  # once per pair
    assert entries[ids["en"]].translated == 1
    assert entries[ids["fr"]].translated == 2
    assert entries[ids["de"]].translated is None  # no model for the pair
    assert entries[ids["none"]].translated is None  # never read into any language
    assert {entry.sentences for entry in entries.values()} == {3}
    assert all(entry.translated is None for entry in list_documents(database))  # not asked for
    assert "translated" not in entries[ids["en"]].to_json()


def test_progress_of_an_empty_library_asks_for_no_route(database) -> None:
    assert list_documents(database, progress=lambda source, target: pytest.fail("asked")) == []


def test_stored_source_hashes_are_those_of_the_sentences(database, partly_translated) -> None:
    from sqlalchemy import select

    from reader.core.translate.cache import sentence_hashes

    document_id, path = partly_translated
    query = (
        select(BlockRow.position, SentenceRow.position, SentenceRow.source_hash)
        .join(SentenceRow, SentenceRow.block_id == BlockRow.id)
        .where(BlockRow.document_id == document_id)
    )
    for _ in range(2):  # as added, then after a re-import
        with database.session() as session:
            stored = {(b, s): digest for b, s, digest in session.execute(query)}
        assert stored == sentence_hashes(get_document(database, document_id))
        path.write_text("Đoạn mới.\n\n" + TEXT, encoding="utf-8")
        add_document(database, path, language="vi")


def _no_detection(monkeypatch) -> None:
    def refuse(_text):
        raise AssertionError("the language identifier was asked")

    monkeypatch.setattr("reader.core.documents.loader.detect_language", refuse)


def test_the_same_text_again_keeps_its_stored_language_without_detecting(
    database, tmp_path: Path, monkeypatch
) -> None:
    first = add_document(database, SAMPLE, language="fr")  # the reader's choice, not detected
    assert stored_language(database, first.document.content_hash) == "fr"
    copy = tmp_path / "copy.txt"
    copy.write_bytes(SAMPLE.read_bytes())
    _no_detection(monkeypatch)
    again = add_document(database, copy)
    assert (again.document_id, again.status) == (first.document_id, "unchanged")
    assert again.document.language == "fr"
    assert again.document.blocks == first.document.blocks  # segmented as stored
    assert read_document(database, copy, language="vi").language == "vi"  # asked: obeyed


def test_a_new_text_is_detected(database, tmp_path: Path) -> None:
    add_document(database, SAMPLE)
    path = tmp_path / "other.txt"
    path.write_text("The committee met on Monday to discuss the annual report.\n", "utf-8")
    document = read_document(database, path)
    assert stored_language(database, document.content_hash) is None
    assert document.language == "en"


def test_matching_document_is_the_one_store_document_updates(database, tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_text("Câu thứ nhất. Câu thứ hai.\n", encoding="utf-8")
    document = read_document(database, path)
    assert matching_document(database, document.content_hash, document.source_path) is None
    stored = store_document(database, document)
    assert matching_document(database, document.content_hash, None) == stored.document_id
    path.write_text("Câu thứ nhất đã sửa.\n", encoding="utf-8")  # same file, new text
    changed = read_document(database, path)
    found = matching_document(database, changed.content_hash, changed.source_path)
    assert found == stored.document_id == store_document(database, changed).document_id
    other = tmp_path / "other.txt"
    other.write_text("Một văn bản khác.\n", encoding="utf-8")
    unrelated = read_document(database, other)
    assert matching_document(database, unrelated.content_hash, unrelated.source_path) is None


def test_removing_a_document_removes_its_blocks_and_sentences_in_the_database(
    database, tmp_path: Path
) -> None:
    text = tmp_path / "long.txt"
    text.write_text("\n\n".join(f"Câu số {i} ở đây. Câu tiếp theo {i}." for i in range(300)))
    added = add_document(database, text)
    kept = add_document(database, SAMPLE)
    entry = remove_document(database, added.document_id)
    assert entry.sentences == 600
    with database.reading() as session:
        documents = session.scalars(select(BlockRow.document_id).distinct()).all()
        sentences = session.scalar(select(func.count(SentenceRow.id)))
    assert documents == [kept.document_id]
    assert sentences == kept.document.sentence_count


def test_every_sentence_read_back_is_its_block_text_between_its_offsets(database) -> None:
    result = add_document(database, SAMPLE)
    stored = get_document(database, result.document_id)
    pairs = list(stored.iter_sentences())
    assert len(pairs) == result.document.sentence_count > 20
    for block, sentence in pairs:
        assert sentence.text == block.text[sentence.start : sentence.end] != ""


def test_storing_a_document_adds_nothing_to_the_memory_of_its_texts(database) -> None:
    """The driver's UTF-8 form of a bound text must not stay attached to the document's own
    (CPython counts it in the str's size): that would be a second copy of the whole book."""
    document = read_document(database, SAMPLE)
    sizes = [sys.getsizeof(block.text) for block in document.blocks]
    assert any(not block.text.isascii() for block in document.blocks)
    store_document(database, document)
    assert [sys.getsizeof(block.text) for block in document.blocks] == sizes


def test_writes_report_the_document_and_the_list(database) -> None:
    added = add_document(database, SAMPLE)
    assert added.changes.documents == {added.document_id} and added.changes.library
    assert not add_document(database, SAMPLE).changes  # unchanged: nothing written
    assert mark_opened(database, added.document_id).library
    assert rename_document(database, added.document_id, "Mine").changes.documents == {
        added.document_id
    }
    assert remove_document(database, added.document_id).changes.library


def test_a_restorable_removal_puts_back_text_title_position_and_notes(database) -> None:
    from reader.core.notes.service import annotate_selection, list_annotations

    added = add_document(database, SAMPLE)
    rename_document(database, added.document_id, "Renamed")
    mark_opened(database, added.document_id, reading_block=4, target_language="en")
    note = annotate_selection(database, added.document_id, 3, 0, 15, note="kept", tags=["t"])
    [before] = list_documents(database)
    counts = _row_counts(database)

    removed = remove_restorably(database, added.document_id)
    assert list_documents(database) == [] and removed.changes.library
    restored = restore_document(database, removed)

    assert restored == before and _row_counts(database) == counts
    assert get_document(database, added.document_id).blocks == added.document.blocks
    [back] = list_annotations(database, added.document_id)
    assert (back.uuid, back.note, back.tags) == (note.uuid, "kept", ("t",))


def test_restoring_a_document_added_again_meanwhile_is_refused(database) -> None:
    removed = remove_restorably(database, add_document(database, SAMPLE).document_id)
    add_document(database, SAMPLE)
    with pytest.raises(ReaderError, match="already back"):
        restore_document(database, removed)
    assert len(list_documents(database)) == 1
