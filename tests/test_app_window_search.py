"""Library search in the window: folded matches, hits opened and selected, notes found."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from reader.core.side import Side
from reader.core.storage import open_database
from tests.app_support import (
    WAIT_MS,
    make_window,
    open_and_wait,
)
from tests.conftest import SAMPLE

SOURCE, TARGET = Side.ORIGINAL, Side.TRANSLATION


@pytest.fixture
def window(qtbot):
    return make_window(qtbot)


def test_library_search_finds_folded_text_and_opens_the_hit(qtbot, window, tmp_path) -> None:
    sample = open_and_wait(qtbot, window, SAMPLE)
    other = tmp_path / "other.md"
    other.write_text("# Khác\n\nMột văn bản khác.\n", encoding="utf-8")
    open_and_wait(qtbot, window, other)
    control_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    window.activateWindow()
    window.document_view.source_pane.setFocus()
    qtbot.keyClick(window.document_view.source_pane, Qt.Key.Key_F, control_shift)
    assert window.search_panel.isVisible()
    with qtbot.waitSignal(window.search.finished, timeout=WAIT_MS) as finished:
        window.search_panel.edit.setText("viet")
        qtbot.keyClick(window.search_panel.edit, Qt.Key.Key_Return)
    hits = finished.args[0]
    assert hits and window.search_panel.hits == hits
    hit = hits[0]
    assert hit.document_id == sample.document_id and "Việt Nam" in hit.snippet
    with qtbot.waitSignal(window.document_opened, timeout=WAIT_MS):
        window.search_panel.results.itemActivated.emit(window.search_panel.hit_item(0))
    view = window.document_view
    assert window.opened.document_id == sample.document_id
    assert hit.block_index in view.visible_blocks(view.source_pane)
    side, (block, _start), _end = view.selection()
    assert (side, block) == (SOURCE, hit.block_index) and view.selected_text() == "Việt"


def test_a_note_found_by_the_library_search_selects_what_it_annotates(qtbot, window) -> None:
    from reader.core.notes.service import annotate_selection

    opened = open_and_wait(qtbot, window, SAMPLE)
    database = open_database()
    annotate_selection(database, opened.document_id, 5, 10, 25, note="Ghi chú đặc biệt")
    database.close()
    with qtbot.waitSignal(window.search.finished, timeout=WAIT_MS) as finished:
        window.search.search("dac biet")
    (hit,) = finished.args[0]
    assert hit.kind == "note" and "<b>" not in hit.snippet
    window.search.open_hit(hit)
    view = window.document_view
    qtbot.waitUntil(lambda: view.selection() is not None, timeout=WAIT_MS)
    assert view.selection() == (SOURCE, (5, 10), (5, 25))
