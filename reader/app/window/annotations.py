"""Annotations of the shown document: highlighting the selection (either pane), notes, and
painting the document's highlights (read in a worker)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from reader.app.context import AppContext
from reader.app.dialogs import NoteDialog
from reader.app.ops import ChangeBus, Op
from reader.app.reading.view import DocumentView
from reader.app.window.actions import HIGHLIGHT_COLOURS
from reader.app.workers import Workers, error_message
from reader.core.reading import OpenedDocument
from reader.core.side import Side

if TYPE_CHECKING:
    from reader.core.changes import Changes

HIGHLIGHTS = "highlights"  # the Workers.latest key of the shown document's highlight load


class AnnotationController(QObject):
    added = Signal(object)  # the new Annotation, of the shown document
    failed = Signal(str)
    highlights_shown = Signal()  # the annotations of the shown document are painted
    message = Signal(str, int)

    def __init__(
        self,
        workers: Workers,
        bus: ChangeBus,
        context: AppContext,
        view: DocumentView,
        dialog_parent: QWidget,
    ) -> None:
        super().__init__(dialog_parent)
        self._workers, self._bus, self._context, self._view = workers, bus, context, view
        self._dialog_parent = dialog_parent
        self._opened: OpenedDocument | None = None
        bus.changed.connect(self.on_changes)

    def show(self, opened: OpenedDocument | None) -> None:
        """Follow the shown document (None: none); its highlights are loaded again."""
        self._opened = opened
        if opened is None:
            self._workers.drop_latest(HIGHLIGHTS)  # a load still running is for nothing now
        else:
            self.refresh()

    def on_changes(self, changes: Changes, _initiator: object | None) -> None:
        if self._opened is not None and changes.touches_document(self._opened.document_id):
            self.refresh()

    @property
    def up_to_date(self) -> bool:
        """True when the last highlight load asked for is painted (tests, screenshots)."""
        return not self._workers.pending(HIGHLIGHTS)

    def refresh(self) -> None:
        """Repaint the shown document's annotations (read in a worker: the list can be long)."""
        opened, context = self._opened, self._context
        if opened is None:
            return
        self._workers.latest(
            HIGHLIGHTS,
            lambda: load_highlights(context, opened),
            self._paint,
            lambda error: self.message.emit(error_message(error), 10_000),
        )

    def _paint(self, found: dict) -> None:
        if self._opened is None:
            return  # the document is gone
        self._view.set_highlights(found)
        self.highlights_shown.emit()

    def highlight_selection(
        self, colour: str, note: str = "", tags: list[str] | None = None, private: bool = False
    ) -> None:
        """Keys 1-5: highlight the selection (original or translation) in `colour`."""
        create = self._selection_annotation(colour, note, tags or [], private)
        if create is None:
            return
        opened = self._opened

        def added(annotation) -> None:
            if self._opened is opened:
                self.added.emit(
                    annotation
                )  # the notes panel says "Highlighted (…)" or "Note saved"

        Op(create).success(added).failure(self._failed).run(
            self._workers, self._bus, initiator=self
        )

    def add_note(self) -> None:
        """Ctrl+Shift+N: a note (Markdown, tags, colour) on the selection."""
        if self._selection_annotation(HIGHLIGHT_COLOURS[0], "", []) is None:
            return
        quote = self._view.selected_text()
        colour = HIGHLIGHT_COLOURS[0]
        dialog = NoteDialog(quote, HIGHLIGHT_COLOURS, colour, self._dialog_parent)
        if dialog.exec() == NoteDialog.DialogCode.Accepted:
            note, tags, colour = dialog.values()
            self.highlight_selection(colour, note, tags, dialog.private())

    def _selection_annotation(self, colour: str, note: str, tags: list[str], private: bool = False):
        """A function creating the annotation of the current selection (run in a worker), or
        None (with a message) when nothing that can be annotated is selected."""
        view, opened = self._view, self._opened
        selection = view.selection() if opened is not None else None
        if selection is None or opened is None or view.text is None:
            self.message.emit("Select some text to highlight first", 3000)
            return None
        side, (b0, p0), (b1, p1) = selection
        database, document_id = self._context.database, opened.document_id
        if side == Side.ORIGINAL:
            blocks = opened.document.blocks
            # A selection over several blocks: `end` runs on past the first block, counted in
            # the document text (blocks joined by a blank line), as anchors are.
            end = sum(len(blocks[b].text) + 2 for b in range(b0, b1)) + p1

            def create_original():
                from reader.core.notes.service import annotate_selection

                return annotate_selection(
                    database(),
                    document_id,
                    b0,
                    p0,
                    end,
                    colour=colour,
                    note=note,
                    tags=tags,
                    private=private,
                )

            return create_original
        found = self._translation_span(b0, p0, p1 if b1 == b0 else None)
        if found is None:
            self.message.emit("Select words of one translated sentence", 3000)
            return None
        sentence_index, text, start, end, origin = found

        def create_translation():
            from reader.core.notes.service import annotate_translation_selection
            from reader.core.notes.translations import SentenceTranslation

            return annotate_translation_selection(
                database(),
                document_id,
                b0,
                sentence_index,
                SentenceTranslation(text, origin),
                start,
                end,
                colour=colour,
                note=note,
                tags=tags,
                private=private,
            )

        return create_translation

    def _translation_span(self, block_index: int, start: int, end: int | None):
        """A selection in the translation pane as (sentence, its translation, start, end,
        origin): offsets within the one sentence where the selection starts."""
        text, opened = self._view.text, self._opened
        target = text.target(block_index) if text else None
        if target is None or opened is None or opened.route is None:
            return None
        sentence_index = text.sentence_at(Side.TRANSLATION, block_index, start)
        if sentence_index is None or target.states[sentence_index] == "missing":
            return None
        first, last = target.ranges[sentence_index]
        start, end = max(start, first), min(last if end is None else end, last)
        if end <= start:
            return None
        translated = text.sentences[(block_index, sentence_index)]
        origin = "edited" if translated.edited else opened.route.key
        return sentence_index, translated.translation, start - first, end - first, origin

    def _failed(self, error: BaseException) -> None:
        message = error_message(error)
        self.message.emit(f"Cannot highlight: {message}", 10_000)
        self.failed.emit(message)


