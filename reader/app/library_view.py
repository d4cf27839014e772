"""The library: every document with its language pair, reading and translation progress and
last opening; sorted and filtered, renamed, removed (undoably), its details at a glance.

It loads itself (`attach`): in a worker, when shown, and again only when a change set says the
library changed, so a failed or slow opening never leaves it saying it is empty.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.app.languages import language_name
from reader.app.ops import ChangeBus, Op
from reader.app.reading.missing_model_panel import format_size

if TYPE_CHECKING:  # the core library pulls in SQLAlchemy: imported when first loaded
    from reader.app.context import AppContext
    from reader.app.workers import Workers
    from reader.core.changes import Changes
    from reader.core.library import LibraryEntry, RemovedDocument

LOAD_KEY = "library"
ALL = ""  # a filter's "any" value
UNDO_LIMIT = 20  # removed documents kept restorable (each holds its text in memory)
ID_ROLE = Qt.ItemDataRole.UserRole


def _opened_key(entry: LibraryEntry) -> float:
    return _as_utc(entry.opened_at).timestamp() if entry.opened_at else 0.0


def _or_last(progress: int | None) -> int:
    return -1 if progress is None else progress  # never opened: after 0%


# name -> (label, key, newest/most first)
SORTS: dict[str, tuple[str, Callable[[LibraryEntry], object], bool]] = {
    "opened": ("Last opened", _opened_key, True),
    "title": ("Title", lambda entry: entry.title.casefold(), False),
    "added": ("Added", lambda entry: _as_utc(entry.added_at).timestamp(), True),
    "progress": ("Progress", lambda entry: _or_last(entry.reading_progress), True),
}


def sorted_entries(entries: Iterable[LibraryEntry], sort: str) -> list[LibraryEntry]:
    _label, key, descending = SORTS[sort]
    return sorted(entries, key=key, reverse=descending)


def matches(entry: LibraryEntry, language: str, format: str, tag: str) -> bool:
    """Whether the entry passes the filters (ALL lets everything through)."""
    return (
        (not language or entry.language == language)
        and (not format or entry.format == format)
        and (not tag or tag in entry.tags)
    )


def progress_text(entry: LibraryEntry) -> str:
    if entry.translated is None or entry.sentences == 0:
        return "—"
    return f"{100 * entry.translated // entry.sentences}%"


def reading_text(entry: LibraryEntry) -> str:
    progress = entry.reading_progress
    return "—" if progress is None else f"{progress}%"


def opened_text(entry: LibraryEntry) -> str:
    return _moment_text(entry.opened_at) if entry.opened_at else "never"


def _moment_text(moment: datetime) -> str:
    return _as_utc(moment).astimezone().strftime("%Y-%m-%d %H:%M")


def _as_utc(moment: datetime) -> datetime:
    from reader.core.storage.models import as_utc  # the core: imported once rows are shown

    return as_utc(moment)


def details_html(entry: LibraryEntry) -> str:
    """The metadata pane: file, format, languages, sizes, dates, OCR."""
    pair = language_name(entry.language)
    if entry.target_language:
        pair += f" → {language_name(entry.target_language)}"
    size = "file missing" if entry.file_size is None else format_size(entry.file_size)
    rows = [
        ("File", entry.path or "—"),
        ("Format", entry.format.upper() + (" (read by OCR)" if entry.ocr else "")),
        ("Languages", pair),
        ("Size", f"{size}; {entry.blocks} paragraphs, {entry.sentences} sentences"),
        ("Read", reading_text(entry)),
        ("Translated", progress_text(entry)),
        ("Added", _moment_text(entry.added_at)),
        ("Last opened", opened_text(entry)),
        ("Tags", " ".join(f"#{tag}" for tag in entry.tags) or "—"),
    ]
    cells = "".join(
        f"<tr><td style='color:gray; padding-right:8px'>{name}</td>"
        f"<td>{html.escape(value)}</td></tr>"
        for name, value in rows
    )
    return f"<h3>{html.escape(entry.title)}</h3><table>{cells}</table>"


class LibraryView(QWidget):
    open_requested = Signal(int)  # document id
    open_file_requested = Signal()
    open_sample_requested = Signal()
    loaded = Signal()  # a load came back and is shown
    status_message = Signal(str)

    COLUMNS = ("Title", "Languages", "Read", "Translated", "Last opened", "File")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("libraryView")
        self.entries: list[LibraryEntry] = []  # all, as loaded
        self.rows: list[LibraryEntry] = []  # shown: filtered and sorted
        self.has_loaded = False
        self._workers: Workers | None = None
        self._bus: ChangeBus | None = None
        self._context: AppContext | None = None
        self._refresh_needed = True
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(UNDO_LIMIT)
        self._build()
        self.set_rows([])
        self.has_loaded = False  # nothing loaded yet: not "empty"
        self._update_empty()

    # --- construction -------------------------------------------------------------------------

    def _build(self) -> None:
        self.table = self._build_table()
        self.details = QLabel(objectName="libraryDetails", wordWrap=True)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setMinimumWidth(220)
        self.empty_label = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.undo_bar = self._build_undo_bar()
        self.splitter = QSplitter()
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_top_bar())
        layout.addLayout(self._build_filter_bar())
        layout.addWidget(self.undo_bar)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.splitter, 1)

    def _build_top_bar(self) -> QHBoxLayout:
        open_button = QPushButton("Open a document…")
        open_button.clicked.connect(self.open_file_requested)
        sample_button = QPushButton("Open the sample")
        sample_button.clicked.connect(self.open_sample_requested)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("<h2>Library</h2>"))
        bar.addStretch()
        bar.addWidget(sample_button)
        bar.addWidget(open_button)
        return bar

    def _build_filter_bar(self) -> QHBoxLayout:
        self.sort_box = QComboBox(objectName="librarySort")
        for name, (label, _key, _descending) in SORTS.items():
            self.sort_box.addItem(f"Sort: {label}", name)
        self.language_filter = QComboBox(objectName="libraryLanguage")
        self.format_filter = QComboBox(objectName="libraryFormat")
        self.tag_filter = QComboBox(objectName="libraryTag")
        bar = QHBoxLayout()
        for box in (self.sort_box, self.language_filter, self.format_filter, self.tag_filter):
            box.currentIndexChanged.connect(self._show_entries)
            bar.addWidget(box)
        bar.addStretch()
        return bar

    def _build_undo_bar(self) -> QWidget:
        bar = QWidget(objectName="libraryUndoBar")
        self.undo_label = QLabel()
        undo_button = QPushButton("Undo")
        undo_button.clicked.connect(self.undo_stack.undo)
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.undo_label)
        layout.addWidget(undo_button)
        layout.addStretch()
        bar.hide()
        return bar

    def _build_table(self) -> QTableWidget:
        table = QTableWidget(0, len(self.COLUMNS))
        table.setObjectName("libraryTable")
        table.setHorizontalHeaderLabels(self.COLUMNS)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(self.COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # Long paths must not squeeze the titles: the path column has a fixed, adjustable width.
        header.setSectionResizeMode(len(self.COLUMNS) - 1, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(len(self.COLUMNS) - 1, 160)
        header.setStretchLastSection(False)
        table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        table.setWordWrap(False)
        table.itemActivated.connect(self._activated)
        table.itemSelectionChanged.connect(self._show_details)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._context_menu)
        self.open_action = self._table_action(table, "Open", Qt.Key.Key_Return, self._open_selected)
        self.rename_action = self._table_action(
            table, "Rename…", Qt.Key.Key_F2, self._rename_selected
        )
        self.remove_action = self._table_action(
            table, "Remove from the library", Qt.Key.Key_Delete, self._remove_selected
        )
        undo = self.undo_stack.createUndoAction(table, "Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        undo.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        table.addAction(undo)
        return table

    def _table_action(self, table: QTableWidget, text: str, key, slot) -> QAction:
        action = QAction(text, table, shortcut=QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(slot)
        table.addAction(action)
        return action

    # --- loading --------------------------------------------------------------------------------

    def attach(self, workers: Workers, bus: ChangeBus, context: AppContext) -> None:
        """Load from `context` in `workers`, refresh on `bus`'s library changes."""
        self._workers, self._bus, self._context = workers, bus, context
        bus.changed.connect(self.on_changes)

    def on_changes(self, changes: Changes, initiator: object | None) -> None:
        if not (changes.library or changes.models):  # a model changes what is translated
            return
        self._refresh_needed = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        # At the next turn: a file opened at launch is asked for in this one and goes first.
        QTimer.singleShot(0, self, self._refresh_if_needed)

    def _refresh_if_needed(self) -> None:
        if self._refresh_needed and self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        if self._workers is None or self._context is None:
            return
        self._refresh_needed = False
        context = self._context

        def load() -> list[LibraryEntry]:
            from reader.core.library import list_documents_with_progress

            return list_documents_with_progress(context.database(), context.service())

        self._workers.latest(LOAD_KEY, load, self._loaded, self._load_failed)

    def _loaded(self, entries: list[LibraryEntry]) -> None:
        self.set_rows(entries)
        self.loaded.emit()

    def _load_failed(self, error: BaseException) -> None:
        self.empty_label.setText(f"Cannot read the library: {error}")
        self.empty_label.show()

    @property
    def loading(self) -> bool:
        return self._workers is not None and self._workers.pending(LOAD_KEY)

    # --- showing --------------------------------------------------------------------------------

    def set_rows(self, entries: list[LibraryEntry]) -> None:
        """Show these entries (all of the library), through the sort and filters."""
        self.entries = entries
        self.has_loaded = True
        self._fill_filter(
            self.language_filter, "All languages", {e.language for e in entries}, language_name
        )
        self._fill_filter(self.format_filter, "All formats", {e.format for e in entries}, str.upper)
        tags = {tag for entry in entries for tag in entry.tags}
        self._fill_filter(self.tag_filter, "All tags", tags, lambda tag: f"#{tag}")
        self._show_entries()

    def _fill_filter(self, box: QComboBox, label: str, values: set[str], shown) -> None:
        chosen = box.currentData()
        box.blockSignals(True)
        box.clear()
        box.addItem(label, ALL)
        for value in sorted(values):
            box.addItem(shown(value), value)
        box.setCurrentIndex(max(0, box.findData(chosen)))
        box.setVisible(len(values) > 1 or bool(box.currentData()))  # nothing to choose: hidden
        box.blockSignals(False)

    def _show_entries(self) -> None:
        selected = self.selected_id()
        wanted = (
            self.language_filter.currentData() or ALL,
            self.format_filter.currentData() or ALL,
            self.tag_filter.currentData() or ALL,
        )
        shown = [entry for entry in self.entries if matches(entry, *wanted)]
        self.rows = sorted_entries(shown, self.sort_box.currentData() or "opened")
        self.table.setRowCount(len(self.rows))
        for index, entry in enumerate(self.rows):
            self._fill_row(index, entry)
            if entry.id == selected:
                self.table.selectRow(index)
        self._update_empty()
        self._show_details()

    def _fill_row(self, index: int, entry: LibraryEntry) -> None:
        pair = language_name(entry.language)
        if entry.target_language:
            pair += f" → {language_name(entry.target_language)}"
        cells = (
            entry.title,
            pair,
            reading_text(entry),
            progress_text(entry),
            opened_text(entry),
            entry.path or "",
        )
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setData(ID_ROLE, entry.id)
            item.setToolTip(text)
            self.table.setItem(index, column, item)
        if entry.translated is not None:
            self.table.item(index, 3).setToolTip(
                f"{entry.translated} of {entry.sentences} sentences"
            )

    def _update_empty(self) -> None:
        if not self.has_loaded:
            text = "Loading the library…"
        elif not self.entries:
            text = (
                "Your library is empty. Open a document (Ctrl+O), drop a file here, "
                "or try the sample."
            )
        elif not self.rows:
            text = "No document matches these filters."
        else:
            text = ""
        self.empty_label.setText(text)
        self.empty_label.setVisible(bool(text))
        self.splitter.setVisible(bool(self.rows))

    def _show_details(self) -> None:
        entry = self.selected_entry()
        self.details.setText(
            details_html(entry) if entry else "Select a document to see its details."
        )

    def selected_id(self) -> int | None:
        entry = self.selected_entry()
        return entry.id if entry else None

    def selected_entry(self) -> LibraryEntry | None:
        selected = self.table.selectedItems()
        return self.rows[selected[0].row()] if selected else None

    # --- acting -----------------------------------------------------------------------------

    def _context_menu(self, position) -> None:
        if self.table.itemAt(position) is None:
            return
        menu = QMenu(self)
        menu.addActions([self.open_action, self.rename_action])
        menu.addSeparator()
        menu.addAction(self.remove_action)
        menu.popup(self.table.viewport().mapToGlobal(position))

    def _activated(self, item: QTableWidgetItem) -> None:
        self.open_requested.emit(int(item.data(ID_ROLE)))

    def _open_selected(self) -> None:
        if (document_id := self.selected_id()) is not None:
            self.open_requested.emit(document_id)

    def _rename_selected(self) -> None:
        """Ask for a new title of the selected document; empty goes back to the imported one."""
        entry = self.selected_entry()
        if entry is None:
            return
        title, accepted = QInputDialog.getText(
            self, "Rename", "Title (empty: the title found in the file):", text=entry.title
        )
        if accepted:
            self.rename(entry.id, title)

    def rename(self, document_id: int, title: str) -> None:
        """Store the title in a worker; the library refreshes from the change set."""
        context = self._require_context()

        def rename() -> LibraryEntry:
            from reader.core.library import rename_document

            return rename_document(context.database(), document_id, title)

        self._run(rename)

    def _remove_selected(self) -> None:
        if (document_id := self.selected_id()) is not None:
            self.remove(document_id)

    def remove(self, document_id: int) -> None:
        """Remove a document, restorably: Undo (Ctrl+Z, or the bar's button) puts it back."""
        database = self._require_context().database

        def remove() -> RemovedDocument:
            from reader.core.library import remove_restorably

            return remove_restorably(database(), document_id)

        self._run(remove, lambda removed: self.undo_stack.push(_RemoveCommand(self, removed)))

    def removed_hint(self, removed: RemovedDocument | None) -> None:
        if removed is None:
            self.undo_bar.hide()
            return
        text = f"Removed “{removed.document.title}” — Ctrl+Z to undo"
        self.undo_label.setText(text)
        self.undo_bar.show()
        self._say(text)

    def _run(self, write: Callable[[], object], done: Callable | None = None) -> None:
        op = Op(write).failure(lambda error: self._say(f"Cannot change the library: {error}"))
        if done is not None:
            op.success(done)
        op.run(self._workers, self._bus, initiator=self)

    def _require_context(self) -> AppContext:
        if self._context is None:
            raise RuntimeError("LibraryView.attach() first")
        return self._context

    def _say(self, text: str) -> None:
        self.status_message.emit(text)


class _RemoveCommand(QUndoCommand):
    """Holds the removed document (text, notes) until the undo stack drops the command."""

    def __init__(self, view: LibraryView, removed: RemovedDocument) -> None:
        super().__init__(f"Remove “{removed.document.title}”")
        self.view = view
        self.removed = removed
        self.first = True

    def redo(self) -> None:
        if not self.first:  # the first time, the Op that pushed it had removed it already
            self.view._run(self._remove_again)
        self.first = False
        self.view.removed_hint(self.removed)

    def undo(self) -> None:
        self.view._run(self._restore, self._restored)
        self.view.removed_hint(None)

    # In the write thread, in the order asked: a restore always finds the latest removal's copy.
    def _remove_again(self) -> RemovedDocument:
        from reader.core.library import remove_restorably

        self.removed = remove_restorably(self._database(), self.removed.row["id"])
        return self.removed

    def _restore(self) -> LibraryEntry:
        from reader.core.library import restore_document

        return restore_document(self._database(), self.removed)

    def _restored(self, entry: LibraryEntry) -> None:
        self.view._say(f"“{entry.title}” is back in the library")

    def _database(self):
        return self.view._require_context().database()
