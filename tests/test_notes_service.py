"""The annotation service: create, edit, delete/undo, list and filter; and re-anchoring when a
changed file is added to the library again (the library's update hook)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.errors import ReaderError
from reader.core.library import UnknownDocumentError, add_document, get_document, remove_document
from reader.core.notes.anchoring import DocumentText
from reader.core.notes.models import AnnotationRow
from reader.core.notes.service import (
    UnknownAnnotationError,
    annotate_quote,
    annotate_selection,
    annotate_translation_selection,
    delete_annotation,
    delete_document_annotations,
    get_annotation,
    highlights,
    list_annotations,
    list_tags,
    on_current_translations,
    place_on_translations,
    restore_annotation,
    translation_highlight_span,
    update_annotation,
)
from reader.core.notes.translations import SentenceTranslation


def _count_rows(database) -> int:
    with database.session() as session:
        return session.query(AnnotationRow).count()


def test_quote_annotation_records_selectors_note_tags_and_colour(database, document_id):
    note = annotate_quote(
        database,
        document_id,
        "cản bộ",
        note="typo: **cán bộ**",
        colour="pink",
        tags=["typo", " typo ", "chính tả"],
    )
    stored = get_annotation(database, note.uuid)
    document = get_document(database, document_id)
    block = document.blocks[stored.anchor.block_index]
    assert block.text[stored.anchor.start : stored.anchor.end] == "cản bộ"
    text = DocumentText.of(document).text
    assert text[stored.anchor.doc_start : stored.anchor.doc_end] == "cản bộ"
    assert stored.anchor.prefix.endswith("đối với ") and len(stored.anchor.prefix) == 32
    assert stored.anchor.suffix.startswith(" khi xem xét")
    assert (stored.note, stored.colour, stored.tags) == (
        "typo: **cán bộ**",
        "pink",
        ("chính tả", "typo"),
    )
    assert stored.status == "anchored" and stored.side == "original"
    assert stored.content_hash == document.content_hash
    assert stored.created_at == note.created_at


def test_missing_or_ambiguous_quote_and_bad_colour_write_nothing(database, document_id):
    with pytest.raises(ReaderError, match="does not occur"):
        annotate_quote(database, document_id, "không hề có trong văn bản")
    with pytest.raises(ReaderError, match=r"occurs \d+ times.*--occurrence"):
        annotate_quote(database, document_id, "Đảng")
    with pytest.raises(ReaderError, match="unknown colour"):
        annotate_quote(database, document_id, "cản bộ", colour="mauve")
    with pytest.raises(UnknownDocumentError):
        annotate_quote(database, 999, "cản bộ")
    assert _count_rows(database) == 0
    third = annotate_quote(database, document_id, "Đảng", occurrence=3)
    text = DocumentText.of(get_document(database, document_id))
    assert third.anchor.doc_start == text.occurrences("Đảng")[2]


def test_selection_edit_delete_and_undo(database, document_id):
    note = annotate_selection(database, document_id, 3, 0, 15, note="first", tags=["a"])
    assert note.quote == "Công tác BVCTNB"
    edited = update_annotation(database, note.uuid, note="second", colour="green", tags=["b", "c"])
    assert (edited.note, edited.colour, edited.tags) == ("second", "green", ("b", "c"))
    assert edited.updated_at >= note.updated_at and edited.created_at == note.created_at
    deleted = delete_annotation(database, note.uuid)
    assert list_annotations(database, document_id) == []
    with pytest.raises(UnknownAnnotationError):
        get_annotation(database, note.uuid)
    restore_annotation(database, deleted)  # undo
    assert list_annotations(database, document_id) == [deleted]


def test_each_write_reports_the_annotation_row_it_touched(database, document_id):
    note = annotate_selection(database, document_id, 3, 0, 15)
    [stored] = list_annotations(database, document_id)
    assert note.changes.annotations == {stored.id}
    assert update_annotation(database, note.uuid, tags=["x"]).changes == note.changes
    deleted = delete_annotation(database, note.uuid)
    assert deleted.changes == note.changes
    restored = restore_annotation(database, deleted)
    [back] = list_annotations(database, document_id)
    assert restored.changes.annotations == {back.id}
    assert restored.changes.touches_document(document_id)


def test_list_filters_by_colour_tag_status_and_orders_by_position(database, document_id):
    later = annotate_quote(database, document_id, "cản bộ", colour="blue", tags=["x"])
    earlier = annotate_selection(database, document_id, 1, 0, 5, colour="blue")
    annotate_selection(database, document_id, 2, 0, 5, colour="green", tags=["x", "y"])
    assert [n.uuid for n in list_annotations(database, document_id, colour="blue")] == [
        earlier.uuid,
        later.uuid,
    ]
    assert {n.colour for n in list_annotations(database, tag="x")} == {"blue", "green"}
    assert list_annotations(database, status="orphan") == []
    assert list_tags(database) == ["x", "y"]


def test_deleting_a_documents_annotations_writes(database, document_id):
    annotate_quote(database, document_id, "cản bộ")
    annotate_selection(database, document_id, 1, 0, 5)
    assert delete_document_annotations(database, document_id) == 2
    assert _count_rows(database) == 0


def test_removing_the_document_removes_its_annotations(database, document_id):
    annotate_quote(database, document_id, "cản bộ")
    remove_document(database, document_id)
    assert _count_rows(database) == 0


def test_translation_side_annotation_records_the_translation_it_was_made_on(database, document_id):
    document = get_document(database, document_id)
    block = document.blocks[3]
    translation = SentenceTranslation(
        "Internal political protection is a key part.", "translate-vi_en@1.9"
    )
    note = annotate_translation_selection(
        database, document_id, 3, 0, translation, 0, 29, note="term"
    )
    assert note.side == "translation"
    assert note.quote == "Internal political protection"
    assert note.translation.origin == "translate-vi_en@1.9"
    assert note.anchor.exact == block.sentences[0].text  # the aligned source sentence
    by_quote = annotate_quote(
        database,
        document_id,
        "key part",
        side="translation",
        translations={(3, 0): translation},
    )
    assert (by_quote.translation.start, by_quote.translation.end) == (35, 43)


TYPOS = (("cản bộ", "cán bộ"), ("tiêu chỉ", "tiêu chí"), ("bổ trí", "bố trí"))


def _fix_typos(text: str) -> str:
    for wrong, right in TYPOS:
        text = text.replace(wrong, right)
    return text


def _edit_sample(path: Path) -> None:
    """Fix the known typos, delete a paragraph, insert one, move one (a one-line paragraph)."""
    text = path.read_text(encoding="utf-8")
    assert all(wrong in text for wrong, _ in TYPOS)
    paragraphs = _fix_typos(text).split("\n\n")
    deleted = next(i for i, p in enumerate(paragraphs) if p.startswith("- Tham mưu Tiểu ban"))
    del paragraphs[deleted]
    paragraphs.insert(4, "Đoạn mới: công tác bảo vệ chính trị nội bộ được tăng cường.")
    paragraphs.insert(2, paragraphs.pop(-2))
    path.write_text("\n\n".join(paragraphs), encoding="utf-8")


def test_reimport_of_a_changed_file_reanchors_every_annotation_or_orphans_it(
    database, document_id, sample_copy
):
    document = get_document(database, document_id)
    notes = [
        annotate_selection(database, document_id, block.index, s.start, s.end)
        for block, s in document.iter_sentences()
    ]
    typo = annotate_quote(database, document_id, "cản bộ", note="typo")
    _edit_sample(sample_copy)

    result = add_document(database, sample_copy)

    assert (result.status, result.document_id) == ("updated", document_id)
    new_document = get_document(database, document_id)
    new_text = DocumentText.of(new_document).text
    by_uuid = {note.uuid: note for note in list_annotations(database, document_id)}
    orphans = [n for n in by_uuid.values() if n.status == "orphan"]
    for note in by_uuid.values():
        if note.status == "anchored":
            assert new_text[note.anchor.doc_start : note.anchor.doc_end] == note.anchor.exact
            assert note.content_hash == new_document.content_hash
    assert orphans, "the deleted paragraph's sentences must be orphans"
    assert all(o.anchor.exact in DocumentText.of(document).text for o in orphans)
    assert all(o.anchor.exact not in new_text for o in orphans)
    kept = [n for n in notes if by_uuid[n.uuid].status == "anchored"]
    assert len(kept) >= 0.95 * (len(notes) - len(orphans))
    for old in kept:  # each anchored sentence still has its own words, typos fixed
        assert by_uuid[old.uuid].anchor.exact == _fix_typos(old.anchor.exact)
    assert by_uuid[typo.uuid].status == "anchored"
    assert by_uuid[typo.uuid].quote == "cán bộ"


def test_translation_side_annotation_follows_an_unchanged_sentence_and_orphans_otherwise(
    database, document_id, sample_copy
):
    document = get_document(database, document_id)
    translation = SentenceTranslation("Some translation.", "edited")
    unchanged = annotate_translation_selection(database, document_id, 3, 0, translation, 0, 4)
    typo_block = next(b for b in document.blocks if "cản bộ" in b.text)
    sentence = next(s for s in typo_block.sentences if "cản bộ" in s.text)
    changed = annotate_translation_selection(
        database, document_id, typo_block.index, sentence.index, translation, 0, 4
    )
    _edit_sample(sample_copy)
    add_document(database, sample_copy)
    new_document = get_document(database, document_id)
    moved = get_annotation(database, unchanged.uuid)
    assert moved.status == "anchored"
    new_block = new_document.blocks[moved.anchor.block_index]
    assert new_block.sentences[moved.translation.sentence_index].text == unchanged.anchor.exact
    assert get_annotation(database, changed.uuid).status == "orphan"


def test_highlights_per_block_mark_the_touched_sentences(database, document_id):
    document = get_document(database, document_id)
    block = next(b for b in document.blocks if len(b.sentences) >= 2)
    first, second = block.sentences[0], block.sentences[1]
    across = annotate_selection(
        database, document_id, block.index, first.end - 3, second.start + 3, colour="blue"
    )
    translation = SentenceTranslation("A translated sentence.", "edited")
    on_target = annotate_translation_selection(
        database, document_id, block.index, 1, translation, 2, 12
    )
    painted = highlights(document, list_annotations(database, document_id))
    by_uuid = {h.uuid: h for h in painted[block.index]}
    assert by_uuid[across.uuid].sentences == (0, 1)
    assert (by_uuid[across.uuid].start, by_uuid[across.uuid].colour) == (first.end - 3, "blue")
    assert (by_uuid[on_target.uuid].side, by_uuid[on_target.uuid].sentences) == (
        "translation",
        (1,),
    )
    assert (by_uuid[on_target.uuid].start, by_uuid[on_target.uuid].end) == (2, 12)


# --- translation-side annotations on a translation that changed --------------------------------

MADE_ON = "Internal political protection is a key part of the work."
MOVED = "A key part of the work is internal political protection."  # the user reworded it
GONE = "Protecting internal politics matters a great deal."  # another model: other words


def _on_translation(database, document_id, quote: str, translation: str = MADE_ON):
    start = translation.index(quote)
    return annotate_translation_selection(
        database,
        document_id,
        3,
        0,
        SentenceTranslation(translation, "translate-vi_en@1.9"),
        start,
        start + len(quote),
        colour="green",
    )


def test_translation_highlight_is_painted_where_its_words_are_in_the_translation_shown(
    database, document_id
):
    note = _on_translation(database, document_id, "key part")
    document = get_document(database, document_id)
    (mark,) = highlights(document, list_annotations(database, document_id))[3]
    assert translation_highlight_span(mark, MADE_ON) == (35, 43)  # unchanged: as stored
    start, end = translation_highlight_span(mark, MOVED)
    assert MOVED[start:end] == "key part"
    assert translation_highlight_span(mark, GONE) is None  # an orphan: nothing painted
    assert get_annotation(database, note.uuid) == note  # placing writes nothing


def test_placing_on_known_translations_moves_or_orphans_only_translation_side_notes(
    database, document_id
):
    moved = _on_translation(database, document_id, "key part")
    other = annotate_translation_selection(
        database, document_id, 4, 0, SentenceTranslation("Not known here.", "edited"), 0, 3
    )
    original = annotate_quote(database, document_id, "cản bộ")
    notes = list_annotations(database, document_id)
    by_uuid = {
        n.uuid: n
        for n in place_on_translations(notes, {(3, 0): SentenceTranslation(MOVED, "edited")})
    }
    placed = by_uuid[moved.uuid]
    assert placed.status == "anchored" and placed.quote == "key part"
    assert MOVED[placed.translation.start : placed.translation.end] == "key part"
    assert by_uuid[other.uuid] == other  # its sentence's translation is not known: as stored
    assert by_uuid[original.uuid] == original
    gone = place_on_translations(notes, {(3, 0): SentenceTranslation(GONE, "edited")})
    assert {n.uuid: n.status for n in gone}[moved.uuid] == "orphan"


def test_the_users_edit_of_the_translation_moves_or_orphans_its_notes(
    database, document_id, installed_vi_en
):
    from reader.core.translate.service import TranslationService

    note = _on_translation(database, document_id, "key part")
    document = get_document(database, document_id)
    service = TranslationService(database)

    def current():
        (found,) = on_current_translations(
            database, document_id, list_annotations(database, document_id)
        )
        return found

    service.save_edit(document, 3, 0, MADE_ON, to_code="en")
    assert current() == note  # nothing changed: in place, untouched
    service.save_edit(document, 3, 0, MOVED, to_code="en")
    assert (current().status, current().quote) == ("anchored", "key part")
    assert current().translation.start == MOVED.index("key part")
    service.save_edit(document, 3, 0, GONE, to_code="en")
    assert current().status == "orphan"
    service.save_edit(document, 3, 0, MADE_ON, to_code="en")  # the edit undone: back in place
    assert current() == note
    assert get_annotation(database, note.uuid) == note
