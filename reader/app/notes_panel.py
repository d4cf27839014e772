"""The notes side panel: a document's annotations in reading order, filtered by colour or tag;
jump to one, edit its note or colour, delete with undo; orphans listed with their quote.

A thin layer over `reader.core.notes.service` (the same functions as `bireader notes`). Every
change goes through the panel's `QUndoStack`, so highlight, edit and delete can all be undone;
`annotations_changed` tells the window to repaint its highlights.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QKeySequence, QPixmap, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
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

from reader.app.author_filter import AuthorFilter  # hook: postgres
from reader.app.theme import SWATCHES, UNKNOWN_SWATCH
from reader.core.errors import ReaderError
from reader.core.notes.service import (
    COLOURS,
    Annotation,
    annotate_selection,
    annotate_translation_selection,
    delete_annotation,
    get_annotation,
    list_annotations,
    list_tags,
    on_current_translations,
    restore_annotation,
    update_annotation,
)
from reader.core.notes.translations import SentenceTranslation
from reader.core.storage.db import Database

ALL = ""  # the filter value meaning "no filter"
Submit = Callable[[Callable[[], Any], Callable[[Any], None], Callable[[BaseException], None]], Any]
UUID_ROLE = Qt.ItemDataRole.UserRole


class NotesPanel(QDockWidget):
    jump_requested = Signal(int, int, int)  # block index, start, end (offsets in the block)
    annotations_changed = Signal()

    def __init__(
        self, database: Database, parent: QWidget | None = None, *, submit: Submit | None = None
    ) -> None:
        """`submit(function, on_success, on_failure)` runs the list loading off the GUI thread
        (the window's `Workers.submit`); without it the list is read at once."""
        super().__init__("Notes", parent)
        self.setObjectName("notesPanel")
        self.database = database
        self.document_id: int | None = None
        self.annotations: list[Annotation] = []
        self._submit = submit
        self._generation = 0  # the latest load: older ones are dropped when they come back
        self.loading = False
        self.undo_stack = QUndoStack(self)
        self._build()

    def _build(self) -> None:
        self.colour_filter = QComboBox()
        self.colour_filter.addItem("All colours", ALL)
        for colour in COLOURS:
            self.colour_filter.addItem(_swatch(colour), colour.capitalize(), colour)
        self.tag_filter = QComboBox()
        self.author_filter = AuthorFilter(self.reload)  # hook: postgres
        self.colour_filter.currentIndexChanged.connect(self.reload)
        self.tag_filter.currentIndexChanged.connect(self.reload)
        self.empty_label = QLabel(wordWrap=True)
        self.empty_label.setObjectName("notesEmpty")
        self.empty_label.setEnabled(False)  # greyed: a hint, not content
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(self._activated)
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.edit_button = QPushButton("Edit note…")
        self.edit_button.clicked.connect(self._edit_current)
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(self.delete_current)
        self.undo_action = self.undo_stack.createUndoAction(self, "Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.redo_action = self.undo_stack.createRedoAction(self, "Redo")
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        self.redo_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addActions([self.undo_action, self.redo_action])
        filters = QHBoxLayout()
        filters.addWidget(self.colour_filter)
        filters.addWidget(self.tag_filter)
        filters.addWidget(self.author_filter)  # hook: postgres
        buttons = QHBoxLayout()
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addLayout(filters)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        self.setWidget(body)
        self._update_buttons()

    # --- showing ----------------------------------------------------------------------------

    def set_document(self, document_id: int | None) -> None:
        self.document_id = document_id
        self.undo_stack.clear()  # undoing into another document would surprise
        self.author_filter.reset()  # hook: postgres
        self._fill_tags()
        self.reload()

    def reload(self) -> None:
        """Re-read the document's annotations (after the window added one, or a re-import)."""
        document_id, database = self.document_id, self.database
        colour = self.colour_filter.currentData() or None
        tag = self.tag_filter.currentData() or None
        author = self.author_filter.author()  # hook: postgres

        def load() -> list[Annotation]:
            if document_id is None:
                return []
            found = list_annotations(database, document_id, colour=colour, tag=tag, author=author)
            return on_current_translations(database, document_id, found)  # words gone: orphans

        self._generation += 1
        generation = self._generation
        if self._submit is None or document_id is None:
            self.loading = False
            self._show(load())
            return
        self.loading = True
        self._submit(
            load,
            lambda found: self._loaded(generation, found),
            lambda error: self._load_failed(generation, error),
        )

    def _loaded(self, generation: int, annotations: list[Annotation]) -> None:
        if generation == self._generation:
            self.loading = False
            self._show(annotations)

    def _load_failed(self, generation: int, error: BaseException) -> None:
        if generation == self._generation:
            self.loading = False
            self._show([])
            self.empty_label.setText(f"Cannot read the notes: {error}")

    def _show(self, annotations: list[Annotation]) -> None:
        current = self.current_uuid()
        self.list.clear()
        self.annotations = annotations
        self.author_filter.offer(annotation.author for annotation in annotations)  # hook: postgres
        for annotation in self.annotations:
            self.list.addItem(_item(annotation))
            if annotation.uuid == current:
                self.list.setCurrentRow(self.list.count() - 1)
        self._update_empty_hint()
        self._update_buttons()

    def _update_empty_hint(self) -> None:
        filtered = bool(self.colour_filter.currentData() or self.tag_filter.currentData())
        self.empty_label.setText(
            "No note matches these filters."
            if filtered
            else "No notes yet. Select text and press 1–5 to highlight it, "
            "or Ctrl+Shift+N to add a note."
        )
        self.empty_label.setVisible(self.document_id is not None and not self.annotations)

    def _fill_tags(self) -> None:
        chosen = self.tag_filter.currentData()
        self.tag_filter.blockSignals(True)
        self.tag_filter.clear()
        self.tag_filter.addItem("All tags", ALL)
        tags = list_tags(self.database, self.document_id) if self.document_id else []
        for tag in tags:
            self.tag_filter.addItem(f"#{tag}", tag)
        self.tag_filter.setCurrentIndex(max(0, self.tag_filter.findData(chosen)))
        self.tag_filter.blockSignals(False)

    def current_uuid(self) -> str | None:
        item = self.list.currentItem()
        return item.data(UUID_ROLE) if item is not None else None

    def _update_buttons(self) -> None:
        selected = self.list.currentItem() is not None
        self.edit_button.setEnabled(selected)
        self.delete_button.setEnabled(selected)

    def _activated(self, item: QListWidgetItem) -> None:
        annotation = self._annotation(item.data(UUID_ROLE))
        if annotation is not None and annotation.status == "anchored":
            anchor = annotation.anchor
            self.jump_requested.emit(anchor.block_index, anchor.start, anchor.end)

    def _annotation(self, uuid: str | None) -> Annotation | None:
        return next((a for a in self.annotations if a.uuid == uuid), None)

    # --- changing (each an undoable command) ------------------------------------------------

    def add_highlight(
        self,
        block_index: int,
        start: int,
        end: int,
        colour: str,
        note: str = "",
        tags: Iterable[str] = (),
    ) -> str:
        """Highlight a selection of the original (keys 1-5); returns the new annotation's uuid."""
        document_id = self._document()
        return self._push_add(
            f"Highlight ({colour})",
            lambda: annotate_selection(
                self.database,
                document_id,
                block_index,
                start,
                end,
                colour=colour,
                note=note,
                tags=tags,
            ),
        )

    def add_translation_highlight(
        self,
        block_index: int,
        sentence_index: int,
        translation: SentenceTranslation,
        start: int,
        end: int,
        colour: str,
        note: str = "",
        tags: Iterable[str] = (),
    ) -> str:
        """Highlight part of one sentence's translation (offsets within that translation)."""
        document_id = self._document()
        return self._push_add(
            f"Highlight ({colour})",
            lambda: annotate_translation_selection(
                self.database,
                document_id,
                block_index,
                sentence_index,
                translation,
                start,
                end,
                colour=colour,
                note=note,
                tags=tags,
            ),
        )

    def push_added(self, annotation: Annotation) -> str:
        """Show (undoably) an annotation the window created in a worker."""
        return self._push_add(f"Highlight ({annotation.colour})", lambda: annotation)

    def _document(self) -> int:
        if self.document_id is None:
            raise ReaderError("open a document first")
        return self.document_id

    def _push_add(self, text: str, create: Callable[[], Annotation]) -> str:
        command = _AddCommand(self, text, create)
        self.undo_stack.push(command)
        return command.annotation.uuid

    def edit(
        self,
        uuid: str,
        *,
        note: str | None = None,
        colour: str | None = None,
        tags: list[str] | None = None,
    ) -> None:
        self.undo_stack.push(_EditCommand(self, uuid, note=note, colour=colour, tags=tags))

    def delete(self, uuid: str) -> None:
        self.undo_stack.push(_DeleteCommand(self, uuid))

    def delete_current(self) -> None:
        uuid = self.current_uuid()
        if uuid is not None:
            self.delete(uuid)

    def _edit_current(self) -> None:
        annotation = self._annotation(self.current_uuid())
        if annotation is None:
            return
        text, accepted = QInputDialog.getMultiLineText(
            self, "Edit note", "Note (Markdown):", annotation.note
        )
        if accepted and text != annotation.note:
            self.edit(annotation.uuid, note=text)

    def changed(self) -> None:
        self._fill_tags()
        self.reload()
        self.annotations_changed.emit()


class _AddCommand(QUndoCommand):
    def __init__(self, panel: NotesPanel, text: str, create: Callable[[], Annotation]) -> None:
        super().__init__(text)
        self.panel = panel
        self.annotation = create()  # raises before anything is pushed on the undo stack
        self.first = True

    def redo(self) -> None:
        if not self.first:  # the first time, the constructor created it (and could raise)
            restore_annotation(self.panel.database, self.annotation)
        self.first = False
        self.panel.changed()

    def undo(self) -> None:
        delete_annotation(self.panel.database, self.annotation.uuid)
        self.panel.changed()


class _EditCommand(QUndoCommand):
    def __init__(self, panel: NotesPanel, uuid: str, **changes) -> None:
        super().__init__("Edit note")
        self.panel = panel
        self.before = get_annotation(panel.database, uuid)
        self.changes = changes

    def redo(self) -> None:
        update_annotation(self.panel.database, self.before.uuid, **self.changes)
        self.panel.changed()

    def undo(self) -> None:
        update_annotation(
            self.panel.database,
            self.before.uuid,
            note=self.before.note,
            colour=self.before.colour,
            tags=list(self.before.tags),
        )
        self.panel.changed()


class _DeleteCommand(QUndoCommand):
    def __init__(self, panel: NotesPanel, uuid: str) -> None:
        super().__init__("Delete note")
        self.panel = panel
        self.uuid = uuid
        self.deleted: Annotation | None = None

    def redo(self) -> None:
        self.deleted = delete_annotation(self.panel.database, self.uuid)
        self.panel.changed()

    def undo(self) -> None:
        if self.deleted is not None:
            restore_annotation(self.panel.database, self.deleted)
        self.panel.changed()


def _item(annotation: Annotation) -> QListWidgetItem:
    quote = " ".join(annotation.quote.split())
    quote = quote if len(quote) <= 120 else quote[:119] + "…"
    lines = [f"“{quote}”"]
    if annotation.status != "anchored":
        lines[0] = f"⚠ orphan — text no longer found: “{quote}”"
    elif annotation.side == "translation":
        lines[0] += "  (translation)"
    if annotation.note:
        lines.append(" ".join(annotation.note.split())[:200])
    if annotation.tags:
        lines.append(" ".join(f"#{tag}" for tag in annotation.tags))
    item = QListWidgetItem(_swatch(annotation.colour), "\n".join(lines))
    item.setData(UUID_ROLE, annotation.uuid)
    item.setToolTip(annotation.note or annotation.quote)
    return item


def _swatch(colour: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(SWATCHES.get(colour, UNKNOWN_SWATCH)))
    return QIcon(pixmap)
