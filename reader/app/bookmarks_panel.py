"""The bookmarks side panel: a document's bookmarks in reading order; a click jumps to one,
Rename… labels it, Remove takes it away with an Undo offered in the panel.

A thin layer over `reader.core.notes.bookmarks` (the same functions as `bireader bookmarks`).
Reads and writes run through `submit` (the window's `Workers.submit`: off the GUI thread); each
write's `Changes` is emitted as `bookmarks_changed`, and the panel reloads its list.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reader.core.changes import Changes
from reader.core.notes.bookmarks import (
    Bookmark,
    add_bookmark,
    list_bookmarks,
    remove_bookmark,
    rename_bookmark,
    restore_bookmark,
)
from reader.core.notes.reanchor import ANCHORED
from reader.core.storage.db import Database

Submit = Callable[[Callable[[], Any], Callable[[Any], None], Callable[[BaseException], None]], Any]
UUID_ROLE = Qt.ItemDataRole.UserRole
EMPTY_TEXT = "No bookmarks yet. Ctrl+B marks the current sentence."


def run_now(function, on_success, on_failure) -> None:
    """A `Submit` that runs at once (tests, and a window without workers)."""
    try:
        result = function()
    except Exception as error:  # reported like a worker's failure
        on_failure(error)
    else:
        on_success(result)


class BookmarksPanel(QDockWidget):
    jump_requested = Signal(int, int)  # block index, sentence index
    bookmarks_changed = Signal(object)  # the write's Changes
    failed = Signal(str)
    loaded = Signal()

    def __init__(
        self, database: Database, parent: QWidget | None = None, *, submit: Submit = run_now
    ) -> None:
        super().__init__("Bookmarks", parent)
        self.setObjectName("bookmarksPanel")
        self.database = database
        self.document_id: int | None = None
        self.bookmarks: list[Bookmark] = []
        self.removed: Bookmark | None = None  # the last one removed, for Undo
        self._submit = submit
        self._generation = 0  # the latest load: older results are dropped
        self._build()

    def _build(self) -> None:
        self.list = QListWidget(objectName="bookmarksList", wordWrap=True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.itemClicked.connect(self._jump)
        self.list.itemActivated.connect(self._jump)
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.empty_label = QLabel(EMPTY_TEXT, wordWrap=True)
        self.rename_button = QPushButton("Rename…", clicked=self.rename_current)
        self.remove_button = QPushButton("Remove", clicked=self.remove_current)
        self.undo_label = QLabel(wordWrap=True)
        self.undo_button = QPushButton("Undo", clicked=self.undo_remove)
        QShortcut(QKeySequence.StandardKey.Delete, self.list, self.remove_current)
        QShortcut(QKeySequence("F2"), self.list, self.rename_current)
        buttons = QHBoxLayout()
        buttons.addWidget(self.rename_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        undo_row = QHBoxLayout()
        undo_row.addWidget(self.undo_label, 1)
        undo_row.addWidget(self.undo_button)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.list, 1)
        layout.addLayout(undo_row)
        layout.addLayout(buttons)
        self.setWidget(body)
        self._show_undo(None)
        self._update_buttons()

    # --- showing --------------------------------------------------------------------------------

    def set_document(self, document_id: int | None) -> None:
        if document_id != self.document_id:
            self._show_undo(None)
        self.document_id = document_id
        self.reload()

    def reload(self) -> None:
        self._generation += 1
        generation, document_id = self._generation, self.document_id
        if document_id is None:
            self._show([])
            return
        self._submit(
            lambda: list_bookmarks(self.database, document_id),
            lambda found: self._loaded(generation, found),
            self._failed,
        )

    def _loaded(self, generation: int, bookmarks: list[Bookmark]) -> None:
        if generation == self._generation:
            self._show(bookmarks)

    def _show(self, bookmarks: list[Bookmark]) -> None:
        self.bookmarks = bookmarks
        self.list.clear()
        for bookmark in bookmarks:
            item = QListWidgetItem(_item_text(bookmark))
            item.setData(UUID_ROLE, bookmark.uuid)
            item.setToolTip(bookmark.exact)
            if bookmark.status != ANCHORED:
                font = item.font()
                font.setItalic(True)
                item.setFont(font)
            self.list.addItem(item)
        self.empty_label.setVisible(not bookmarks)
        self._update_buttons()
        self.loaded.emit()

    def _update_buttons(self) -> None:
        chosen = self.list.currentItem() is not None
        self.rename_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)

    def current_bookmark(self) -> Bookmark | None:
        item = self.list.currentItem()
        if item is None:
            return None
        uuid = item.data(UUID_ROLE)
        return next((b for b in self.bookmarks if b.uuid == uuid), None)

    def _jump(self, item: QListWidgetItem) -> None:
        bookmark = next((b for b in self.bookmarks if b.uuid == item.data(UUID_ROLE)), None)
        if bookmark is not None:
            self.jump_requested.emit(bookmark.block_index, bookmark.sentence_index)

    # --- changing -------------------------------------------------------------------------------

    def add(self, block_index: int, sentence_index: int, label: str = "") -> None:
        document_id = self.document_id
        if document_id is None:
            return
        self._write(
            lambda: add_bookmark(self.database, document_id, block_index, sentence_index, label)
        )

    def rename_current(self) -> None:
        bookmark = self.current_bookmark()
        if bookmark is None:
            return
        label, accepted = QInputDialog.getText(
            self, "Rename bookmark", "Label:", text=bookmark.label or bookmark.title
        )
        if accepted:
            self.rename(bookmark.uuid, label)

    def rename(self, uuid: str, label: str) -> None:
        self._write(lambda: rename_bookmark(self.database, uuid, label))

    def remove_current(self) -> None:
        bookmark = self.current_bookmark()
        if bookmark is not None:
            self._write(lambda: remove_bookmark(self.database, bookmark.uuid), undoable=True)

    def undo_remove(self) -> None:
        removed = self.removed
        if removed is not None:
            self._show_undo(None)
            self._write(lambda: restore_bookmark(self.database, removed))

    def _write(self, function: Callable[[], tuple[Bookmark, Changes]], *, undoable=False) -> None:
        self._submit(function, partial(self._written, undoable), self._failed)

    def _written(self, undoable: bool, result: tuple[Bookmark, Changes]) -> None:
        bookmark, changes = result
        self._show_undo(bookmark if undoable else None)
        self.bookmarks_changed.emit(changes)
        self.reload()

    def _show_undo(self, removed: Bookmark | None) -> None:
        self.removed = removed
        self.undo_label.setText(f"Removed “{removed.title}”." if removed else "")
        self.undo_label.setVisible(removed is not None)
        self.undo_button.setVisible(removed is not None)

    def _failed(self, error: BaseException) -> None:
        self.failed.emit(str(error))


def _item_text(bookmark: Bookmark) -> str:
    where = f"¶ {bookmark.block_index + 1}"
    gone = " (its sentence is gone)" if bookmark.status != ANCHORED else ""
    return f"{where}  {bookmark.title}{gone}"
