"""The side docks: one tabbed column leaving the reading panes most of the width, what is
restored after a restart, and View ▸ Notes following the dock's ✕."""

from __future__ import annotations

from pathlib import Path

from tests.app_support import WAIT_MS, make_window, open_and_wait
from tests.conftest import SAMPLE


def headed_document(directory) -> Path:
    filler = "\n\n".join(f"Đoạn văn số {n} về công tác bảo vệ chính trị." for n in range(80))
    path = directory / "guide.md"
    path.write_text(f"# Hướng dẫn\n\n{filler}\n\n## Phần một\n\n{filler}\n", encoding="utf-8")
    return path


def test_the_docks_leave_the_reading_panes_most_of_the_width(qtbot, tmp_path) -> None:
    window = make_window(qtbot, (1200, 800))
    open_and_wait(qtbot, window, headed_document(tmp_path))
    window.search_panel.open_panel()
    docks = (window.toc_panel, window.search_panel, window.notes_panel)
    qtbot.waitUntil(lambda: all(not dock.isHidden() for dock in docks), timeout=WAIT_MS)
    qtbot.wait(50)  # the layout settles
    view = window.document_view
    for pane in (view.source_pane, view.target_stack):
        assert pane.width() >= 0.35 * window.width(), (pane.width(), window.width())
    assert view.width() >= 0.7 * window.width()


def test_an_empty_search_dock_is_not_restored_open(qtbot, tmp_path) -> None:
    first = make_window(qtbot, (1200, 800))
    open_and_wait(qtbot, first, headed_document(tmp_path))
    first.search_panel.open_panel()
    assert first.search_panel.isVisible()
    first.close()
    second = make_window(qtbot, (1200, 800))
    open_and_wait(qtbot, second, headed_document(tmp_path))
    assert second.search_panel.isHidden()
    assert not second.notes_panel.isHidden()  # the other docks are restored as they were
    assert second.toc_panel in second.tabifiedDockWidgets(second.notes_panel)  # still tabs


def test_closing_the_notes_dock_unticks_its_menu_entry_and_is_remembered(qtbot) -> None:
    window = make_window(qtbot, (1200, 800))
    open_and_wait(qtbot, window, SAMPLE)
    panel = window.notes_panel
    assert window.menu_actions.notes.isChecked() and not panel.isHidden()
    panel.close()  # its ✕
    assert not window.menu_actions.notes.isChecked()
    open_and_wait(qtbot, window, SAMPLE)  # the next document keeps it closed
    assert panel.isHidden()
    window.menu_actions.notes.trigger()
    assert window.menu_actions.notes.isChecked() and not panel.isHidden()
