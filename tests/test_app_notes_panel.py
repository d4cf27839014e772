"""The notes panel (pytest-qt): listing, filters, jump, edit/delete with undo (written off the
GUI thread), rendered Markdown, orphans."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QUndoStack

from reader.app.notes_panel import NotesPanel, markdown_html
from reader.app.ops import ChangeBus
from reader.app.reading.view import DocumentView
from reader.app.workers import Workers
from reader.core.library import add_document, get_document
from reader.core.notes.service import (
    annotate_quote,
    annotate_selection,
    annotate_translation_selection,
    highlights,
    list_annotations,
)
from reader.core.notes.translations import SentenceTranslation
from reader.core.side import Side
from reader.core.translate.service import TranslatedSentence, TranslationService
from tests.app_support import WAIT_MS

TARGET = Side.TRANSLATION


@pytest.fixture
def workers(qapp):
    pool = Workers()
    yield pool
    pool.wait()


@pytest.fixture
def panel(qtbot, database, document_id, workers) -> NotesPanel:
    panel = NotesPanel(database, workers, ChangeBus())
    qtbot.addWidget(panel)
    panel.show()
    panel.set_document(document_id)
    settle(qtbot, panel)
    return panel


def settle(qtbot, panel: NotesPanel) -> None:
    """Wait for the writes asked for and the list load they cause."""
    qtbot.waitUntil(lambda: panel.workers.write_pool.activeThreadCount() == 0, timeout=WAIT_MS)
    qtbot.wait(10)  # their results, queued to this thread
    qtbot.waitUntil(lambda: not panel.loading, timeout=WAIT_MS)


def reload(qtbot, panel: NotesPanel) -> None:
    panel.reload()
    settle(qtbot, panel)


def texts(panel: NotesPanel) -> list[str]:
    return [panel.list.item(row).text() for row in range(panel.list.count())]


def test_lists_in_reading_order_and_filters_by_colour_and_tag(qtbot, panel, database, document_id):
    annotate_quote(database, document_id, "cản bộ", colour="pink", tags=["typo"], note="sửa")
    annotate_quote(database, document_id, "Trương Thị Mai", colour="green")
    panel.set_document(document_id)
    settle(qtbot, panel)
    assert [t.splitlines()[0] for t in texts(panel)] == ["“Trương Thị Mai”", "“cản bộ”"]
    panel.colour_filter.setCurrentIndex(panel.colour_filter.findData("pink"))
    settle(qtbot, panel)
    assert texts(panel) == ["“cản bộ”\nsửa\n#typo"]
    panel.colour_filter.setCurrentIndex(0)
    panel.tag_filter.setCurrentIndex(panel.tag_filter.findData("typo"))
    settle(qtbot, panel)
    assert len(texts(panel)) == 1


def highlight(panel: NotesPanel, colour: str) -> None:
    """Highlight the start of block 3 as the window does: the core write (the window's Op),
    then the panel told, which makes it undoable and shows it."""
    annotation = annotate_selection(panel.database, panel.document_id, 3, 0, 15, colour=colour)
    panel.push_added(annotation)
    panel.reload()


def test_one_click_on_an_annotation_asks_the_window_to_jump_there(qtbot, panel):
    from PySide6.QtCore import Qt

    highlight(panel, "blue")
    settle(qtbot, panel)
    rect = panel.list.visualItemRect(panel.list.item(0))
    with qtbot.waitSignal(panel.jump_requested) as jump:
        qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert jump.args == [3, 0, 15]


def test_highlight_edit_and_delete_are_undoable(qtbot, panel, database, document_id):
    highlight(panel, "yellow")
    settle(qtbot, panel)
    (added,) = list_annotations(database, document_id)
    uuid = added.uuid
    with qtbot.waitSignal(panel.status_message) as said:
        panel.edit(uuid, note="ghi chú", colour="green")
        settle(qtbot, panel)
    assert said.args == ["Note saved"]
    assert list_annotations(database, document_id)[0].note == "ghi chú"
    panel.list.setCurrentRow(0)
    panel.delete_current()
    settle(qtbot, panel)
    assert list_annotations(database, document_id) == [] and texts(panel) == []
    assert panel.hint_label.text() == "Deleted — Ctrl+Z to undo" and panel.hint_label.isVisible()
    stack: QUndoStack = panel.undo_stack
    stack.undo()  # the delete
    settle(qtbot, panel)
    (restored,) = list_annotations(database, document_id)
    assert (restored.uuid, restored.note, restored.colour) == (uuid, "ghi chú", "green")
    assert len(texts(panel)) == 1 and panel.hint_label.isHidden()
    stack.undo()  # the edit
    settle(qtbot, panel)
    assert list_annotations(database, document_id)[0].note == ""
    stack.undo()  # the highlight
    settle(qtbot, panel)
    assert list_annotations(database, document_id) == [] and texts(panel) == []
    stack.redo()
    settle(qtbot, panel)
    assert [a.uuid for a in list_annotations(database, document_id)] == [uuid]


def test_quick_undo_and_redo_reach_the_database_in_order(qtbot, panel, database, document_id):
    highlight(panel, "yellow")
    settle(qtbot, panel)
    (note,) = list_annotations(database, document_id)
    panel.delete(note.uuid)
    for _ in range(3):  # without waiting: the writes queue up
        panel.undo_stack.undo()
        panel.undo_stack.redo()
    panel.undo_stack.undo()
    settle(qtbot, panel)
    assert [a.uuid for a in list_annotations(database, document_id)] == [note.uuid]


def test_a_writer_holding_the_database_does_not_stall_the_gui_thread(
    qtbot, panel, database, document_id
):
    """Another connection holds the write lock for 2 s (BEGIN IMMEDIATE) while the reader
    deletes a note and undoes it: the GUI thread's longest pause stays short, and both writes
    land once the lock is released."""
    import sqlite3

    from reader.core.paths import database_path

    annotate_quote(database, document_id, "Trương Thị Mai")
    reload(qtbot, panel)
    (note,) = list_annotations(database, document_id)
    locked, release = threading.Event(), threading.Event()

    def hold_lock() -> None:
        other = sqlite3.connect(database_path(), timeout=10)
        other.execute("BEGIN IMMEDIATE")
        locked.set()
        release.wait(2.0)
        other.rollback()
        other.close()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    locked.wait(5)
    gaps, last = [], [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer(interval=5)
    timer.timeout.connect(tick)
    timer.start()
    tick_start = time.perf_counter()
    last[0] = tick_start
    panel.delete(note.uuid)
    panel.undo_stack.undo()
    qtbot.waitUntil(lambda: time.perf_counter() - tick_start > 2.2, timeout=WAIT_MS)
    timer.stop()
    holder.join()
    settle(qtbot, panel)
    longest = max(gaps)
    print(f"GUI thread's longest block while another writer held the lock: {longest * 1000:.0f} ms")
    assert longest < 0.05
    assert [a.uuid for a in list_annotations(database, document_id)] == [note.uuid]


def test_notes_are_shown_rendered_from_their_markdown(qtbot, panel, database, document_id):
    annotate_quote(database, document_id, "Trương Thị Mai", note="**Quan trọng** — xem *lại*")
    reload(qtbot, panel)
    from reader.app.notes_panel import HTML_ROLE

    shown = panel.list.item(0).data(HTML_ROLE)
    assert "<strong>Quan trọng</strong>" in shown and "<em>lại</em>" in shown
    assert "**" not in shown
    assert "&lt;script&gt;" in markdown_html("<script>x</script>")  # raw HTML stays text


def test_orphans_are_listed_with_their_quote_and_do_not_jump(
    qtbot, panel, database, document_id, sample_copy
):
    annotate_quote(database, document_id, "Huân chương Lao động hạng Ba")
    text = sample_copy.read_text(encoding="utf-8").replace("Huân chương Lao động hạng Ba", "X")
    sample_copy.write_text(text, encoding="utf-8")
    add_document(database, sample_copy)
    reload(qtbot, panel)
    (line,) = texts(panel)
    assert line.startswith("⚠ orphan") and "Huân chương Lao động hạng Ba" in line
    with qtbot.assertNotEmitted(panel.jump_requested):
        panel.list.itemActivated.emit(panel.list.item(0))


def test_an_empty_list_says_how_to_add_notes(qtbot, panel, database, document_id):
    assert not panel.empty_label.isHidden() and "press 1–5" in panel.empty_label.text()
    annotate_quote(database, document_id, "Trương Thị Mai", colour="green")
    reload(qtbot, panel)
    assert panel.empty_label.isHidden()
    panel.colour_filter.setCurrentIndex(panel.colour_filter.findData("pink"))
    settle(qtbot, panel)
    assert not panel.empty_label.isHidden() and "filters" in panel.empty_label.text()
    panel.set_document(None)
    assert panel.empty_label.isHidden()


def test_the_list_loads_off_the_gui_thread_and_stale_loads_are_dropped(
    qtbot, database, document_id, workers
):
    annotate_quote(database, document_id, "Trương Thị Mai", colour="green")
    panel = NotesPanel(database, workers, ChangeBus())
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
    qtbot, panel, database, document_id, installed_vi_en
):
    _translation_note(database, document_id)
    service, document = TranslationService(database), get_document(database, document_id)
    service.save_edit(document, 3, 0, MOVED, to_code="en")
    reload(qtbot, panel)
    assert texts(panel) == ["“key part”  (translation)"]
    changes = service.save_edit(document, 3, 0, GONE, to_code="en").changes
    panel.bus.changed.emit(changes, None)  # as the window's Op does
    settle(qtbot, panel)
    (line,) = texts(panel)
    assert line.startswith("⚠ orphan") and "key part" in line


def test_a_private_note_is_marked_and_the_author_shown_once_there_are_two(
    qtbot, panel, database, document_id, monkeypatch
):
    from reader.app.notes_panel import PRIVATE_MARK

    monkeypatch.setenv("BIREADER_AUTHOR", "lan")
    annotate_quote(database, document_id, "Trương Thị Mai", note="riêng", private=True)
    reload(qtbot, panel)
    (alone,) = texts(panel)
    assert PRIVATE_MARK in alone and "lan" not in alone  # one author: no name
    monkeypatch.setenv("BIREADER_AUTHOR", "minh")
    annotate_quote(database, document_id, "cản bộ", note="chung")
    reload(qtbot, panel)
    headings = {text.split("\n")[0] for text in texts(panel)}
    assert headings == {
        f"“Trương Thị Mai”  — lan {PRIVATE_MARK}",
        "“cản bộ”  — minh",
    }


def test_editing_a_note_can_make_it_private_and_undo_makes_it_public_again(
    qtbot, panel, database, document_id
):
    from PySide6.QtWidgets import QApplication

    from reader.app.dialogs import NoteDialog

    annotate_quote(database, document_id, "cản bộ", note="chung", tags=["x"])
    reload(qtbot, panel)
    panel.list.setCurrentRow(0)

    def make_private() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, NoteDialog) and dialog.values() == ("chung", ["x"], "yellow")
        dialog.private_box.setChecked(True)
        dialog.accept()

    QTimer.singleShot(0, make_private)
    panel.edit_button.click()
    settle(qtbot, panel)
    (note,) = list_annotations(database, document_id)
    assert (note.private, note.note, note.tags) == (True, "chung", ("x",))
    panel.undo_stack.undo()
    settle(qtbot, panel)
    assert list_annotations(database, document_id)[0].private is False
