"""The library: every document with its language pair, translation progress and last opening."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.app.languages import language_name


@dataclass(frozen=True)
class LibraryRow:
    """A library entry as listed: `translated` is None when no model can tell."""

    id: int
    title: str
    path: str | None
    language: str
    target_language: str | None
    sentences: int
    translated: int | None
    opened_at: datetime | None


def load_library_rows(context) -> list[LibraryRow]:
    """Runs in a worker: entries plus how many sentences of each have a translation, counted
    by one SQL query (`list_documents(progress=...)`), with the same meaning as in the reader:
    the user's edits, or cached translations by the pair's current models with the service's
    decoding options."""
    from reader.core.library import ProgressKey, list_documents
    from reader.core.translate.service import decoding_options

    service = context.service()
    options = decoding_options(service.beam_size)

    def progress_key(language: str, target_language: str) -> ProgressKey | None:
        route = service.route(language, target_language)
        return ProgressKey(route.key, options) if route is not None else None

    rows = [
        LibraryRow(
            entry.id,
            entry.title,
            entry.path,
            entry.language,
            entry.target_language,
            entry.sentences,
            entry.translated,
            entry.opened_at,
        )
        for entry in list_documents(context.database(), progress=progress_key)
    ]
    rows.sort(
        key=lambda row: _as_utc(row.opened_at).timestamp() if row.opened_at else 0.0, reverse=True
    )
    return rows


def progress_text(row: LibraryRow) -> str:
    if row.translated is None or row.sentences == 0:
        return "—"
    return f"{100 * row.translated // row.sentences}%"


def opened_text(row: LibraryRow) -> str:
    if row.opened_at is None:
        return "never"
    return _as_utc(row.opened_at).astimezone().strftime("%Y-%m-%d %H:%M")


def _as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; the library stores them in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class LibraryView(QWidget):
    open_requested = Signal(int)  # document id
    rename_requested = Signal(int, str)  # document id, the title the reader typed
    open_file_requested = Signal()
    open_sample_requested = Signal()

    COLUMNS = ("Title", "Languages", "Translated", "Last opened", "File")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("libraryView")
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("libraryTable")
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(self.COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # Long paths must not squeeze the titles: the path column has a fixed, adjustable width.
        header.setSectionResizeMode(len(self.COLUMNS) - 1, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(len(self.COLUMNS) - 1, 220)
        header.setStretchLastSection(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.setWordWrap(False)
        self.table.itemActivated.connect(self._activated)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        rename = QAction("Rename…", self.table, shortcut=QKeySequence(Qt.Key.Key_F2))
        rename.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        rename.triggered.connect(self._rename_selected)
        self.table.addAction(rename)
        self.empty_label = QLabel(
            "Your library is empty. Open a document (Ctrl+O), drop a file here, or try the sample.",
            alignment=Qt.AlignmentFlag.AlignCenter,
            wordWrap=True,
        )
        open_button = QPushButton("Open a document…")
        open_button.clicked.connect(self.open_file_requested)
        sample_button = QPushButton("Open the sample")
        sample_button.clicked.connect(self.open_sample_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("<h2>Library</h2>"))
        buttons.addStretch()
        buttons.addWidget(sample_button)
        buttons.addWidget(open_button)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.table, 1)
        self.rows: list[LibraryRow] = []
        self.set_rows([])

    def _rename_selected(self) -> None:
        """Ask for a new title of the selected document; empty goes back to the imported one."""
        selected = self.table.selectedItems()
        if not selected:
            return
        row = self.rows[selected[0].row()]
        title, accepted = QInputDialog.getText(
            self, "Rename", "Title (empty: the title found in the file):", text=row.title
        )
        if accepted:
            self.rename_requested.emit(row.id, title)

    def set_rows(self, rows: list[LibraryRow]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            pair = language_name(row.language)
            if row.target_language:
                pair += f" → {language_name(row.target_language)}"
            cells = (row.title, pair, progress_text(row), opened_text(row), row.path or "")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, row.id)
                item.setToolTip(text)
                if column == 2 and row.translated is not None:
                    item.setToolTip(f"{row.translated} of {row.sentences} sentences")
                self.table.setItem(index, column, item)
        self.empty_label.setVisible(not rows)
        self.table.setVisible(bool(rows))

    def _activated(self, item: QTableWidgetItem) -> None:
        self.open_requested.emit(int(item.data(Qt.ItemDataRole.UserRole)))
