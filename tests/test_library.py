from pathlib import Path

import pytest

from reader.core.errors import InputError
from reader.core.library import (
    UnknownDocumentError,
    add_document,
    get_document,
    list_documents,
    remove_document,
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
