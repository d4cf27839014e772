"""Opening documents: from the library (the cache and the reading position), re-imports,
renaming, the last document on launch."""

from __future__ import annotations

import threading

import pytest

from reader.core import library
from reader.core.side import Side
from tests.app_support import (
    WAIT_MS,
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


def test_reopen_from_the_library_fills_both_panes_from_the_cache(
    qtbot, window, installed_vi_en
) -> None:

    first = open_and_wait(qtbot, window, SAMPLE)
    wait_translated(qtbot, window)
    window.document_view.scroll_to_block(5)
    window.show_library()
    qtbot.waitUntil(lambda: len(window.library_view.rows) == 1, timeout=WAIT_MS)
    row = window.library_view.rows[0]
    assert row.translated == row.sentences  # 100 %
    with qtbot.waitSignal(window.document_opened, timeout=WAIT_MS) as reopened:
        window.opener.open_library_entry(first.document_id)
    opened = reopened.args[0]
    assert len(opened.cached) == opened.document.sentence_count
    assert window.translation.runner is None  # nothing left for the model
    assert window.document_view.visible_translated()
    assert window.document_view.top_block() == 5  # reading position restored


def test_orphans_are_listed_after_reimporting_a_changed_file(qtbot, window, tmp_path) -> None:
    import shutil

    path = tmp_path / "bvctnb.txt"
    shutil.copy(SAMPLE, path)
    opened = open_and_wait(qtbot, window, path)
    wait_highlights(qtbot, window)
    quote = "Huân chương Lao động hạng Ba"
    start = opened.document.blocks[4].text.index(quote)
    window.document_view.select_source((4, start), (4, start + len(quote)))
    with qtbot.waitSignal(window.annotations.highlights_shown, timeout=WAIT_MS):
        window.annotations.highlight_selection("pink")
    assert window.document_view.highlight_ranges(SOURCE, 4)
    path.write_text(path.read_text(encoding="utf-8").replace(quote, "X"), encoding="utf-8")
    open_and_wait(qtbot, window, path)
    wait_highlights(qtbot, window)
    panel = window.notes_panel
    qtbot.waitUntil(lambda: not panel.loading and panel.list.count() == 1, timeout=WAIT_MS)
    line = panel.list.item(0).text()
    assert line.startswith("⚠ orphan") and quote in line
    assert window.document_view.highlight_ranges(SOURCE, 4) == []  # an orphan is not painted


def test_renaming_in_the_library_stores_the_title_off_the_gui_thread(
    qtbot, window, monkeypatch
) -> None:
    on_gui_thread: list[bool] = []
    rename = library.rename_document

    def recording(*args, **kwargs):
        on_gui_thread.append(threading.current_thread() is threading.main_thread())
        return rename(*args, **kwargs)

    monkeypatch.setattr(library, "rename_document", recording)
    open_and_wait(qtbot, window, SAMPLE)
    window.show_library()
    qtbot.waitUntil(lambda: len(window.library_view.rows) == 1, timeout=WAIT_MS)
    document_id = window.library_view.rows[0].id
    window.library_view.rename(document_id, "Báo cáo  tổng kết ")
    qtbot.waitUntil(
        lambda: window.library_view.rows[0].title == "Báo cáo tổng kết", timeout=WAIT_MS
    )
    assert on_gui_thread == [False]
