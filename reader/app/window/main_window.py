"""The main window: the library or the reading view, the docks, the status bar, and the wiring
of the actions to the parts that do the work (`reader.app.window`'s controllers)."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
)

from reader.app.context import AppContext
from reader.app.dialogs import EditTranslationDialog, TranslationPopup
from reader.app.library_view import LibraryView
from reader.app.lookup_popup import attach_to_window
from reader.app.ops import ChangeBus, Op
from reader.app.reading.view import DocumentView
from reader.app.reading_tools import ReadingTools
from reader.app.server_banner import ServerBanner
from reader.app.server_preferences import ServerPreferencesDialog
from reader.app.settings import AppSettings
from reader.app.window import APP_TITLE
from reader.app.window.actions import (
    HIGHLIGHT_COLOURS,
    WindowState,
    build_actions,
    build_menus,
    update_actions,
)
from reader.app.window.annotations import AnnotationController
from reader.app.window.commands import ViewCommands, fill_recent_menu, fill_target_menu
from reader.app.window.docks import SidePanels
from reader.app.window.export import ExportController
from reader.app.window.model_install import ModelInstaller
from reader.app.window.ocr import OcrController, keep_ocr_marks
from reader.app.window.opening import DOCUMENT_FILTER, DocumentOpener
from reader.app.window.search import SearchController
from reader.app.window.status import ReadingProgress, StatusArea, document_summary
from reader.app.window.translation import TranslationController
from reader.app.workers import Workers
from reader.core.reading import OpenedDocument, find_download, save_reading_position
from reader.core.side import Side

if TYPE_CHECKING:  # the notes panel imports the core (SQLAlchemy...): not at start-up
    from reader.app.glossary_panel import GlossaryPanel
    from reader.app.live_notes import LiveNotes
    from reader.app.notes_panel import NotesPanel


class MainWindow(QMainWindow):
    document_opened = Signal(object)  # OpenedDocument
    open_failed = Signal(str)
    library_loaded = Signal()

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
        self.bus = ChangeBus(self)  # every Op's change set, for the parts showing what it touched
        self.opened: OpenedDocument | None = None
        self._popup_at = QPoint()
        self.setWindowTitle(APP_TITLE)
        self.setAcceptDrops(True)

        self.library_view = LibraryView()
        self.document_view = DocumentView()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.library_view)
        self.stack.addWidget(self.document_view)
        self.setCentralWidget(self.stack)
        self.popup = TranslationPopup(self)
        self.panels = SidePanels(self, self._make_notes_panel, self)
        self.toc_panel, self.search_panel = self.panels.toc, self.panels.search
        self.status = StatusArea(self.statusBar())
        self._build_parts()
        self.menu_actions = build_actions(self, self.document_view)
        self.menus = build_menus(
            self.menuBar(), self.menu_actions, self.search_panel.toggleViewAction()
        )
        self.commands = ViewCommands(self, self.document_view, self.settings, self.menu_actions)
        self._connect_actions()
        self._connect_parts()
        self._restore_preferences()
        self.update_actions()
        self.lookup = attach_to_window(self)  # the dictionary popup and the vocabulary dock
        self.tools = ReadingTools(self)  # PDF, print, bookmarks, the model manager
        self.server_banner = ServerBanner.attach(self)  # a translation server's faults
        ServerPreferencesDialog.attach(self)  # Edit ▸ Translation Servers…
        self.live_notes: LiveNotes | None = None  # a team library's note changes, once listened
        self.glossary_panel: GlossaryPanel | None = None  # made with the first document shown
        self.document_opened.connect(self._ensure_glossary_panel)

    # --- construction --------------------------------------------------------------------------

    def _build_parts(self) -> None:
        workers, bus, context, view = self.workers, self.bus, self.context, self.document_view
        self.ocr = OcrController(self, workers)
        self.opener = DocumentOpener(workers, context, self.settings, self.ocr, self)
        self.translation = TranslationController(workers, bus, context, view, self)
        self.models = ModelInstaller(workers, bus, self)
        self.annotations = AnnotationController(workers, bus, context, view, self)
        self.search = SearchController(workers, context, self.search_panel, view, self)
        self.exports = ExportController(workers, context, self)

    def _connect_actions(self) -> None:
        a, view = self.menu_actions, self.document_view
        slots = {
            a.open: self.choose_file,
            a.library: self.show_library,
            a.export: lambda: self.exports.ask(self.opened),
            a.install: self.models.choose_file,
            a.quit: self.close,
            a.undo: lambda: self._undo_stack_call("undo"),
            a.redo: lambda: self._undo_stack_call("redo"),
            a.copy: self.commands.copy,
            a.find: view.open_find,
            a.translate_selection: self.translate_selection,
            a.edit: self._edit_current,
            a.note: self.annotations.add_note,
            a.search: self.search_panel.open_panel,
            a.preferences: self.commands.edit_preferences,
            a.sync: self.commands.set_synced,
            a.zoom_in: self.commands.zoom_in,
            a.zoom_out: self.commands.zoom_out,
            a.zoom_reset: self.commands.zoom_reset,
            a.next: lambda: view.move_current(+1),
            a.previous: lambda: view.move_current(-1),
            a.notes: lambda on: self.panels.set_wanted("notes", on),
            a.toc: lambda on: self.panels.set_wanted("toc", on),
            a.full_screen: self.commands.toggle_full_screen,
            a.cancel: self.translation.cancel,
            a.resume: self.translation.resume,
            a.download: self.download_model,
            a.shortcuts: self.commands.show_shortcuts,
            a.about: self.commands.about,
        }
        for action, slot in slots.items():
            action.triggered.connect(slot)
        for colour, action in zip(HIGHLIGHT_COLOURS, a.highlights, strict=True):
            action.triggered.connect(
                lambda _checked=False, c=colour: self.annotations.highlight_selection(c)
            )
        for name, action in a.themes.items():
            action.triggered.connect(lambda _checked=False, n=name: self.commands.set_theme(n))
        a.notes.setChecked(True)
        a.toc.setChecked(True)
        menus = self.menus
        menus.recent.aboutToShow.connect(
            lambda: fill_recent_menu(menus.recent, self.settings, self.open_path)
        )
        menus.target.aboutToShow.connect(
            lambda: fill_target_menu(menus.target, self.opened, self.set_target_language)
        )
        menus.edit.aboutToShow.connect(self._name_undo_actions)

    def _connect_parts(self) -> None:
        view, message = self.document_view, self.statusBar().showMessage
        opener, translation = self.opener, self.translation
        opener.opened.connect(self._show_document)
        opener.failed.connect(self._open_failed)
        opener.status.connect(message)
        opener.route_known.connect(translation.load_models)
        opener.translatable.connect(translation.start_early)
        opener.abandoned.connect(translation.drop_early)
        translation.progress.connect(self.status.translated)
        translation.cancelling.connect(self.status.cancelling)
        translation.running_changed.connect(self._translation_running)
        translation.message.connect(message)
        translation.text_translated.connect(lambda text: self.popup.show_text(text, self._popup_at))
        translation.edit_saved.connect(
            lambda command: self.panels.ensure_notes().undo_stack.push(command)
        )
        self.status.cancel_clicked.connect(translation.cancel)
        self.models.installed.connect(self._model_installed)
        self.models.failed.connect(
            lambda text: view.missing_panel.set_error(f"{text}\nYou can try again.")
        )
        self.models.message.connect(message)
        self.annotations.added.connect(lambda note: self.panels.ensure_notes().push_added(note))
        self.panels.wanted_changed.connect(lambda _name, on: self.menu_actions.notes.setChecked(on))
        self.toc_panel.block_requested.connect(self._toc_clicked)
        self.annotations.message.connect(message)
        self.search.open_requested.connect(opener.open_library_entry)
        self.search.annotation_jump.connect(self.jump_to_annotation)
        self.exports.message.connect(message)
        self.commands.message.connect(message)
        self.exports.busy_changed.connect(lambda _busy: self.update_actions())
        view.visible_blocks_changed.connect(translation.prioritise)
        view.visible_blocks_changed.connect(lambda _blocks: self._show_reading_progress())
        view.current_changed.connect(lambda *_: self._show_reading_progress())
        view.edit_requested.connect(self.edit_translation)
        view.context_menu_requested.connect(self._context_menu)
        view.translate_selection_requested.connect(self.translate_selection)
        view.missing_panel.download_clicked.connect(self.download_model)
        view.missing_panel.install_clicked.connect(self.models.choose_file)
        self.library_view.open_requested.connect(opener.open_library_entry)
        self.library_view.attach(self.workers, self.bus, self.context)
        self.library_view.loaded.connect(self.library_loaded)
        self.library_view.status_message.connect(lambda text: message(text, 5000))
        self.bus.failed.connect(lambda text: message(text, 10_000))
        self.library_view.open_file_requested.connect(self.choose_file)
        self.library_view.open_sample_requested.connect(self.open_sample)

    def _restore_preferences(self) -> None:
        settings = self.settings
        self.commands.restore()
        geometry = settings.geometry("main")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1200, 800)
        splitter = settings.geometry("splitter")
        if splitter is not None:
            self.document_view.restore_splitter(splitter)
        self.panels.restore(settings.geometry("docks"))

    # --- opening and showing documents ---------------------------------------------------------

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a document", "", DOCUMENT_FILTER)
        if path:
            self.open_path(Path(path))

    def open_sample(self) -> None:
        from reader.core.paths import sample_document

        self.open_path(sample_document())

    def open_path(
        self, path: Path, source_language: str | None = None, target_language: str | None = None
    ) -> None:
        """Import and show a file; the work happens in the pool, the window stays responsive.
        The translation starts as soon as the file is segmented, while it is stored and shown."""
        self.translation.drop_early()
        self.opener.open_path(path, source_language, target_language)

    def set_target_language(self, code: str) -> None:
        """Show the current document translated into another language (remembered per document)."""
        if self.opened is not None and code != self.opened.target_language:
            self.settings.target_language = code
            self.opener.open_library_entry(self.opened.document_id, code)

    def _open_failed(self, message: str) -> None:
        self.statusBar().showMessage(message, 10_000)
        self.open_failed.emit(message)
        if self.isVisible() and QApplication.platformName() != "offscreen":
            QMessageBox.warning(self, "Cannot open the document", message)

    def _show_document(self, opened: OpenedDocument) -> None:
        opened.document = keep_ocr_marks(self.opened and self.opened.document, opened.document)
        self._save_reading_position()
        # The new document's objects live as long as it is shown: keep them out of the
        # cyclic GC's full passes, which would otherwise stall the event loop for 100s of ms.
        gc.freeze()
        self.opened = opened
        document, view = opened.document, self.document_view
        view.pause_measuring()  # until the screen is translated (the translation resumes it)
        view.set_document(document, opened.cached.values())
        view.set_languages(document.language, opened.target_language)
        self.stack.setCurrentWidget(view)
        view.scroll_to_block(opened.reading_block)
        view.source_pane.setFocus()
        self.setWindowTitle(f"{document.title} — {APP_TITLE}")
        self.statusBar().showMessage(document_summary(document), 5000)
        self.status.progress = ReadingProgress.of(document)
        if opened.route is None:
            entry = opened.download
            view.show_missing_model(
                document.language,
                opened.target_language,
                entry.size if entry else None,
                entry is not None,
            )
        else:
            view.show_translation()
        self.translation.show(opened)
        self.panels.show_document(opened)
        self.annotations.show(opened)
        self.update_actions()
        self._show_reading_progress()
        self.document_opened.emit(opened)
        self.search.shown(opened)

    def _save_reading_position(self) -> None:
        if self.opened is not None:
            document_id, block = self.opened.document_id, self.document_view.top_block()
            context = self.context
            Op(lambda: save_reading_position(context, document_id, block)).run(
                self.workers, self.bus, initiator=self
            )

    def show_library(self) -> None:
        self.translation.leave()
        self._save_reading_position()
        self.opened = None
        self.document_view.clear_document()
        self.annotations.show(None)
        self.panels.hide_document()
        self.search.shown(None)
        self.stack.setCurrentWidget(self.library_view)
        self.setWindowTitle(APP_TITLE)
        self.update_actions()
        self._show_reading_progress()  # the library view refreshes itself from the change sets

    # --- translation, models --------------------------------------------------------------------

    def _translation_running(self, running: bool) -> None:
        self.status.show_translating(running)
        self.update_actions()

    def translate_selection(self) -> None:
        self._popup_at = self.cursor().pos() + QPoint(12, 12)
        if self.translation.translate_selection():
            self.popup.show_text("Translating…", self._popup_at)
        else:
            self.statusBar().showMessage("Select some original text to translate", 3000)

    def _edit_current(self) -> None:
        if self.document_view.current is not None:
            self.document_view.request_edit(*self.document_view.current)

    def edit_translation(self, block_index: int, sentence_index: int) -> None:
        view = self.document_view
        sentence = view.text.sentences.get((block_index, sentence_index)) if view.text else None
        if self.opened is None or sentence is None:
            return
        dialog = EditTranslationDialog(sentence.source, sentence.translation, sentence.edited, self)
        if dialog.exec() == EditTranslationDialog.DialogCode.Accepted:
            self.translation.save_translation(block_index, sentence_index, dialog.translation())

    def download_model(self) -> None:
        opened = self.opened
        if opened is None or opened.route is not None:
            return
        entry = opened.download or find_download(opened.document.language, opened.target_language)
        self.document_view.missing_panel.set_error(
            None if entry else "The model catalogue lists no package for this pair."
        )
        if entry is not None:
            self.models.download(entry)

    def _model_installed(self) -> None:
        opened = self.opened
        if opened is not None and opened.route is None:  # show it translated now
            self.opener.open_library_entry(opened.document_id, opened.target_language)

    # --- side panels: notes, contents ----------------------------------------------------------

    @property
    def notes_panel(self) -> NotesPanel | None:
        return self.panels.notes

    def _make_notes_panel(self) -> NotesPanel:
        """Made once a document was opened: the worker that opened it opened the database
        too, so this costs the GUI thread nothing."""
        from reader.app.notes_panel import NotesPanel

        panel = NotesPanel(self.context.database(), self.workers, self.bus, self)
        panel.jump_requested.connect(self.jump_to_annotation)
        panel.status_message.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self._listen_to_colleagues()
        return panel

    def _ensure_glossary_panel(self, opened: OpenedDocument) -> None:
        """The abbreviations and glossary panel, made once a document is shown: it imports the
        library (SQLAlchemy, 0.8 s), which the worker that opened the document has loaded."""
        if self.glossary_panel is None:
            from reader.app.glossary_panel import install_glossary_panel

            self.glossary_panel = install_glossary_panel(self)
            document = opened.document
            self.glossary_panel.set_document(document, document.language, opened.target_language)

    def _listen_to_colleagues(self) -> None:
        """On a team library (PostgreSQL), a colleague's note changes arrive as change sets
        too (LISTEN/NOTIFY), so the notes and highlights refresh without reopening."""
        from reader.app.live_notes import LiveNotes
        from reader.core.storage.db import configured_url

        self.live_notes = LiveNotes.for_library(configured_url(), self)
        if self.live_notes is not None:
            self.live_notes.changed.connect(lambda changes: self.bus.changed.emit(changes, None))

    def _push_undo(self, command) -> None:
        """A translation edit joins the notes' undo stack: Edit ▸ Undo takes back either."""
        self.panels.ensure_notes().undo_stack.push(command)

    def _undo_stack_call(self, what: str) -> None:
        if self.notes_panel is not None:
            getattr(self.notes_panel.undo_stack, what)()

    def _name_undo_actions(self) -> None:
        """Edit menu: say what Undo and Redo would do (the notes panel's undo stack)."""
        stack = self.notes_panel.undo_stack if self.notes_panel is not None else None
        for action, label, text in (
            (self.menu_actions.undo, "&Undo", stack.undoText() if stack else ""),
            (self.menu_actions.redo, "&Redo", stack.redoText() if stack else ""),
        ):
            action.setText(f"{label} {text}".strip())

    def _toc_clicked(self, block_index: int) -> None:
        self.document_view.scroll_to_block(block_index)
        self.document_view.source_pane.setFocus()

    def jump_to_annotation(self, block_index: int, start: int, end: int) -> None:
        self.document_view.select_original_span(block_index, start, end)
        self.document_view.source_pane.setFocus()

    # --- state shown ----------------------------------------------------------------------------

    def update_actions(self) -> None:
        opened = self.opened
        state = WindowState(
            reading=opened is not None,
            has_route=opened is not None and opened.route is not None,
            has_contents=opened is not None and bool(opened.document.toc),
            translating=self.translation.runner is not None,
            fully_translated=self.translation.fully_translated,
            exporting=self.exports.busy,
        )
        update_actions(self.menu_actions, self.menus, state)

    def _show_reading_progress(self) -> None:
        view = self.document_view
        reading = self.opened is not None and view.text is not None
        self.status.show_reading((view.current or (view.top_block(), 0)) if reading else None)

    def _context_menu(self, side: Side, position: QPoint) -> None:
        a = self.menu_actions
        menu = QMenu(self)
        menu.addAction(a.copy)
        menu.addAction(a.translate_selection if side is Side.ORIGINAL else a.edit)
        menu.addSeparator()
        menu.addMenu(self.menus.highlight)
        menu.addAction(a.note)
        menu.exec(position)

    # --- drag and drop, closing -----------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _dropped_file(event) is not None:
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:
        if _dropped_file(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = _dropped_file(event)
        if path is None:
            return
        event.acceptProposedAction()
        if path.suffix == ".argosmodel":
            self.models.install_file(path)
        else:
            self.open_path(path)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.set_geometry("main", self.saveGeometry())
        self.settings.set_geometry("splitter", self.document_view.splitter.saveState())
        self.settings.set_geometry("docks", self.panels.state())
        self.translation.leave()
        self._save_reading_position()
        self.settings.sync()
        self.popup.hide()
        self.translation.drop_early()
        self.ocr.stop()
        self.models.stop()
        if self.live_notes is not None:
            self.live_notes.stop()
        self.workers.wait()
        self.context.close()
        super().closeEvent(event)


def _dropped_file(event) -> Path | None:
    mime = event.mimeData()
    if not mime.hasUrls():
        return None
    for url in mime.urls():
        if url.isLocalFile():
            return Path(url.toLocalFile())
    return None
