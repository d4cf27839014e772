"""The main window end to end, with the real engine and the tiny real Argos package: drag and
drop, keys, remembered geometry, the status bar."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent

from tests.app_support import (
    WAIT_MS,
    long_document,
    make_window,
    open_and_wait,
    wait_translated,
)
from tests.conftest import SAMPLE


@pytest.fixture
def window(qtbot):
    return make_window(qtbot)


def test_dropping_a_file_opens_it(qtbot, window, installed_vi_en) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(SAMPLE))])
    buttons, modifiers = Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(50, 50), Qt.DropAction.CopyAction, mime, buttons, modifiers)
    enter.setAccepted(False)
    # Qt only routes drag events during a real platform drag: call the handlers as Qt would.
    window.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, buttons, modifiers)
    with qtbot.waitSignal(window.document_opened, timeout=WAIT_MS) as opened:
        window.dropEvent(drop)
    assert opened.args[0].document.source_path == SAMPLE.resolve()
    assert window.settings.recent_files[0] == str(SAMPLE.resolve())
    wait_translated(qtbot, window)


def test_dropping_something_else_is_refused(window) -> None:
    mime = QMimeData()
    mime.setText("just text")
    enter = QDragEnterEvent(
        QPoint(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    enter.setAccepted(False)
    window.dragEnterEvent(enter)
    assert not enter.isAccepted()


def test_shortcuts(qtbot, window, installed_vi_en) -> None:
    open_and_wait(qtbot, window, SAMPLE)
    wait_translated(qtbot, window)
    view = window.document_view
    window.activateWindow()
    view.source_pane.setFocus()
    qtbot.keyClick(view.source_pane, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert view.find_bar.isVisible() and view.find_bar.edit.hasFocus()
    qtbot.keyClicks(view.find_bar.edit, "BVCTNB")
    assert view.match_count > 0
    qtbot.keyClick(view.find_bar.edit, Qt.Key.Key_Escape)
    assert not view.find_bar.isVisible()
    size = window.settings.font_size
    qtbot.keyClick(view.source_pane, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert window.settings.font_size == size + 1
    assert window.statusBar().currentMessage() == f"Text size {size + 1:g} pt"
    qtbot.keyClick(view.source_pane, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert window.settings.font_size == size
    qtbot.keyClick(view.source_pane, Qt.Key.Key_J)
    assert view.current == (0, 0)
    qtbot.keyClick(view.source_pane, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.isVisible())


def test_window_geometry_and_preferences_are_remembered(qtbot, installed_vi_en) -> None:
    first = make_window(qtbot, (900, 650))
    first.commands.set_synced(False)
    first.close()
    second = make_window(qtbot, (100, 100))
    second_size = second.settings.geometry("main")
    assert second_size is not None
    assert not second.menu_actions.sync.isChecked() and not second.document_view.synced


def test_contents_panel_lists_headings_and_scrolls_to_them(qtbot, window, tmp_path) -> None:
    filler = "\n\n".join(f"Đoạn văn số {n} về công tác bảo vệ chính trị." for n in range(60))
    path = tmp_path / "guide.md"
    path.write_text(
        f"# Hướng dẫn\n\n{filler}\n\n## Phần một\n\n{filler}\n\n### Chi tiết\n\n{filler}\n",
        encoding="utf-8",
    )
    opened = open_and_wait(qtbot, window, path)
    panel = window.toc_panel
    assert panel.isVisible() and panel.entry_count == 3
    top = panel.tree.topLevelItem(0)
    detail = top.child(0).child(0)
    assert (top.text(0), detail.text(0)) == ("Hướng dẫn", "Chi tiết")
    block_index = next(b for level, title, b in opened.document.toc if title == "Chi tiết")
    assert opened.document.blocks[block_index].kind == "heading"
    qtbot.mouseClick(
        panel.tree.viewport(),
        Qt.MouseButton.LeftButton,
        pos=panel.tree.visualItemRect(detail).center(),
    )
    assert window.document_view.top_block() == block_index
    open_and_wait(qtbot, window, SAMPLE)  # a plain text: no contents
    assert not panel.isVisible()


def test_the_status_bar_says_the_size_in_reader_words_and_how_far_the_reader_is(
    qtbot, window, tmp_path
) -> None:
    opened = open_and_wait(qtbot, window, long_document(tmp_path, 120))
    document = opened.document
    message = window.statusBar().currentMessage()
    assert message == f"{document.sentence_count} sentences in {len(document.blocks)} paragraphs"
    assert window.status.reading_percent == 0
    view = window.document_view
    view.scroll_to_block(60)  # no current sentence: the top of the screen counts
    before = sum(len(block.sentences) for block in document.blocks[:60])
    expected = round(100 * before / (document.sentence_count - 1))
    assert 0 < expected < 100
    qtbot.waitUntil(lambda: window.status.reading_percent == expected, timeout=WAIT_MS)
    last = document.blocks[-1]
    view.set_current(last.index, len(last.sentences) - 1)
    assert window.status.reading_percent == 100
    window.show_library()
    assert window.status.reading_percent is None


def test_after_a_failed_open_the_library_lists_what_it_holds(qtbot, tmp_path) -> None:
    """Issue 13 item 4: the library view loads itself once shown, whatever the opening did."""
    from reader.core.library import add_document
    from reader.core.storage import open_database

    database = open_database()
    add_document(database, SAMPLE)
    database.close()
    window = make_window(qtbot)
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip")
    with qtbot.waitSignal(window.open_failed, timeout=WAIT_MS):
        window.open_path(broken)
    view = window.library_view
    qtbot.waitUntil(lambda: len(view.rows) == 1, timeout=WAIT_MS)
    assert window.stack.currentWidget() is view and "empty" not in view.empty_label.text()


def test_leaving_a_document_refreshes_the_library_from_the_change_set(qtbot, window) -> None:
    open_and_wait(qtbot, window, SAMPLE)
    view = window.library_view
    with qtbot.waitSignal(window.library_loaded, timeout=WAIT_MS):
        window.show_library()  # saving the reading position says the library changed
    assert [entry.title for entry in view.rows] and view.rows[0].reading_progress is not None
