"""The notes side panel: a document's annotations in reading order, filtered by colour or tag;
click one to jump to it, edit its note or colour, delete with undo; orphans listed with their
quote. Notes are shown rendered from their Markdown.

A thin layer over `reader.core.notes.service` (the same functions as `bireader notes`). Every
change is an undoable command on the panel's `QUndoStack` whose `redo`/`undo` run as `Op`s off
the GUI thread (a second writer holding the database must never freeze the window); the panel,
like every other view, refreshes from the `ChangeBus` when the change touches its document.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QIcon,
    QKeySequence,
    QPainter,
    QPalette,
    QPixmap,
    QTextDocument,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from reader.app.author_filter import AuthorFilter
from reader.app.dialogs import NoteDialog
from reader.app.ops import ChangeBus, Op
from reader.app.theme import SWATCHES, UNKNOWN_SWATCH
from reader.core.changes import Changes
from reader.core.errors import ReaderError
from reader.core.notes.service import (
    COLOURS,
    Annotation,
    delete_annotation,
    get_annotation,
    list_annotations,
    list_tags,
    on_current_translations,
    restore_annotation,
    update_annotation,
)

if TYPE_CHECKING:
    from reader.app.workers import Workers
    from reader.core.storage.db import Database

ALL = ""  # the filter value meaning "no filter"
UUID_ROLE = Qt.ItemDataRole.UserRole
HTML_ROLE = Qt.ItemDataRole.UserRole + 1  # the item as rendered; its text() stays plain
LOAD_KEY = "notes-panel"
STATUS_MS = 5000


class NotesPanel(QDockWidget):
    jump_requested = Signal(int, int, int)  # block index, start, end (offsets in the block)
    status_message = Signal(str)  # "Note saved", "Deleted — Ctrl+Z to undo"...

    def __init__(
        self,
        database: Database,
        workers: Workers,
        bus: ChangeBus,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Notes", parent)
        self.setObjectName("notesPanel")
        self.database = database
        self.workers = workers
        self.bus = bus
        self.document_id: int | None = None
        self.annotations: list[Annotation] = []
        self._refresh_needed = False  # a change came while hidden: reload when shown
        self.undo_stack = QUndoStack(self)
        self._build()
        bus.changed.connect(self.on_changes)

    def _build(self) -> None:
        self.colour_filter = QComboBox()
        self.colour_filter.addItem("All colours", ALL)
        for colour in COLOURS:
            self.colour_filter.addItem(_swatch(colour), colour.capitalize(), colour)
        self.tag_filter = QComboBox()
        self.author_filter = AuthorFilter(self.reload)
        self.colour_filter.currentIndexChanged.connect(self.reload)
        self.tag_filter.currentIndexChanged.connect(self.reload)
        self.empty_label = QLabel(wordWrap=True)
        self.empty_label.setObjectName("notesEmpty")
        self.empty_label.setEnabled(False)  # greyed: a hint, not content
        self.hint_label = QLabel(wordWrap=True, objectName="notesHint")  # the undo hint
        self.hint_label.hide()
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setItemDelegate(NoteDelegate(self.list))
        self.list.itemActivated.connect(self._jump_to)
        self.list.itemClicked.connect(self._jump_to)  # one click jumps, as in the readers
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
        filters.addWidget(self.author_filter)
        buttons = QHBoxLayout()
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addLayout(filters)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.list)
        layout.addWidget(self.hint_label)
        layout.addLayout(buttons)
        self.setWidget(body)
        self._update_buttons()

    # --- showing ----------------------------------------------------------------------------

    @property
    def loading(self) -> bool:
        return self.workers.pending(LOAD_KEY)

    def set_document(self, document_id: int | None) -> None:
        self.document_id = document_id
        self.undo_stack.clear()  # undoing into another document would surprise
        self.hint_label.hide()
        self.author_filter.reset()  # a new document: its own authors
        self.reload()

    def on_changes(self, changes: Changes, initiator: object | None) -> None:
        """A write somewhere (this panel, the window, a translation edit, a colleague on a
        team library): reload if it may touch the listed notes; while hidden, only remember to."""
        if self.document_id is None or not changes.touches_document(self.document_id):
            return
        if self.isVisible():
            self.reload()
        else:
            self._refresh_needed = True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._refresh_needed:
            self.reload()

    def reload(self) -> None:
        """Re-read the document's annotations and tags in a worker; the latest read wins."""
        self._refresh_needed = False
        document_id, database, filters = self.document_id, self.database, self.filters()
        if document_id is None:
            self.workers.drop_latest(LOAD_KEY)
            self._show(([], []))
            return

        def load() -> tuple[list[Annotation], list[str]]:
            found = list_annotations(database, document_id, **filters)
            placed = on_current_translations(database, document_id, found)  # words gone: orphans
            return placed, list_tags(database, document_id)

        self.workers.latest(LOAD_KEY, load, self._show, self._load_failed)

    def filters(self) -> dict[str, str]:
        """The list's filters as `list_annotations` keywords (the author's: on a team library)."""
        chosen = {
            "colour": self.colour_filter.currentData(),
            "tag": self.tag_filter.currentData(),
            "author": self.author_filter.author(),
        }
        return {name: value for name, value in chosen.items() if value}

    def _load_failed(self, error: BaseException) -> None:
        self._show(([], []))
        self.empty_label.setText(f"Cannot read the notes: {error}")

    def _show(self, loaded: tuple[list[Annotation], list[str]]) -> None:
        annotations, tags = loaded
        self._fill_tags(tags)
        current = self.current_uuid()
        self.list.clear()
        self.annotations = annotations
        self.author_filter.offer(annotation.author for annotation in annotations)
        show_author = self.author_filter.has_several_authors()
        for annotation in self.annotations:
            self.list.addItem(_item(annotation, show_author))
            if annotation.uuid == current:
                self.list.setCurrentRow(self.list.count() - 1)
        self._update_empty_hint()
        self._update_buttons()

    def _update_empty_hint(self) -> None:
        filtered = bool(self.filters())
        self.empty_label.setText(
            "No note matches these filters."
            if filtered
            else "No notes yet. Select text and press 1–5 to highlight it, "
            "or Ctrl+Shift+N to add a note."
        )
        self.empty_label.setVisible(self.document_id is not None and not self.annotations)

    def _fill_tags(self, tags: list[str]) -> None:
        chosen = self.tag_filter.currentData()
        self.tag_filter.blockSignals(True)
        self.tag_filter.clear()
        self.tag_filter.addItem("All tags", ALL)
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

    def _jump_to(self, item: QListWidgetItem) -> None:
        annotation = self._annotation(item.data(UUID_ROLE))
        if annotation is not None and annotation.status == "anchored":
            anchor = annotation.anchor
            self.jump_requested.emit(anchor.block_index, anchor.start, anchor.end)

    def _annotation(self, uuid: str | None) -> Annotation | None:
        return next((a for a in self.annotations if a.uuid == uuid), None)

    def _say(self, message: str) -> None:
        self.status_message.emit(message)

    # --- changing (each an undoable command) ------------------------------------------------

    def push_added(self, annotation: Annotation) -> None:
        """Make undoable an annotation created (and announced) by an Op."""
        self.undo_stack.push(_AddCommand(self, annotation))
        self._say("Note saved" if annotation.note else f"Highlighted ({annotation.colour})")

    def _document(self) -> int:
        if self.document_id is None:
            raise ReaderError("open a document first")
        return self.document_id

    def edit(
        self,
        uuid: str,
        *,
        note: str | None = None,
        colour: str | None = None,
        tags: list[str] | None = None,
        private: bool | None = None,
    ) -> None:
        before = self._annotation(uuid) or get_annotation(self.database, uuid)
        changes = {"note": note, "colour": colour, "tags": tags, "private": private}
        self.undo_stack.push(_EditCommand(self, before, **changes))

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
        dialog = self.note_dialog(annotation)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        note, tags, colour = dialog.values()
        wanted = {"note": note, "tags": tags, "colour": colour, "private": dialog.private()}
        current = {
            "note": annotation.note,
            "tags": list(annotation.tags),
            "colour": annotation.colour,
            "private": annotation.private,
        }
        changed = {name: value for name, value in wanted.items() if value != current[name]}
        if changed:
            self.edit(annotation.uuid, **changed)

    def note_dialog(self, annotation: Annotation) -> NoteDialog:
        """The note dialog filled in with the annotation's note, tags, colour and privacy."""
        return NoteDialog(
            annotation.quote,
            COLOURS,
            annotation.colour,
            self,
            note=annotation.note,
            tags=annotation.tags,
            private=annotation.private,
            title="Edit note",
        )

    def run(self, write: Callable[[], Any], done: Callable[[Any], None] | None = None) -> None:
        """One write of an undo command, off the GUI thread; a failure is said, not raised."""
        op = Op(write).failure(lambda error: self._say(f"Cannot change the notes: {error}"))
        if done is not None:
            op.success(done)
        op.run(self.workers, self.bus, initiator=self)

    def show_hint(self, text: str) -> None:
        self.hint_label.setText(text)
        self.hint_label.setVisible(bool(text))
        if text:
            self._say(text)


