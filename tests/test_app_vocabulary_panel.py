"""The vocabulary dock (pytest-qt): lists the words, edits a cell in place, deletes, exports."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from reader.app.vocabulary_panel import VocabularyPanel
from reader.app.workers import Workers
from reader.core.vocabulary.service import add_word, list_words


@pytest.fixture
def panel(qtbot, database):
    add_word(database, "bảo vệ", definition="to protect", sentence="Công tác bảo vệ.")
    add_word(database, "nội bộ", definition="internal", sentence="Chính trị nội bộ.")
    workers = Workers()
    widget = VocabularyPanel(workers, lambda: database)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.loaded, timeout=5000):
        widget.refresh()
    yield widget
    workers.wait()


def _column(panel: VocabularyPanel, column: int) -> list[str]:
    return [panel.table.item(row, column).text() for row in range(panel.table.rowCount())]


def test_lists_the_vocabulary(panel):
    assert _column(panel, 0) == ["bảo vệ", "nội bộ"]
    assert _column(panel, 1) == ["to protect", "internal"]
    assert panel.count_label.text() == "2 words"


def test_editing_a_cell_saves_it(qtbot, panel, database):
    with qtbot.waitSignal(panel.loaded, timeout=5000):
        panel.table.item(1, 1).setText("internal, in-house")
    assert [e.definition for e in list_words(database)] == ["to protect", "internal, in-house"]


def test_a_definition_is_edited_with_its_lines(qtbot, panel, database):
    from PySide6.QtWidgets import QApplication, QPlainTextEdit

    panel.show()
    panel.table.editItem(panel.table.item(0, 1))
    editor = panel.table.findChild(QPlainTextEdit)
    assert editor.toPlainText() == "to protect"
    editor.setPlainText("to protect\nto defend")
    with qtbot.waitSignal(panel.loaded, timeout=5000):
        qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    QApplication.processEvents()
    assert list_words(database)[0].definition == "to protect\nto defend"


def test_deleting_the_selected_rows(qtbot, panel, database):
    panel.table.selectRow(0)
    with qtbot.waitSignal(panel.changed, timeout=5000) as changed:
        panel.delete_selected()
    assert changed.args[0].vocabulary
    qtbot.waitUntil(lambda: _column(panel, 0) == ["nội bộ"], timeout=5000)
    assert [e.word for e in list_words(database)] == ["nội bộ"]


def test_changes_from_elsewhere_refresh_it(qtbot, panel, database):
    _, changes = add_word(database, "Ban Bí thư")
    with qtbot.waitSignal(panel.loaded, timeout=5000):
        panel.apply_changes(changes)
    assert _column(panel, 0)[-1] == "Ban Bí thư"


def test_export_writes_an_anki_deck(qtbot, panel, tmp_path: Path):
    with qtbot.waitSignal(panel.exported, timeout=10000) as exported:
        panel.export_to(tmp_path / "words.apkg", "apkg")
    assert exported.args[0] == tmp_path / "words.apkg"
    assert "collection.anki2" in zipfile.ZipFile(tmp_path / "words.apkg").namelist()
    with qtbot.waitSignal(panel.exported, timeout=10000) as failed:
        panel.export_to(tmp_path / "missing" / "words.csv", "csv")
    assert "folder does not exist" in failed.args[0]
