"""Bookmarks in the library: add, list, rename, remove and undo, the change sets they return,
and finding them again after the document is imported again with other text around them."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.changes import Changes
from reader.core.errors import ReaderError
from reader.core.library import UnknownDocumentError, add_document, get_document
from reader.core.notes.bookmarks import (
    UnknownBookmarkError,
    add_bookmark,
    bookmark_quote,
    list_bookmarks,
    remove_bookmark,
    rename_bookmark,
    restore_bookmark,
)
from reader.core.notes.reanchor import ANCHORED, ORPHAN

TEXT = (
    "Chương I. Quy định chung\n\n"
    "Điều 1. Nghị định này quy định về công tác văn thư. Văn bản phải được lưu trữ.\n\n"
    "Điều 2. Cơ quan, tổ chức phải bảo đảm an toàn thông tin.\n"
)


@pytest.fixture
def decree(database, tmp_path: Path) -> tuple[int, Path]:
    path = tmp_path / "nghi-dinh.txt"
    path.write_text(TEXT, encoding="utf-8")
    return add_document(database, path, language="vi").document_id, path


def test_add_list_rename_remove_and_undo(database, decree) -> None:
    document_id, _ = decree
    bookmark, changes = add_bookmark(database, document_id, 1, 1, "  lưu trữ  ")
    assert changes == Changes(bookmarks=frozenset({document_id}))
    assert bookmark.exact == "Văn bản phải được lưu trữ." and bookmark.label == "lưu trữ"
    first, _ = bookmark_quote(database, document_id, "an toàn thông tin")
    assert (first.block_index, first.sentence_index) == (2, 0)
    assert [b.uuid for b in list_bookmarks(database, document_id)] == [bookmark.uuid, first.uuid]
    renamed, _ = rename_bookmark(database, first.uuid, "Điều 2")
    assert renamed.title == "Điều 2"
    removed, changes = remove_bookmark(database, bookmark.uuid)
    assert changes.bookmarks == {document_id}
    assert [b.uuid for b in list_bookmarks(database)] == [first.uuid]
    restore_bookmark(database, removed)  # undo
    assert [b.label for b in list_bookmarks(database)] == ["lưu trữ", "Điều 2"]


def test_bad_places_and_ids_are_one_line_errors(database, decree) -> None:
    document_id, _ = decree
    with pytest.raises(ReaderError, match="no sentence 9 in paragraph 2"):
        add_bookmark(database, document_id, 1, 8)
    with pytest.raises(UnknownDocumentError):
        add_bookmark(database, 999, 0, 0)
    with pytest.raises(UnknownBookmarkError):
        remove_bookmark(database, "no-such-uuid")
    with pytest.raises(ReaderError):
        bookmark_quote(database, document_id, "không có trong văn bản")


def test_bookmarks_follow_their_sentence_through_a_reimport(database, decree) -> None:
    document_id, path = decree
    kept, _ = add_bookmark(database, document_id, 1, 1)
    retyped, _ = add_bookmark(database, document_id, 2, 0, "typo fixed later")
    gone, _ = add_bookmark(database, document_id, 0, 0, "heading removed later")
    path.write_text(
        "Lời nói đầu mới.\n\nMột đoạn mới được thêm vào.\n\n"
        "Điều 1. Nghị định này quy định về công tác văn thư. Văn bản phải được lưu trữ.\n\n"
        "Điều 2. Cơ quan, tổ chức phải bảo đảm an toàn thông tinn.\n",
        encoding="utf-8",
    )
    assert add_document(database, path, language="vi").document_id == document_id
    document = get_document(database, document_id)
    placed = {b.uuid: b for b in list_bookmarks(database, document_id)}
    moved = placed[kept.uuid]
    assert moved.status == ANCHORED and (moved.block_index, moved.sentence_index) == (2, 1)
    sentence = document.blocks[moved.block_index].sentences[moved.sentence_index]
    assert sentence.text == kept.exact
    assert placed[retyped.uuid].status == ANCHORED and placed[retyped.uuid].block_index == 3
    assert placed[gone.uuid].status == ORPHAN  # its words are gone: not put on others
    assert placed[gone.uuid].exact == gone.exact
    assert list(placed)[-1] == gone.uuid  # orphans last


def test_a_removed_document_takes_its_bookmarks(database, decree) -> None:
    from reader.core.library import remove_document

    document_id, _ = decree
    add_bookmark(database, document_id, 1, 0)
    remove_document(database, document_id)
    assert list_bookmarks(database) == []
