"""Highlights and notes made in the reading view, painted on both panes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from reader.core.side import Side
from reader.core.storage import open_database
from tests.app_support import (
    WAIT_MS,
    annotations_of,
    long_document,
    make_window,
    open_and_wait,
    wait_highlights,
    wait_translated,
)
from tests.conftest import SAMPLE

SOURCE, TARGET = Side.ORIGINAL, Side.TRANSLATION


@pytest.fixture
def window(qtbot):
    return make_window(qtbot)


def test_key_1_highlights_the_original_selection_on_both_panes_and_undo_removes_it(
    qtbot, window, installed_vi_en
) -> None:

    opened = open_and_wait(qtbot, window, SAMPLE)
    wait_translated(qtbot, window)
    wait_highlights(qtbot, window)
    view = window.document_view
    view.select_source((3, 0), (3, 15))
    window.activateWindow()
    view.source_pane.setFocus()
    with qtbot.waitSignal(window.annotations.highlights_shown, timeout=WAIT_MS):
        qtbot.keyClick(view.source_pane, Qt.Key.Key_1)
    (annotation,) = annotations_of(opened.document_id)
    block = opened.document.blocks[3]
    assert (annotation.side, annotation.colour) == ("original", "yellow")
    assert annotation.anchor.exact == block.text[:15]
    assert view.highlight_ranges(SOURCE, 3) == [(0, 15, "yellow", True)]
    # The translation of the sentence holding it gets a light tint of the same colour.
    assert view.highlight_ranges(TARGET, 3) == [(*view.text.target(3).ranges[0], "yellow", False)]
    qtbot.waitUntil(lambda: window.notes_panel.list.count() == 1, timeout=WAIT_MS)
    with qtbot.waitSignal(window.annotations.highlights_shown, timeout=WAIT_MS):
        qtbot.keyClick(view.source_pane, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert annotations_of(opened.document_id) == []
    assert view.highlight_ranges(SOURCE, 3) == view.highlight_ranges(TARGET, 3) == []
    qtbot.waitUntil(lambda: window.notes_panel.list.count() == 0, timeout=WAIT_MS)


def test_a_translation_selection_is_highlighted_with_its_origin(
    qtbot, window, installed_vi_en
) -> None:
    opened = open_and_wait(qtbot, window, SAMPLE)
    wait_translated(qtbot, window)
    wait_highlights(qtbot, window)
    view = window.document_view
    first, last = view.text.target(4).ranges[1]  # the second sentence of the caption
    view.select(TARGET, (4, first + 1), (4, min(last, first + 9)))
    selected = view.selected_text()
    with qtbot.waitSignal(window.annotations.highlights_shown, timeout=WAIT_MS):
        window.annotations.highlight_selection("blue")
    (annotation,) = annotations_of(opened.document_id)
    assert annotation.side == "translation" and annotation.quote == selected
    assert annotation.translation.sentence_index == 1
    assert annotation.translation.origin == opened.route.key
    assert (first + 1, first + 1 + len(selected), "blue", True) in view.highlight_ranges(TARGET, 4)
    # The original sentence it translates gets the light tint.
    source = opened.document.blocks[4].sentences[1]
    assert view.highlight_ranges(SOURCE, 4) == [(source.start, source.end, "blue", False)]


def test_nothing_selected_highlights_nothing(qtbot, window, installed_vi_en) -> None:
    opened = open_and_wait(qtbot, window, SAMPLE)
    window.annotations.highlight_selection("green")
    assert "Select some text" in window.statusBar().currentMessage()
    assert annotations_of(opened.document_id) == []


def test_activating_a_note_scrolls_to_it_and_selects_it(qtbot, window, tmp_path) -> None:
    from reader.core.notes.service import annotate_selection

    path = long_document(tmp_path, 200)
    opened = open_and_wait(qtbot, window, path)  # no model: the jump needs none
    database = open_database()
    annotate_selection(database, opened.document_id, 150, 4, 10, note="xem lại")
    database.close()
    view = window.document_view
    panel = window.notes_panel
    panel.reload()
    qtbot.waitUntil(lambda: panel.list.count() == 1, timeout=WAIT_MS)
    assert view.top_block() < 5
    panel.list.itemActivated.emit(panel.list.item(0))
    assert 150 in view.visible_blocks(view.source_pane)
    assert view.selection() == (SOURCE, (150, 4), (150, 10))
    assert view.selected_text() == opened.document.blocks[150].text[4:10]


def test_add_note_saves_markdown_and_tags_on_the_selection(qtbot, window) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from reader.app.dialogs import NoteDialog

    opened = open_and_wait(qtbot, window, SAMPLE)
    wait_highlights(qtbot, window)
    window.document_view.select_source((3, 0), (3, 15))

    def fill_in() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, NoteDialog)
        dialog.editor.setPlainText("**Quan trọng**")
        dialog.tags_edit.setText("bvctnb, 2023")
        dialog.colour_box.setCurrentIndex(dialog.colour_box.findData("purple"))
        dialog.private_box.setChecked(True)
        dialog.accept()

    QTimer.singleShot(0, fill_in)
    with qtbot.waitSignal(window.annotations.highlights_shown, timeout=WAIT_MS):
        window.annotations.add_note()
    (annotation,) = annotations_of(opened.document_id)
    assert (annotation.note, annotation.tags, annotation.colour, annotation.private) == (
        "**Quan trọng**",
        ("2023", "bvctnb"),
        "purple",
        True,
    )
    assert window.document_view.highlight_ranges(SOURCE, 3) == [(0, 15, "purple", True)]


def test_a_selection_over_two_blocks_is_one_annotation_painted_on_both(qtbot, window) -> None:
    opened = open_and_wait(qtbot, window, SAMPLE)
    wait_highlights(qtbot, window)
    blocks = opened.document.blocks
    view = window.document_view
    view.select_source((3, 5), (4, 10))
    with qtbot.waitSignal(window.annotations.highlights_shown, timeout=WAIT_MS):
        window.annotations.highlight_selection("green")
    (annotation,) = annotations_of(opened.document_id)
    assert annotation.anchor.exact == blocks[3].text[5:] + "\n\n" + blocks[4].text[:10]
    assert view.highlight_ranges(SOURCE, 3) == [(5, len(blocks[3].text), "green", True)]
    assert view.highlight_ranges(SOURCE, 4) == [(0, 10, "green", True)]