def load_highlights(context: AppContext, opened: OpenedDocument) -> dict:
    """Runs in a worker: {block index: [Highlight]} of the document's anchored annotations,
    a selection over several blocks painted on each of them."""
    from reader.core.notes.service import highlights, list_annotations

    annotations = list_annotations(context.database(), opened.document_id)
    found = highlights(opened.document, annotations)
    for note in annotations:  # `highlights` gives the first block's part of a long selection
        for block_index, highlight in _later_blocks(opened.document, note):
            found.setdefault(block_index, []).append(highlight)
    return found


def _later_blocks(document, note):
    """The parts of an original-side selection past its first block: (block index, Highlight)."""
    from reader.core.notes.service import Highlight

    blocks, anchor = document.blocks, note.anchor
    if (
        note.status != "anchored"
        or note.translation is not None
        or not 0 <= anchor.block_index < len(blocks)
    ):
        return
    block_index = anchor.block_index
    remaining = anchor.end - len(blocks[block_index].text) - 2  # past the blank line
    while remaining > 0 and block_index + 1 < len(blocks):
        block_index += 1
        block = blocks[block_index]
        end = min(remaining, len(block.text))
        sentences = tuple(s.index for s in block.sentences if s.start < end)
        yield (
            block_index,
            Highlight(
                note.uuid, note.side, note.colour, block_index, 0, end, sentences, note=note.note
            ),
        )
        remaining -= len(block.text) + 2