# Commands: the writes run in the pool, one at a time in the order asked (Workers' write
# thread), so a quick undo-redo-undo reaches the database in that order.


class _AddCommand(QUndoCommand):
    def __init__(self, panel: NotesPanel, annotation: Annotation) -> None:
        super().__init__(f"Highlight ({annotation.colour})")
        self.panel = panel
        self.annotation = annotation
        self.first = True

    def redo(self) -> None:
        if not self.first:  # the first time, the Op that created it announced it
            database, annotation = self.panel.database, self.annotation
            self.panel.run(lambda: restore_annotation(database, annotation))
        self.first = False

    def undo(self) -> None:
        database, uuid = self.panel.database, self.annotation.uuid
        self.panel.run(lambda: delete_annotation(database, uuid))


class _EditCommand(QUndoCommand):
    def __init__(self, panel: NotesPanel, before: Annotation, **changes) -> None:
        super().__init__("Edit note")
        self.panel = panel
        self.before = before
        self.changes = changes

    def redo(self) -> None:
        self._write(self.changes, "Note saved")

    def undo(self) -> None:
        before = self.before
        self._write(
            {
                "note": before.note,
                "colour": before.colour,
                "tags": list(before.tags),
                "private": before.private,
            }
        )

    def _write(self, values: dict, saying: str = "") -> None:
        database, uuid, panel = self.panel.database, self.before.uuid, self.panel
        panel.run(
            lambda: update_annotation(database, uuid, **values),
            lambda _annotation: panel.show_hint(saying) if saying else None,
        )


