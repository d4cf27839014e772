"""The notes panel (pytest-qt): listing, filters, jump, edit/delete with undo, orphans."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QUndoStack

from reader.app.notes_panel import NotesPanel
from reader.app.reading.view import DocumentView
from reader.core.library import add_document, get_document
from reader.core.notes.service import (
    annotate_quote,
    annotate_translation_selection,
    highlights,
    list_annotations,
)
from reader.core.notes.translations import SentenceTranslation
from reader.core.side import Side
from reader.core.translate.service import TranslatedSentence, TranslationService


@pytest.fixture
def panel(qtbot, database, document_id) -> NotesPanel:
    panel = NotesPanel(database)
    qtbot.addWidget(panel)
    panel.set_document(document_id)
    return panel


def texts(panel: NotesPanel) -> list[str]:
    return [panel.list.item(row).text() for row in range(panel.list.count())]


def test_lists_in_reading_order_and_filters_by_colour_and_tag(panel, database, document_id):
    annotate_quote(database, document_id, "cản bộ", colour="pink", tags=["typo"], note="sửa")
    annotate_quote(database, document_id, "Trương Thị Mai", colour="green")
    panel.set_document(document_id)
    assert [t.splitlines()[0] for t in texts(panel)] == ["“Trương Thị Mai”", "“cản bộ”"]
    panel.colour_filter.setCurrentIndex(panel.colour_filter.findData("pink"))
    assert texts(panel) == ["“cản bộ”\nsửa\n#typo"]
    panel.colour_filter.setCurrentIndex(0)
    panel.tag_filter.setCurrentIndex(panel.tag_filter.findData("typo"))
    assert len(texts(panel)) == 1


def test_activating_an_annotation_asks_the_window_to_jump_there(qtbot, panel):
    uuid = panel.add_highlight(3, 0, 15, "blue")
    assert panel.current_uuid() is None or panel.current_uuid() == uuid
    with qtbot.waitSignal(panel.jump_requested) as jump:
        panel.list.itemActivated.emit(panel.list.item(0))
    assert jump.args == [3, 0, 15]


def test_highlight_edit_and_delete_are_undoable(qtbot, panel, database, document_id):
    with qtbot.waitSignal(panel.annotations_changed):
        uuid = panel.add_highlight(3, 0, 15, "yellow")
    panel.edit(uuid, note="ghi chú", colour="green")
    assert list_annotations(database, document_id)[0].note == "ghi chú"
    panel.list.setCurrentRow(0)
    panel.delete_current()
    assert list_annotations(database, document_id) == [] and texts(panel) == []
    stack: QUndoStack = panel.undo_stack
    stack.undo()  # the delete
    (restored,) = list_annotations(database, document_id)
    assert (restored.uuid, restored.note, restored.colour) == (uuid, "ghi chú", "green")
    stack.undo()  # the edit
    assert list_annotations(database, document_id)[0].note == ""
    stack.undo()  # the highlight
    assert list_annotations(database, document_id) == []
    stack.redo()
    assert [a.uuid for a in list_annotations(database, document_id)] == [uuid]


def test_orphans_are_listed_with_their_quote_and_do_not_jump(
    qtbot, panel, database, document_id, sample_copy
):
    annotate_quote(database, document_id, "Huân chương Lao động hạng Ba")
    text = sample_copy.read_text(encoding="utf-8").replace("Huân chương Lao động hạng Ba", "X")
    sample_copy.write_text(text, encoding="utf-8")
    add_document(database, sample_copy)
    panel.reload()
    (line,) = texts(panel)
    assert line.startswith("⚠ orphan") and "Huân chương Lao động hạng Ba" in line
    with qtbot.assertNotEmitted(panel.jump_requested):
        panel.list.itemActivated.emit(panel.list.item(0))


def test_an_empty_list_says_how_to_add_notes(panel, database, document_id):
    assert not panel.empty_label.isHidden() and "press 1–5" in panel.empty_label.text()
    annotate_quote(database, document_id, "Trương Thị Mai", colour="green")
    panel.reload()
    assert panel.empty_label.isHidden()
    panel.colour_filter.setCurrentIndex(panel.colour_filter.findData("pink"))
    assert not panel.empty_label.isHidden() and "filters" in panel.empty_label.text()
    panel.set_document(None)
    assert panel.empty_label.isHidden()


def test_with_workers_the_list_loads_off_the_gui_thread_and_stale_loads_are_dropped(
    qtbot, database, document_id
):
    from reader.app.workers import Workers

    annotate_quote(database, document_id, "Trương Thị Mai", colour="green")
    workers = Workers()
    panel = NotesPanel(database, submit=workers.submit)
    qtbot.addWidget(panel)
    panel.set_document(document_id)
    assert panel.loading  # not read on the GUI thread
    qtbot.waitUntil(lambda: panel.list.count() == 1)
    panel.set_document(document_id)
    panel.set_document(None)  # before the load above comes back
    workers.wait()
    qtbot.wait(50)
    assert panel.list.count() == 0 and not panel.loading


# --- translation-side notes when the translation changed ---------------------------------------

MADE_ON = "Internal political protection is a key part of the work."
MOVED = "A key part of the work is internal political protection."
GONE = "Protecting internal politics matters a great deal."


def _translation_note(database, document_id, quote: str = "key part"):
    start = MADE_ON.index(quote)
    return annotate_translation_selection(
        database,
        document_id,
        3,
        0,
        SentenceTranslation(MADE_ON, "translate-vi_en@1.9"),
        start,
        start + len(quote),
        colour="green",
    )


def test_the_window_paints_a_translation_highlight_on_its_words_or_not_at_all(
    qtbot, database, document_id
):
    _translation_note(database, document_id)
    document = get_document(database, document_id)
    view = DocumentView()
    qtbot.addWidget(view)

    def shown(translation: str, edited: bool) -> list[tuple[int, int, str, bool]]:
        source = document.blocks[3].sentences[0].text
        view.add_translations([TranslatedSentence(3, 0, source, translation, True, edited)])
        return view.highlight_ranges(Side.TRANSLATION, 3)

    view.set_document(document)
    view.set_highlights(highlights(document, list_annotations(database, document_id)))
    assert shown(MADE_ON, False) == [(35, 43, "green", True)]  # nothing changed
    ((start, end, _, _),) = shown(MOVED, True)  # the user's edit moved the words
    assert MOVED[start:end] == "key part"
    assert shown(GONE, True) == []  # its words are gone: an orphan, painted nowhere


def test_a_translation_note_whose_words_the_edit_removed_is_listed_as_an_orphan(
    panel, database, document_id, installed_vi_en
):
    _translation_note(database, document_id)
    service, document = TranslationService(database), get_document(database, document_id)
    service.save_edit(document, 3, 0, MOVED, to_code="en")
    panel.reload()
    assert texts(panel) == ["“key part”  (translation)"]
    service.save_edit(document, 3, 0, GONE, to_code="en")
    panel.reload()
    (line,) = texts(panel)
    assert line.startswith("⚠ orphan") and "key part" in line
