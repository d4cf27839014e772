"""The bookmarks panel under pytest-qt, on a real library through the real Workers pool: add,
jump on click, rename, remove with Undo, the Changes it emits; a bad place is said, not raised."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from reader.app.bookmarks_panel import EMPTY_TEXT, BookmarksPanel
from reader.app.workers import Workers
from reader.core.library import add_document
from reader.core.notes.bookmarks import list_bookmarks
from tests.app_support import WAIT_MS

TEXT = (
    "Điều 1. Phạm vi điều chỉnh\n\n"
    "Nghị định này quy định về công tác văn thư. Văn bản phải được lưu trữ.\n\n"
    "Cơ quan, tổ chức phải bảo đảm an toàn thông tin.\n"
)


@pytest.fixture
def panel(qtbot, database, tmp_path: Path):
    path = tmp_path / "nghi-dinh.txt"
    path.write_text(TEXT, encoding="utf-8")
    document_id = add_document(database, path, language="vi").document_id
    workers = Workers()
    panel = BookmarksPanel(database, submit=workers.submit)
    qtbot.addWidget(panel, before_close_func=lambda _panel: workers.wait())
    panel.show()
    with qtbot.waitSignal(panel.loaded, timeout=WAIT_MS):
        panel.set_document(document_id)
    yield panel
    workers.wait()


def _texts(panel: BookmarksPanel) -> list[str]:
    return [panel.list.item(row).text() for row in range(panel.list.count())]


def _changed(qtbot, panel: BookmarksPanel, action) -> object:
    with (
        qtbot.waitSignal(panel.bookmarks_changed, timeout=WAIT_MS) as changed,
        qtbot.waitSignal(panel.loaded, timeout=WAIT_MS),
    ):
        action()
    return changed.args[0]


def test_add_jump_rename_remove_and_undo(qtbot, panel, database) -> None:
    assert panel.empty_label.isVisible() and panel.empty_label.text() == EMPTY_TEXT
    changes = _changed(qtbot, panel, lambda: panel.add(2, 0))
    assert changes.bookmarks == {panel.document_id}
    _changed(qtbot, panel, lambda: panel.add(1, 1, "lưu trữ"))
    assert _texts(panel) == [
        "¶ 2  lưu trữ",
        "¶ 3  Cơ quan, tổ chức phải bảo đảm an toàn thông tin.",
    ]
    assert not panel.empty_label.isVisible()

    item = panel.list.item(1)
    with qtbot.waitSignal(panel.jump_requested) as jump:
        rect = panel.list.visualItemRect(item)
        qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert jump.args == [2, 0]  # one click jumps

    uuid = panel.current_bookmark().uuid
    _changed(qtbot, panel, lambda: panel.rename(uuid, "An toàn"))
    assert _texts(panel)[1] == "¶ 3  An toàn"

    panel.list.setCurrentRow(0)
    _changed(qtbot, panel, panel.remove_button.click)
    assert _texts(panel) == ["¶ 3  An toàn"]
    assert panel.undo_button.isVisible() and "lưu trữ" in panel.undo_label.text()
    _changed(qtbot, panel, panel.undo_button.click)
    assert [b.label for b in list_bookmarks(database)] == ["lưu trữ", "An toàn"]
    assert not panel.undo_button.isVisible()


def test_a_bad_place_is_reported_not_raised(qtbot, panel) -> None:
    with qtbot.waitSignal(panel.failed, timeout=WAIT_MS) as failed:
        panel.add(1, 7)
    assert "no sentence 8 in paragraph 2" in failed.args[0]
    assert panel.list.count() == 0