class _DeleteCommand(QUndoCommand):
    def __init__(self, panel: NotesPanel, uuid: str) -> None:
        super().__init__("Delete note")
        self.panel = panel
        self.uuid = uuid
        self.deleted: Annotation | None = None

    def redo(self) -> None:
        panel = self.panel
        panel.run(self._delete, lambda _deleted: panel.show_hint("Deleted — Ctrl+Z to undo"))

    def undo(self) -> None:
        self.panel.run(self._restore)
        self.panel.show_hint("")

    # In the write thread, one after the other: the restore always finds what the delete kept.
    def _delete(self) -> Annotation:
        self.deleted = delete_annotation(self.panel.database, self.uuid)
        return self.deleted

    def _restore(self) -> Annotation:
        if self.deleted is None:
            raise ReaderError("the note was not deleted")
        return restore_annotation(self.panel.database, self.deleted)


# A word, not 🔒: many desktops have no emoji font and would show an empty box.
PRIVATE_MARK = "· private"


def _item(annotation: Annotation, show_author: bool = False) -> QListWidgetItem:
    quote = " ".join(annotation.quote.split())
    quote = quote if len(quote) <= 120 else quote[:119] + "…"
    lines = [f"“{quote}”"]
    if annotation.status != "anchored":
        lines[0] = f"⚠ orphan — text no longer found: “{quote}”"
    elif annotation.side == "translation":
        lines[0] += "  (translation)"
    if show_author and annotation.author:
        lines[0] += f"  — {annotation.author}"
    if annotation.private:
        lines[0] += f" {PRIVATE_MARK}"
    if annotation.note:
        lines.append(" ".join(annotation.note.split())[:200])
    if annotation.tags:
        lines.append(" ".join(f"#{tag}" for tag in annotation.tags))
    item = QListWidgetItem(_swatch(annotation.colour), "\n".join(lines))
    item.setData(UUID_ROLE, annotation.uuid)
    item.setData(HTML_ROLE, _item_html(lines[0], annotation))
    tip = annotation.note or annotation.quote
    item.setToolTip(f"Private: only you can read it\n{tip}" if annotation.private else tip)
    return item


def _item_html(heading: str, annotation: Annotation) -> str:
    parts = [f"<p style='margin:0'><i>{html.escape(heading)}</i></p>"]
    if annotation.note:
        parts.append(markdown_html(annotation.note))
    if annotation.tags:
        tags = " ".join(f"#{html.escape(tag)}" for tag in annotation.tags)
        parts.append(f"<p style='margin:0; color:gray'>{tags}</p>")
    return "".join(parts)


@lru_cache(maxsize=1)
def _markdown():
    from markdown_it import MarkdownIt

    # No raw HTML: a note is the reader's text, not markup for the panel.
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def markdown_html(note: str) -> str:
    """A note's Markdown as the HTML the panel shows."""
    return _markdown().render(note)


class NoteDelegate(QStyledItemDelegate):
    """Paints an item's rendered note (HTML_ROLE) under its colour swatch."""

    PADDING = 4

    def _document(self, option: QStyleOptionViewItem, index: QModelIndex) -> QTextDocument:
        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setDocumentMargin(0)
        document.setHtml(index.data(HTML_ROLE) or html.escape(index.data() or ""))
        document.setTextWidth(max(40, option.rect.width() - self._text_left() - self.PADDING))
        return document

    def _text_left(self) -> int:
        return 12 + 3 * self.PADDING  # the swatch and its margins

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else None
        option.text, option.icon = "", QIcon()  # the background and selection only
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        rect = option.rect
        swatch = index.data(Qt.ItemDataRole.DecorationRole)
        if isinstance(swatch, QIcon):
            swatch.paint(painter, rect.left() + self.PADDING, rect.top() + self.PADDING + 2, 12, 12)
        document = self._document(option, index)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, option.palette.color(role))
        painter.save()
        painter.translate(rect.left() + self._text_left(), rect.top() + self.PADDING)
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        self.initStyleOption(option, index)
        width = option.widget.viewport().width() if option.widget else 240
        option.rect.setWidth(width)
        height = self._document(option, index).size().height()
        return QSize(width, int(height) + 2 * self.PADDING)


def _swatch(colour: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(SWATCHES.get(colour, UNKNOWN_SWATCH)))
    return QIcon(pixmap)
