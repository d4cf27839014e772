"""The main window: library or reading view, docks, status bar, notes, search and export.

The rest of its behaviour lives in mixins it composes: `window_actions` (actions, menus, View and
Help commands), `window_opening` (opening a document, going back to the library),
`window_translation` (translation jobs, target language, editing a translation) and
`window_models` (downloading or installing a missing model)."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QProgressDialog,
    QStackedWidget,
    QToolButton,
)

from reader.app.dialogs import ExportDialog, NoteDialog, TranslationPopup
from reader.app.document_view import SOURCE, TARGET, DocumentView
from reader.app.library_view import LibraryView
from reader.app.settings import AppSettings
from reader.app.side_panels import SearchPanel, TocPanel
from reader.app.window_actions import HIGHLIGHT_COLOURS, WindowActions
from reader.app.window_models import ModelInstaller, ProgressRelay
from reader.app.window_ocr import OcrController
from reader.app.window_opening import APP_TITLE, DocumentOpening
from reader.app.window_translation import EarlyStart, TranslationControl
from reader.app.workers import AppContext, OpenedDocument, TranslationRunner, Workers, error_message

if TYPE_CHECKING:  # the notes panel imports the core (SQLAlchemy...): not at start-up
    from reader.app.notes_panel import NotesPanel

log = logging.getLogger(__name__)

SEARCH_LIMIT = 50
DOCK_WIDTH = 240  # px, the side panels' first width


class MainWindow(WindowActions, DocumentOpening, TranslationControl, ModelInstaller, QMainWindow):
    document_opened = Signal(object)  # OpenedDocument
    open_failed = Signal(str)
    visible_translation_ready = Signal()  # the screen's blocks are translated (or cannot be)
    translation_finished = Signal(object)  # JobStats, or an error message
    library_loaded = Signal()
    highlights_shown = Signal()  # the annotations of the shown document are painted
    annotation_failed = Signal(str)
    search_finished = Signal(list)  # the hits shown
    export_finished = Signal(object)  # the written Path, or an error message

    def __init__(
        self,
        settings: AppSettings | None = None,
        workers: Workers | None = None,
        context: AppContext | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings or AppSettings()
        self.workers = workers or Workers(self)
        self.context = context or AppContext()
        self.opened: OpenedDocument | None = None
        self.runner: TranslationRunner | None = None
        # A job started while its document is being opened (held until the document is shown),
        # and which `open_path` call it belongs to.
        self._early_runner: TranslationRunner | None = None
        self._open_generation = 0
        self._early_start = EarlyStart(self)
        self._early_start.route_known.connect(self._load_models)
        self._early_start.ready.connect(self._start_early_translation)
        self._visible_ready_sent = False
        self._download_dialog: QProgressDialog | None = None
        self._download_cancelled = False
        self.notes_panel: NotesPanel | None = None  # created with the database, on first use
        self._highlight_generation = 0  # highlight loads asked for
        self._highlights_shown_generation = 0
        self._pending_hit = None  # a search hit to show once its document is open
        self._search_generation = 0
        self._search_query = ""
        self._export_relay: ProgressRelay | None = None
        self._panels_wanted = {"notes": True, "toc": True}
        self.setWindowTitle(APP_TITLE)
        self.setAcceptDrops(True)

        self.library_view = LibraryView()
        self.document_view = DocumentView()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.library_view)
        self.stack.addWidget(self.document_view)
        self.setCentralWidget(self.stack)
        self.popup = TranslationPopup(self)
        self._build_docks()
        self._build_status_bar()
        self.ocr = OcrController(self, self.workers)
        self._build_actions()
        self._build_menus()
        self._connect_views()
        self._restore_preferences()

    # --- construction --------------------------------------------------------------------------

    def _build_docks(self) -> None:
        self.toc_panel = TocPanel(self)
        self.toc_panel.block_requested.connect(self._toc_clicked)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.toc_panel)
        self.toc_panel.hide()
        self.search_panel = SearchPanel(self)
        self.search_panel.search_requested.connect(self.search_library)
        self.search_panel.hit_activated.connect(self.open_search_hit)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.search_panel)
        self.search_panel.hide()

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.progress_label = QLabel()
        self.progress_bar = QProgressBar(objectName="translationProgress")
        self.progress_bar.setMaximumWidth(180)
        self.progress_bar.setTextVisible(False)
        self.cancel_button = QToolButton(text="Cancel", objectName="cancelTranslation")
        self.cancel_button.setToolTip("Stop translating this document")
        self.cancel_button.clicked.connect(self.cancel_translation)
        for widget in (self.progress_label, self.progress_bar, self.cancel_button):
            bar.addPermanentWidget(widget)
        self._show_progress(False)

    def _connect_views(self) -> None:
        view = self.document_view
        view.visible_blocks_changed.connect(self._prioritise)
        view.edit_requested.connect(self.edit_translation)
        view.context_menu_requested.connect(self._context_menu)
        view.missing_panel.download_clicked.connect(self.download_model)
        view.missing_panel.install_clicked.connect(self.choose_model_file)
        self.library_view.open_requested.connect(self.open_library_entry)
        self.library_view.rename_requested.connect(self.rename_document)
        self.library_view.open_file_requested.connect(self.choose_file)
        self.library_view.open_sample_requested.connect(self.open_sample)

    def _restore_preferences(self) -> None:
        settings = self.settings
        self.document_view.set_base_font(settings.font_family, settings.font_size)
        self.sync_action.setChecked(settings.synced_scrolling)
        self.document_view.set_synced(settings.synced_scrolling)
        self.theme_actions[settings.theme].setChecked(True)
        geometry = settings.geometry("main")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1200, 800)
        splitter = settings.geometry("splitter")
        if splitter is not None:
            self.document_view.restore_splitter(splitter)
        docks = settings.geometry("docks")
        # Where the docks are and how wide (the notes dock is created later: restoreDockWidget).
        self._docks_restored = docks is not None and self.restoreState(docks)
        self._dock_sizes_pending = not self._docks_restored
        self.toc_panel.hide()  # shown with a document that has contents

    # --- side panels: notes, contents ----------------------------------------------------------

    def ensure_notes_panel(self) -> NotesPanel:
        """The notes dock, created once the database is open (a document was opened: the worker
        that opened it opened the database too, so this costs the GUI thread nothing)."""
        if self.notes_panel is None:
            from reader.app.notes_panel import NotesPanel

            panel = NotesPanel(self.context.database(), self, submit=self.workers.submit)
            panel.jump_requested.connect(self.jump_to_annotation)
            panel.annotations_changed.connect(self.refresh_highlights)
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, panel)
            if not (self._docks_restored and self.restoreDockWidget(panel)):
                self._dock_sizes_pending = True
            panel.visibilityChanged.connect(
                lambda visible: self._panel_visibility("notes", panel, visible)
            )
            self.notes_panel = panel
            # hook: postgres: on a team library, a colleague's notes appear as they are written
            from reader.app.live_notes import LiveNotes
            from reader.core.storage.db import configured_url

            self.live_notes = LiveNotes.for_library(configured_url(), self)
            if self.live_notes is not None:
                self.live_notes.changed.connect(lambda _changes: panel.changed())
        return self.notes_panel

    def _undo_stack_call(self, what: str) -> None:
        if self.notes_panel is not None:
            getattr(self.notes_panel.undo_stack, what)()

    def _name_undo_actions(self) -> None:
        """Edit menu: say what Undo and Redo would do (the notes panel's undo stack)."""
        stack = self.notes_panel.undo_stack if self.notes_panel is not None else None
        for action, label, text in (
            (self.undo_action, "&Undo", stack.undoText() if stack else ""),
            (self.redo_action, "&Redo", stack.redoText() if stack else ""),
        ):
            action.setText(f"{label} {text}".strip())

    def _show_panels(self, opened: OpenedDocument) -> None:
        panel = self.ensure_notes_panel()
        panel.set_document(opened.document_id)  # also re-reads it after a re-import
        panel.setVisible(self._panels_wanted["notes"])
        self.toc_panel.set_toc(opened.document.toc)
        self.toc_panel.setVisible(bool(opened.document.toc) and self._panels_wanted["toc"])
        if self._dock_sizes_pending:  # first run: leave the reading panes most of the width
            self._dock_sizes_pending = False
            docks = [self.toc_panel, panel, self.search_panel]
            self.resizeDocks(docks, [DOCK_WIDTH] * len(docks), Qt.Orientation.Horizontal)
        self.refresh_highlights()

    def _hide_panels(self) -> None:
        # A highlight load still running is for nothing now.
        self._highlight_generation = self._highlights_shown_generation = (
            self._highlight_generation + 1
        )
        if self.notes_panel is not None:
            self.notes_panel.set_document(None)
            self.notes_panel.hide()
        self.toc_panel.set_toc(())
        self.toc_panel.hide()

    def _set_panel_wanted(self, name: str, on: bool) -> None:
        """View ▸ Notes / Contents: shown while reading (the contents only if there are any)."""
        self._panels_wanted[name] = on
        if self.opened is None:
            return
        if name == "notes" and self.notes_panel is not None:
            self.notes_panel.setVisible(on)
        elif name == "toc":
            self.toc_panel.setVisible(on and bool(self.opened.document.toc))

    def _panel_visibility(self, name: str, dock: QDockWidget, visible: bool) -> None:
        # Closing a dock with its ✕ while reading unticks its View menu entry.
        if self.opened is not None and not visible and dock.isHidden():
            self._panels_wanted[name] = False
            (self.notes_action if name == "notes" else self.toc_action).setChecked(False)

    def _toc_clicked(self, block_index: int) -> None:
        self.document_view.scroll_to_block(block_index)
        self.document_view.source_pane.setFocus()

    # --- annotations ----------------------------------------------------------------------------

    def refresh_highlights(self) -> None:
        """Repaint the shown document's annotations (read in a worker: the list can be long)."""
        opened = self.opened
        if opened is None:
            return
        self._highlight_generation += 1
        generation = self._highlight_generation
        self.workers.submit(
            lambda: load_highlights(self.context, opened),
            lambda found: self._show_highlights(generation, found),
            self._show_error,
        )

    def _show_highlights(self, generation: int, found: dict) -> None:
        if generation != self._highlight_generation or self.opened is None:
            return  # a newer load is on its way, or the document is gone
        self._highlights_shown_generation = generation
        self.document_view.set_highlights(found)
        self.highlights_shown.emit()

    @property
    def highlights_up_to_date(self) -> bool:
        """True when the last highlight load asked for is painted (tests, screenshots)."""
        return self._highlights_shown_generation == self._highlight_generation

    def jump_to_annotation(self, block_index: int, start: int, end: int) -> None:
        self.document_view.select_original_span(block_index, start, end)
        self.document_view.source_pane.setFocus()

    def highlight_selection(
        self, colour: str, note: str = "", tags: list[str] | None = None
    ) -> None:
        """Keys 1-5: highlight the selection (original or translation) in `colour`."""
        create = self._selection_annotation(colour, note, tags or [])
        if create is None:
            return
        panel = self.ensure_notes_panel()

        def added(annotation) -> None:
            if self.opened is not None and annotation.document_id == self.opened.document_id:
                panel.push_added(annotation)
                self.statusBar().showMessage(f"Highlighted ({annotation.colour})", 3000)

        self.workers.submit(create, added, self._annotation_failed)

    def add_note(self) -> None:
        """Ctrl+Shift+N: a note (Markdown, tags, colour) on the selection."""
        if self._selection_annotation(HIGHLIGHT_COLOURS[0], "", []) is None:
            return
        quote = self.document_view.selected_text()
        dialog = NoteDialog(quote, HIGHLIGHT_COLOURS, HIGHLIGHT_COLOURS[0], self)
        if dialog.exec() == NoteDialog.DialogCode.Accepted:
            note, tags, colour = dialog.values()
            self.highlight_selection(colour, note, tags)

    def _selection_annotation(self, colour: str, note: str, tags: list[str]):
        """A function creating the annotation of the current selection (run in a worker), or
        None (with a message) when nothing that can be annotated is selected."""
        view, opened = self.document_view, self.opened
        selection = view.selection() if opened is not None else None
        if selection is None or opened is None or view.text is None:
            self.statusBar().showMessage("Select some text to highlight first", 3000)
            return None
        side, (b0, p0), (b1, p1) = selection
        database = self.context.database
        document_id = opened.document_id
        if side == SOURCE:
            blocks = opened.document.blocks
            # A selection over several blocks: `end` runs on past the first block, counted in
            # the document text (blocks joined by a blank line), as anchors are.
            end = sum(len(blocks[b].text) + 2 for b in range(b0, b1)) + p1

            def create_original():
                from reader.core.notes.service import annotate_selection

                return annotate_selection(
                    database(), document_id, b0, p0, end, colour=colour, note=note, tags=tags
                )

            return create_original
        found = self._translation_span(b0, p0, p1 if b1 == b0 else None)
        if found is None:
            self.statusBar().showMessage("Select words of one translated sentence", 3000)
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
            )

        return create_translation

    def _translation_span(self, block_index: int, start: int, end: int | None):
        """A selection in the translation pane as (sentence, its translation, start, end,
        origin): offsets within the one sentence where the selection starts."""
        view, opened = self.document_view, self.opened
        target = view.text.target(block_index) if view.text else None
        if target is None or opened is None or opened.route is None:
            return None
        sentence_index = view.text.sentence_at(TARGET, block_index, start)
        if sentence_index is None or target.states[sentence_index] == "missing":
            return None
        first, last = target.ranges[sentence_index]
        start, end = max(start, first), min(last if end is None else end, last)
        if end <= start:
            return None
        translated = view.text.sentences[(block_index, sentence_index)]
        origin = "edited" if translated.edited else opened.route.key
        return sentence_index, translated.translation, start - first, end - first, origin

    def _annotation_failed(self, error: BaseException) -> None:
        message = error_message(error)
        self.statusBar().showMessage(f"Cannot highlight: {message}", 10_000)
        self.annotation_failed.emit(message)

    # --- library search -------------------------------------------------------------------------

    def search_library(self, query: str) -> None:
        self._search_query = query
        self._search_generation += 1
        generation = self._search_generation

        def run():
            from reader.core.notes.search import search

            return search(self.context.database(), query, limit=SEARCH_LIMIT)

        def shown(hits) -> None:
            if generation == self._search_generation:
                self.search_panel.show_hits(hits)
                self.search_finished.emit(hits)

        def failed(error: BaseException) -> None:
            if generation == self._search_generation:
                self.search_panel.show_error(error_message(error))
                self.search_finished.emit([])

        self.workers.submit(run, shown, failed)

    def open_search_hit(self, hit) -> None:
        """Show a hit: its document (opened first if need be), scrolled to it, match selected."""
        if self.opened is not None and self.opened.document_id == hit.document_id:
            self._reveal_hit(hit)
            return
        self._pending_hit = hit
        self.open_library_entry(hit.document_id)

    def _reveal_hit(self, hit) -> None:
        view = self.document_view
        if view.text is None or not 0 <= hit.block_index < len(view.text.document.blocks):
            return
        if hit.annotation_uuid:  # a note: select what it annotates (read in a worker)
            self.workers.submit(
                lambda: self._find_annotation(hit.annotation_uuid),
                lambda annotation: self._reveal_note(hit, annotation),
                self._show_error,
            )
            return
        span = first_match(view.text.block(hit.block_index).text, self._search_query)
        if span is None:
            view.scroll_to_block(hit.block_index)
        else:
            view.select_original_span(hit.block_index, *span)
        view.source_pane.setFocus()

    def _find_annotation(self, uuid: str):
        from reader.core.notes.service import UnknownAnnotationError, get_annotation

        try:
            return get_annotation(self.context.database(), uuid)
        except UnknownAnnotationError:  # deleted since the search
            return None

    def _reveal_note(self, hit, annotation) -> None:
        if self.opened is None or self.opened.document_id != hit.document_id:
            return
        if annotation is not None and annotation.status == "anchored":
            anchor = annotation.anchor
            self.jump_to_annotation(anchor.block_index, anchor.start, anchor.end)
        else:
            self.document_view.scroll_to_block(hit.block_index)

    # --- export ---------------------------------------------------------------------------------

    def export_bilingual(self) -> None:
        opened = self.opened
        if opened is None or opened.route is None:
            self.statusBar().showMessage("Open a document with a translation model first", 3000)
            return
        source = opened.document.source_path
        folder = source.parent if source is not None else Path.home()
        stem = (source.stem if source is not None else "document") + f".{opened.target_language}"
        dialog = ExportDialog(folder / f"{stem}.html", self)
        if dialog.exec() == ExportDialog.DialogCode.Accepted:
            self.export_to(*dialog.values())

    def export_to(self, output: Path, format: str = "html", layout: str = "side-by-side") -> None:
        """Write the bilingual file in a worker (translating what is missing first)."""
        opened = self.opened
        if opened is None:
            return
        relay = ProgressRelay(self)
        relay.changed.connect(
            lambda done, total: self.statusBar().showMessage(
                f"Exporting {output.name}: {done} / {total} sentences translated"
            )
        )
        self._export_relay = relay
        self.export_action.setEnabled(False)
        self.statusBar().showMessage(f"Exporting {output.name}…")

        def export():
            from reader.core.export import export_document

            return export_document(
                self.context.service(),
                opened.document,
                opened.target_language,
                output,
                format=format,
                layout=layout,
                on_progress=relay.report,
            )

        self.workers.submit(export, self._exported, self._export_failed)

    def _exported(self, path: Path) -> None:
        self._export_done()
        self.statusBar().showMessage(f"Exported to {path}", 10_000)
        self.export_finished.emit(path)

    def _export_failed(self, error: BaseException) -> None:
        self._export_done()
        message = error_message(error)
        self.statusBar().showMessage(f"Export failed: {message}", 10_000)
        box = QMessageBox(QMessageBox.Icon.Warning, "Export failed", message, parent=self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # not exec(): the window goes on
        self.export_finished.emit(message)

    def _export_done(self) -> None:
        if self._export_relay is not None:
            self._export_relay.deleteLater()
            self._export_relay = None
        self._update_actions()

    def _show_error(self, error: BaseException) -> None:
        self.statusBar().showMessage(error_message(error), 10_000)

    # --- closing --------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.set_geometry("main", self.saveGeometry())
        self.settings.set_geometry("splitter", self.document_view.splitter.saveState())
        self.settings.set_geometry("docks", self.saveState())
        self._leave_document()
        self.settings.sync()
        self.popup.hide()
        self._drop_early_translation()
        self.ocr.stop()
        self.workers.wait()
        self.context.close()
        super().closeEvent(event)


def load_highlights(context: AppContext, opened: OpenedDocument) -> dict:
    """Runs in a worker: {block index: [Highlight]} of the document's anchored annotations,
    a selection over several blocks painted on each of them."""
    from reader.core.notes.service import Highlight, highlights, list_annotations

    document, blocks = opened.document, opened.document.blocks
    annotations = list_annotations(context.database(), opened.document_id)
    found = highlights(document, annotations)
    for note in annotations:  # `highlights` gives the first block's part of a long selection
        anchor = note.anchor
        if (
            note.status != "anchored"
            or note.translation is not None
            or not 0 <= anchor.block_index < len(blocks)
        ):
            continue
        block_index = anchor.block_index
        remaining = anchor.end - len(blocks[block_index].text) - 2  # past the blank line
        while remaining > 0 and block_index + 1 < len(document.blocks):
            block_index += 1
            block = document.blocks[block_index]
            end = min(remaining, len(block.text))
            sentences = tuple(s.index for s in block.sentences if s.start < end)
            found.setdefault(block_index, []).append(
                Highlight(note.uuid, note.side, note.colour, block_index, 0, end, sentences)
            )
            remaining -= len(block.text) + 2
    return found


_WORD = r"[^\W_]*"


def first_match(text: str, query: str) -> tuple[int, int] | None:
    """The first word of `text` starting with a word of `query`, accents and case ignored (as
    the library search matches), as offsets in `text`."""
    from reader.core.notes.search import fold, query_terms

    terms = query_terms(query)
    if not terms:
        return None
    alternatives = "|".join(re.escape(term) for term in sorted(set(terms), key=len, reverse=True))
    found = re.search(rf"(?<![^\W_])(?:{alternatives}){_WORD}", fold(text))
    return found.span() if found else None
