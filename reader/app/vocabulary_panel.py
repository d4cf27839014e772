"""The vocabulary dock: the saved words in a table whose cells edit in place, with Delete and
Export (Anki deck or CSV). Reads and writes run in workers; it refreshes on any `Changes` that
touch the vocabulary, whoever made them (the look-up popup, another panel)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.app.workers import Workers, error_message
from reader.core.changes import Changes

if TYPE_CHECKING:
    from reader.core.storage import Database
    from reader.core.vocabulary.service import VocabularyEntry

COLUMNS = ("word", "definition", "sentence", "translation", "source")
HEADERS = ("Word", "Definition", "Sentence", "Translation", "Source")
EDITABLE_COLUMNS = 4  # all but the source
ID_ROLE = Qt.ItemDataRole.UserRole
EXPORT_FILTERS = {"Anki deck (*.apkg)": "apkg", "CSV (*.csv)": "csv"}


class VocabularyPanel(QDockWidget):
    changed = Signal(object)  # Changes of an edit or a removal made here
    loaded = Signal()  # the table shows the vocabulary as it is now
    exported = Signal(object)  # the written Path, or an error message
    failed = Signal(str)

    def __init__(
        self, workers: Workers, database: Callable[[], Database], parent: QWidget | None = None
    ) -> None:
        super().__init__("Vocabulary", parent)
        self.setObjectName("vocabularyPanel")
        self.workers = workers
        self.database = database  # called in workers
        self._filling = False
        self._generation = 0
        self.table = QTableWidget(0, len(COLUMNS), objectName="vocabularyTable")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # One line a word (a definition runs long): the whole text is in the tooltip and the editor.
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setItemDelegate(MultiLineDelegate(self.table))
        self.table.itemChanged.connect(self._edited)
        self.count_label = QLabel(objectName="vocabularyCount")
        self.delete_button = QPushButton("Delete", objectName="deleteWord")
        self.delete_button.clicked.connect(self.delete_selected)
        self.export_button = QPushButton("Export…", objectName="exportVocabulary")
        self.export_button.clicked.connect(self.choose_export)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label, 1)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.export_button)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.setWidget(body)

    # --- reading -------------------------------------------------------------------------------

    def refresh(self) -> None:
        from reader.core.vocabulary.service import list_words

        self._generation += 1
        generation = self._generation
        self.workers.submit(
            lambda: list_words(self.database()),
            lambda entries: self._fill(generation, entries),
            self._failed,
        )

    def apply_changes(self, changes: Changes) -> None:
        if changes.vocabulary:
            self.refresh()

    def _fill(self, generation: int, entries: list[VocabularyEntry]) -> None:
        if generation != self._generation:
            return  # a later refresh is on its way
        self._filling = True
        try:
            self.table.setRowCount(len(entries))
            for row, entry in enumerate(entries):
                for column, name in enumerate(COLUMNS):
                    self.table.setItem(row, column, _cell(entry, name, column))
        finally:
            self._filling = False
        self.count_label.setText(f"{len(entries)} word{'s' if len(entries) != 1 else ''}")
        self.loaded.emit()

    def entry_ids(self) -> list[int]:
        return [self.table.item(row, 0).data(ID_ROLE) for row in range(self.table.rowCount())]

    # --- writing -------------------------------------------------------------------------------

    def _edited(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        from reader.core.vocabulary.service import update_word

        entry_id = self.table.item(item.row(), 0).data(ID_ROLE)
        fields = {COLUMNS[item.column()]: item.text()}
        self._write(lambda: update_word(self.database(), entry_id, **fields))

    def delete_selected(self) -> None:
        from reader.core.vocabulary.service import remove_word

        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        ids = [self.table.item(row, 0).data(ID_ROLE) for row in rows]
        if ids:
            self._write(lambda: _remove_all(remove_word, self.database(), ids))

    def _write(self, write: Callable[[], tuple[object, Changes]]) -> None:
        def done(result: tuple[object, Changes]) -> None:
            self.changed.emit(result[1])
            self.apply_changes(result[1])

        self.workers.submit(write, done, self._failed)

    # --- export --------------------------------------------------------------------------------

    def choose_export(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(
            self, "Export vocabulary", "vocabulary.apkg", ";;".join(EXPORT_FILTERS)
        )
        if path:
            self.export_to(Path(path), EXPORT_FILTERS.get(chosen, _format_of(Path(path))))

    def export_to(self, path: Path, format: str) -> None:
        from reader.core.vocabulary.export import export_vocabulary
        from reader.core.vocabulary.service import list_words

        def export() -> Path:
            export_vocabulary(list_words(self.database()), path, format)
            return path

        self.workers.submit(
            export, self.exported.emit, lambda error: self.exported.emit(error_message(error))
        )

    def _failed(self, error: BaseException) -> None:
        self.failed.emit(error_message(error))


class MultiLineDelegate(QStyledItemDelegate):
    """Cells edit in a plain-text box, not a line edit, so a definition keeps its lines;
    Ctrl+Enter (or leaving the cell) saves, Escape cancels."""

    def createEditor(self, parent: QWidget, option, index) -> QPlainTextEdit:
        editor = QPlainTextEdit(parent)
        editor.setTabChangesFocus(True)
        return editor

    def setEditorData(self, editor: QPlainTextEdit, index) -> None:
        editor.setPlainText(index.data(Qt.ItemDataRole.EditRole) or "")

    def setModelData(self, editor: QPlainTextEdit, model, index) -> None:
        model.setData(index, editor.toPlainText(), Qt.ItemDataRole.EditRole)

    def updateEditorGeometry(self, editor: QPlainTextEdit, option, index) -> None:
        rect = option.rect
        rect.setHeight(max(rect.height(), 5 * option.fontMetrics.height()))
        editor.setGeometry(rect)

    def eventFilter(self, editor, event) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.commitData.emit(editor)
            self.closeEditor.emit(editor)
            return True
        return super().eventFilter(editor, event)


def _cell(entry: VocabularyEntry, name: str, column: int) -> QTableWidgetItem:
    text = getattr(entry, name)
    item = QTableWidgetItem(text)
    item.setToolTip(text)
    item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    if column == 0:
        item.setData(ID_ROLE, entry.id)
    if column >= EDITABLE_COLUMNS:
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


def _remove_all(remove_word, database, ids: list[int]) -> tuple[None, Changes]:
    changes = Changes()
    for entry_id in ids:
        changes |= remove_word(database, entry_id)[1]
    return None, changes


def _format_of(path: Path) -> str:
    return "csv" if path.suffix.lower() == ".csv" else "apkg"
