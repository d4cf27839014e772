"""The main window: library or reading view, menus, status bar, and the translation lifecycle."""

from __future__ import annotations

import gc
import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QProgressDialog,
    QStackedWidget,
    QToolButton,
)

from reader.app import theme
from reader.app.dialogs import (
    EditTranslationDialog,
    ExportDialog,
    NoteDialog,
    PreferencesDialog,
    TranslationPopup,
)
from reader.app.document_view import SOURCE, TARGET, DocumentView, language_name
from reader.app.library_view import LibraryView, load_library_rows
from reader.app.settings import MAX_FONT_SIZE, MIN_FONT_SIZE, AppSettings
from reader.app.side_panels import SearchPanel, TocPanel
from reader.app.workers import (
    AppContext,
    EarlyTranslation,
    OpenedDocument,
    TranslationRunner,
    Workers,
    error_message,
    find_download,
    open_file,
    open_library_document,
    save_reading_position,
)

if TYPE_CHECKING:  # the notes panel imports the core (SQLAlchemy...): not at start-up
    from reader.app.notes_panel import NotesPanel

log = logging.getLogger(__name__)

APP_TITLE = "Bilingual Reader"
DOCUMENT_FILTER = (
    "Documents (*.txt *.text *.md *.markdown *.html *.htm *.xhtml *.epub *.docx *.pdf);;"
    "All files (*)"
)
# The annotation palette, keys 1-5 (the same names as reader.core.notes.service.COLOURS,
# which is not imported at start-up).
HIGHLIGHT_COLOURS = ("yellow", "green", "blue", "pink", "purple")
SEARCH_LIMIT = 50
DOCK_WIDTH = 240  # px, the side panels' first width
MODEL_FILTER = "Argos Translate models (*.argosmodel);;All files (*)"
ZOOM_STEP = 1.0


class MainWindow(QMainWindow):
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
        self._early_start = _EarlyStart(self)
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
        self._export_relay: _ProgressRelay | None = None
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

    def _action(self, text: str, slot, shortcut=None, *, checkable: bool = False) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcuts(_key_sequences(shortcut))
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work even when the menu bar is hidden (full screen)
        return action

    def _build_actions(self) -> None:
        key = QKeySequence.StandardKey
        self.open_action = self._action("&Open…", self.choose_file, [key.Open, "Ctrl+O"])
        self.library_action = self._action("&Library", self.show_library, "Ctrl+L")
        self.install_action = self._action("&Install Model from File…", self.choose_model_file)
        self.quit_action = self._action("&Quit", self.close, [key.Quit, "Ctrl+Q"])
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.copy_action = self._action("&Copy", self.copy, [key.Copy, "Ctrl+C"])
        self.find_action = self._action(
            "&Find…", self.document_view.open_find, [key.Find, "Ctrl+F"]
        )
        self.translate_selection_action = self._action(
            "&Translate Selection", self.translate_selection, "Ctrl+T"
        )
        self.edit_action = self._action("&Edit Translation…", self.edit_current, "F2")
        self.preferences_action = self._action(
            "&Preferences…", self.edit_preferences, [key.Preferences, "Ctrl+,"]
        )
        self.sync_action = self._action("&Synced Scrolling", self.set_synced, checkable=True)
        self.zoom_in_action = self._action(
            "Zoom &In", lambda: self.zoom(+ZOOM_STEP), [key.ZoomIn, "Ctrl++", "Ctrl+="]
        )
        self.zoom_out_action = self._action(
            "Zoom &Out", lambda: self.zoom(-ZOOM_STEP), [key.ZoomOut, "Ctrl+-"]
        )
        self.zoom_reset_action = self._action("&Actual Size", self.zoom_reset, "Ctrl+0")
        self.full_screen_action = self._action(
            "&Full Screen", self.toggle_full_screen, [key.FullScreen, "F11"], checkable=True
        )
        # The arrow keys do the same (the panes handle them): a tab in the text makes the menu
        # show both instead of the action's one shortcut.
        self.next_action = self._action(
            "&Next Sentence\tJ or ↓", lambda: self.document_view.move_current(+1), "J"
        )
        self.previous_action = self._action(
            "&Previous Sentence\tK or ↑", lambda: self.document_view.move_current(-1), "K"
        )
        for action in (self.next_action, self.previous_action):
            # Only while reading: J and K stay ordinary letters in text fields elsewhere.
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.removeAction(action)
            self.document_view.addAction(action)
        # Keys 1-5 and J/K only while reading: elsewhere they stay ordinary characters.
        self.highlight_actions = []
        for number, colour in enumerate(HIGHLIGHT_COLOURS, start=1):
            action = self._action(
                f"{colour.capitalize()}",
                lambda _checked=False, colour=colour: self.highlight_selection(colour),
                str(number),
            )
            action.setIcon(_swatch_icon(colour))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.removeAction(action)
            self.document_view.addAction(action)
            self.highlight_actions.append(action)
        self.undo_action = self._action("&Undo", lambda: self._undo_stack_call("undo"))
        self.redo_action = self._action("&Redo", lambda: self._undo_stack_call("redo"))
        for action, standard in ((self.undo_action, key.Undo), (self.redo_action, key.Redo)):
            # In the reading panes; the notes panel has its own (same keys, its own focus).
            action.setShortcuts(_key_sequences(standard))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.removeAction(action)
            self.document_view.addAction(action)
        self.note_action = self._action("Add &Note…", self.add_note, "Ctrl+Shift+N")
        self.search_action = self._action(
            "&Search Library…", self.search_panel.open_panel, "Ctrl+Shift+F"
        )
        self.export_action = self._action("&Export Bilingual…", self.export_bilingual, "Ctrl+E")
        self.notes_action = self._action(
            "&Notes", lambda on: self._set_panel_wanted("notes", on), checkable=True
        )
        self.toc_action = self._action(
            "&Contents", lambda on: self._set_panel_wanted("toc", on), checkable=True
        )
        self.notes_action.setChecked(True)
        self.toc_action.setChecked(True)
        self.cancel_action = self._action("&Cancel Translation", self.cancel_translation)
        self.resume_action = self._action("&Translate the Rest", self.resume_translation)
        self.download_action = self._action("&Download Model…", self.download_model)
        self.theme_group = QActionGroup(self)
        self.theme_actions = {}
        for name, label in (
            ("system", "Follow the &System"),
            ("light", "&Light"),
            ("dark", "&Dark"),
        ):
            action = QAction(label, self, checkable=True)
            action.triggered.connect(lambda _checked=False, name=name: self.set_theme(name))
            self.theme_group.addAction(action)
            self.theme_actions[name] = action

    def _build_menus(self) -> None:
        menus = self.menuBar()
        file_menu = menus.addMenu("&File")
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addAction(self.library_action)
        file_menu.addSeparator()
        file_menu.addAction(self.export_action)
        file_menu.addAction(self.install_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = menus.addMenu("&Edit")
        edit_menu.aboutToShow.connect(self._name_undo_actions)
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        for action in (
            self.copy_action,
            self.find_action,
            self.translate_selection_action,
            self.edit_action,
        ):
            edit_menu.addAction(action)
        edit_menu.addSeparator()
        self.highlight_menu = edit_menu.addMenu("&Highlight")
        self.highlight_menu.addActions(self.highlight_actions)
        edit_menu.addAction(self.note_action)
        edit_menu.addAction(self.search_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.preferences_action)
        view_menu = menus.addMenu("&View")
        view_menu.addAction(self.sync_action)
        view_menu.addSeparator()
        for action in (self.zoom_in_action, self.zoom_out_action, self.zoom_reset_action):
            view_menu.addAction(action)
        view_menu.addSeparator()
        view_menu.addAction(self.next_action)
        view_menu.addAction(self.previous_action)
        view_menu.addSeparator()
        view_menu.addAction(self.notes_action)
        view_menu.addAction(self.toc_action)
        search_results = self.search_panel.toggleViewAction()
        search_results.setText("Search &Results")  # Edit ▸ Search Library… starts a search
        view_menu.addAction(search_results)
        view_menu.addSeparator()
        theme_menu = view_menu.addMenu("&Theme")
        for action in self.theme_actions.values():
            theme_menu.addAction(action)
        view_menu.addAction(self.full_screen_action)
        translation_menu = menus.addMenu("&Translation")
        self.target_menu = translation_menu.addMenu("Translate &Into")
        self.target_menu.aboutToShow.connect(self._fill_target_menu)
        translation_menu.addSeparator()
        for action in (
            self.cancel_action,
            self.resume_action,
            self.download_action,
            self.install_action,
        ):
            translation_menu.addAction(action)
        help_menu = menus.addMenu("&Help")
        help_menu.addAction("&About", self.about)
        self._update_actions()

    def _connect_views(self) -> None:
        view = self.document_view
        view.visible_blocks_changed.connect(self._prioritise)
        view.edit_requested.connect(self.edit_translation)
        view.context_menu_requested.connect(self._context_menu)
        view.missing_panel.download_clicked.connect(self.download_model)
        view.missing_panel.install_clicked.connect(self.choose_model_file)
        self.library_view.open_requested.connect(self.open_library_entry)
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

    # --- opening --------------------------------------------------------------------------------

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
        self.statusBar().showMessage(f"Opening {path.name}…")
        preferred = self.settings.target_language
        self.settings.add_recent_file(path)
        self._open_generation += 1
        generation, relay = self._open_generation, self._early_start
        self._drop_early_translation()

        def open_it() -> OpenedDocument:
            return open_file(
                self.context,
                path,
                source_language,
                target_language,
                preferred,
                on_route=lambda route: relay.route_known.emit(generation, route),
                on_translatable=lambda early: relay.ready.emit(generation, early),
            )

        def failed(error: BaseException) -> None:
            if generation == self._open_generation:
                self._drop_early_translation()
            self._open_failed(error)

        self.workers.submit(open_it, self._show_document, failed)

    def _load_models(self, generation: int, route) -> None:
        """Load the route's models in the translation thread (as the job would: its threads
        get that thread's priority) while the document is segmented."""
        if generation != self._open_generation:
            return
        models, service = route.models, self.context.service()
        # A model that fails to load fails the job too, which says so.
        self.workers.submit(
            lambda: [service.engine.model(model) for model in models],
            on_failure=lambda _error: None,
            translation=True,
        )

    def _start_early_translation(self, generation: int, early: EarlyTranslation) -> None:
        if generation != self._open_generation:
            return  # another file was asked for since
        self._drop_early_translation()
        if self.runner is not None:  # the shown document's: it is about to make way
            self.runner.cancel()  # (the translation thread is free sooner)
        runner = TranslationRunner(
            self.workers,
            self.context.service(),
            early.document,
            early.route,
            self,
            known=early.cached,
        )
        runner.start(early.priority, hold=True)
        self._early_runner = runner

    def _take_early_translation(self, document) -> TranslationRunner | None:
        """The job started early for this very document, if any (any other is dropped)."""
        runner, self._early_runner = self._early_runner, None
        if runner is not None and runner.document is not document:
            runner.discard()
            return None
        return runner

    def _drop_early_translation(self) -> None:
        if self._early_runner is not None:
            self._early_runner.discard()
            self._early_runner = None

    def open_library_entry(self, document_id: int) -> None:
        self.statusBar().showMessage("Opening…")
        preferred = self.settings.target_language
        self.workers.submit(
            lambda: open_library_document(self.context, document_id, None, preferred),
            self._show_document,
            self._open_failed,
        )

    def _open_failed(self, error: BaseException) -> None:
        message = error_message(error)
        self.statusBar().showMessage(message, 10_000)
        self.open_failed.emit(message)
        if self.isVisible() and QApplication.platformName() != "offscreen":
            QMessageBox.warning(self, "Cannot open the document", message)

    def _show_document(self, opened: OpenedDocument) -> None:
        early = self._take_early_translation(opened.document)
        self._leave_document()
        # The new document's objects live as long as it is shown: keep them out of the
        # cyclic GC's full passes, which would otherwise stall the event loop for 100s of ms.
        gc.freeze()
        self.opened = opened
        document = opened.document
        view = self.document_view
        view.pause_measuring()  # until the screen is translated: see _emit_visible_ready
        view.set_document(document, opened.cached.values())
        view.set_languages(document.language, opened.target_language)
        self.stack.setCurrentWidget(view)
        view.scroll_to_block(opened.reading_block)
        view.source_pane.setFocus()
        self.setWindowTitle(f"{document.title} — {APP_TITLE}")
        self.statusBar().showMessage(
            f"{len(document.blocks)} blocks, {document.sentence_count} sentences", 5000
        )
        self._visible_ready_sent = False
        if opened.route is None:
            entry = opened.download
            view.show_missing_model(
                document.language,
                opened.target_language,
                entry.size if entry else None,
                entry is not None,
            )
            self._emit_visible_ready()
        else:
            view.show_translation()
            self._start_translation(early, known=opened.cached)
        self._show_panels(opened)
        self._update_actions()
        self.document_opened.emit(opened)
        if self._pending_hit is not None and self._pending_hit.document_id == opened.document_id:
            hit, self._pending_hit = self._pending_hit, None
            self._reveal_hit(hit)

    def _leave_document(self) -> None:
        """Stop translating the current document and remember where the reader was."""
        if self.runner is not None:
            self.runner.cancel()
            self.runner.sentences_ready.disconnect()
            self.runner = None
        if self.opened is not None:
            document_id, block = self.opened.document_id, self.document_view.top_block()
            self.workers.submit(lambda: save_reading_position(self.context, document_id, block))
        self._show_progress(False)

    def show_library(self) -> None:
        self._leave_document()
        self.opened = None
        self.document_view.clear_document()
        self._hide_panels()
        self.stack.setCurrentWidget(self.library_view)
        self.setWindowTitle(APP_TITLE)
        self._update_actions()
        self.refresh_library()

    def refresh_library(self) -> None:
        self.workers.submit(
            lambda: load_library_rows(self.context), self._library_rows, self._open_failed
        )

    def _library_rows(self, rows) -> None:
        self.library_view.set_rows(rows)
        self.library_loaded.emit()

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
                database(), document_id, b0, sentence_index, SentenceTranslation(text, origin),
                start, end, colour=colour, note=note, tags=tags,
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
        relay = _ProgressRelay(self)
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
                self.context.service(), opened.document, opened.target_language, output,
                format=format, layout=layout, on_progress=relay.report,
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

    # --- translation ----------------------------------------------------------------------------

    def _start_translation(
        self, early: TranslationRunner | None = None, known: dict | None = None
    ) -> None:
        """Translate the shown document: adopt the job `open_path` started early for it, or
        start one, told what `known` translations the view shows already (if it was just
        filled from `opened.cached`; else the job reads the cache itself)."""
        opened = self.opened
        if opened is None or opened.route is None:
            if early is not None:
                early.discard()
            return
        if opened.document.sentence_count == len(self.document_view.text.sentences):
            if early is not None:
                early.discard()
            self._emit_visible_ready()
            self._show_progress(False)
            self.statusBar().showMessage("Translated (from the cache)", 5000)
            return
        runner = early or TranslationRunner(
            self.workers,
            self.context.service(),
            opened.document,
            opened.route,
            self,
            known=known,
        )
        runner.sentences_ready.connect(self._on_sentences)
        runner.progress.connect(self._on_progress)
        runner.finished.connect(
            lambda stats, runner=runner: self._on_translation_done(runner, stats)
        )
        runner.failed.connect(
            lambda message, runner=runner: self._on_translation_failed(runner, message)
        )
        self.runner = runner
        self._show_progress(True)
        self._on_progress(len(self.document_view.text.sentences), opened.document.sentence_count)
        if early is not None:
            runner.prioritise(self.document_view.visible_blocks())
            runner.release()
        else:
            runner.start(self.document_view.visible_blocks())
        self._update_actions()

    def _on_sentences(self, sentences: list) -> None:
        self.document_view.add_translations(sentences)
        if not self._visible_ready_sent and self.document_view.visible_translated():
            self._emit_visible_ready()

    def _on_progress(self, done: int, total: int) -> None:
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)
        self.progress_label.setText(f"Translating: {done} / {total} sentences")

    def _on_translation_done(self, runner: TranslationRunner, stats) -> None:
        runner.deleteLater()
        if runner is not self.runner:  # a job of a document no longer shown
            return
        self.runner = None
        self._show_progress(False)
        if getattr(stats, "cancelled", False):
            self.statusBar().showMessage(
                f"Translation cancelled ({stats.done} of {stats.sentences} sentences translated)"
            )
        else:
            self.statusBar().showMessage("Translation finished", 5000)
        self._emit_visible_ready()
        self._update_actions()
        self.translation_finished.emit(stats)

    def _on_translation_failed(self, runner: TranslationRunner, message: str) -> None:
        runner.deleteLater()
        if runner is not self.runner:
            return
        self.runner = None
        self._show_progress(False)
        self.statusBar().showMessage(f"Translation failed: {message}")
        self._emit_visible_ready()
        self._update_actions()
        self.translation_finished.emit(message)

    def _emit_visible_ready(self) -> None:
        if not self._visible_ready_sent:
            self._visible_ready_sent = True
            self.document_view.resume_measuring()
            self.visible_translation_ready.emit()

    def _prioritise(self, blocks: list[int]) -> None:
        if self.runner is not None:
            self.runner.prioritise(blocks)

    def cancel_translation(self) -> None:
        if self.runner is not None:
            self.runner.cancel()
            self.progress_label.setText("Cancelling…")

    def resume_translation(self) -> None:
        if self.runner is None and self.opened is not None:
            self._start_translation()

    def _show_progress(self, visible: bool) -> None:
        for widget in (self.progress_label, self.progress_bar, self.cancel_button):
            widget.setVisible(visible)

    # --- missing model: download or install ---------------------------------------------------

    def choose_model_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Install a translation model", "", MODEL_FILTER)
        if path:
            self.install_model_file(Path(path))

    def install_model_file(self, path: Path) -> None:
        from reader.core.translate.packages import install_package_file

        self.statusBar().showMessage(f"Installing {path.name}…")
        self.workers.submit(
            lambda: install_package_file(path), self._model_installed, self._model_failed
        )

    def download_model(self) -> None:
        opened = self.opened
        if opened is None or opened.route is not None:
            return
        entry = opened.download or find_download(opened.document.language, opened.target_language)
        if entry is None:
            self.document_view.missing_panel.set_error(
                "The model catalogue lists no package for this pair."
            )
            return
        from reader.core.translate.download import download_and_install

        dialog = QProgressDialog(
            f"Downloading {entry.code} {entry.version}…", "Cancel", 0, 100, self
        )
        dialog.setWindowTitle("Downloading a translation model")
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        self._download_dialog = dialog
        self._download_cancelled = False
        dialog.canceled.connect(self._cancel_download)
        progress = _ProgressRelay(self)
        progress.changed.connect(self._download_progress)
        self.document_view.missing_panel.set_error(None)
        self.workers.submit(
            lambda: download_and_install(
                entry, progress=progress.report, cancelled=lambda: self._download_cancelled
            ),
            self._model_installed,
            self._model_failed,
        )
        dialog.show()

    def _cancel_download(self) -> None:
        self._download_cancelled = True

    def _download_progress(self, done: int, total: int) -> None:
        dialog = self._download_dialog
        if dialog is None:
            return
        if total > 0:
            dialog.setMaximum(100)
            dialog.setValue(min(100, done * 100 // total))
            dialog.setLabelText(f"Downloading… {done // 2**20} of {total // 2**20} MB")
        else:
            dialog.setMaximum(0)
            dialog.setLabelText(f"Downloading… {done // 2**20} MB")

    def _close_download_dialog(self) -> None:
        if self._download_dialog is not None:
            self._download_dialog.close()
            self._download_dialog.deleteLater()
            self._download_dialog = None

    def _model_installed(self, _result) -> None:
        self._close_download_dialog()
        self.statusBar().showMessage("Model installed", 5000)
        if self.opened is not None and self.opened.route is None:
            opened = self.opened
            self.workers.submit(
                lambda: open_library_document(
                    self.context, opened.document_id, opened.target_language, opened.target_language
                ),
                self._show_document,
                self._open_failed,
            )

    def _show_error(self, error: BaseException) -> None:
        self.statusBar().showMessage(error_message(error), 10_000)

    def _model_failed(self, error: BaseException) -> None:
        self._close_download_dialog()
        message = error_message(error)
        self.statusBar().showMessage(message, 10_000)
        self.document_view.missing_panel.set_error(f"{message}\nYou can try again.")

    # --- editing, selection, copy ---------------------------------------------------------------

    def edit_current(self) -> None:
        if self.document_view.current is not None:
            self.document_view.request_edit(*self.document_view.current)

    def edit_translation(self, block_index: int, sentence_index: int) -> None:
        view = self.document_view
        if self.opened is None or view.text is None:
            return
        sentence = view.text.sentences.get((block_index, sentence_index))
        if sentence is None:
            return
        dialog = EditTranslationDialog(sentence.source, sentence.translation, sentence.edited, self)
        if dialog.exec() == EditTranslationDialog.DialogCode.Accepted:
            self.save_translation(block_index, sentence_index, dialog.translation())

    def save_translation(self, block_index: int, sentence_index: int, translation: str) -> None:
        """Store the user's translation (empty: back to the machine's) and show it."""
        opened = self.opened
        if opened is None or opened.route is None:
            return

        def save():
            from reader.core.translate.service import TranslatedSentence

            service = self.context.service()
            service.save_edit(
                opened.document, block_index, sentence_index, translation,
                to_code=opened.route.to_code,
            )
            source = opened.document.blocks[block_index].sentences[sentence_index].text
            edited = bool(translation)
            if not edited:  # reverted: the machine's translation (from the cache if it has it)
                translation_shown = service.translate_sentences(opened.route, [source])[0]
            else:
                translation_shown = translation
            return TranslatedSentence(
                block_index, sentence_index, source, translation_shown, cached=True, edited=edited
            )

        def show(sentence) -> None:
            if (
                sentence is not None
                and self.opened is opened
                and self.document_view.text is not None
            ):
                self.document_view.text.sentences.pop((block_index, sentence_index), None)
                self.document_view.add_translations([sentence])
                self.statusBar().showMessage("Translation saved", 3000)

        self.workers.submit(save, show, self._show_error)

    def translate_selection(self) -> None:
        text = self.document_view.selected_text(
            SOURCE
        ) or self.document_view.current_sentence_text(SOURCE)
        opened = self.opened
        if not text.strip() or opened is None or opened.route is None:
            self.statusBar().showMessage("Select some original text to translate", 3000)
            return
        route = opened.route
        at = self.cursor().pos() + QPoint(12, 12)
        self.popup.show_text("Translating…", at)
        self.workers.submit(
            lambda: self.context.service().translate_text(text, route),
            lambda translation: self.popup.show_text(translation, at),
            lambda error: self.popup.show_text(error_message(error), at),
        )

    def copy(self) -> None:
        view = self.document_view
        text = view.selected_text()
        if not text and view.current is not None:
            side = TARGET if view.target_pane.hasFocus() else SOURCE
            text = view.current_sentence_text(side)
        if text:
            QApplication.clipboard().setText(text)

    def _context_menu(self, side: int, position: QPoint) -> None:
        menu = QMenu(self)
        menu.addAction(self.copy_action)
        if side == SOURCE:
            menu.addAction(self.translate_selection_action)
        else:
            menu.addAction(self.edit_action)
        menu.addSeparator()
        menu.addMenu(self.highlight_menu)
        menu.addAction(self.note_action)
        menu.exec(position)

    # --- view -----------------------------------------------------------------------------------

    def set_synced(self, on: bool) -> None:
        self.document_view.set_synced(on)
        self.settings.synced_scrolling = on

    def zoom(self, step: float) -> None:
        size = min(MAX_FONT_SIZE, max(MIN_FONT_SIZE, self.settings.font_size + step))
        self.settings.font_size = size
        self.document_view.set_base_font(self.settings.font_family, size)
        self.statusBar().showMessage(f"Text size {size:g} pt", 2000)

    def zoom_reset(self) -> None:
        from reader.app.settings import DEFAULT_FONT_SIZE

        self.zoom(DEFAULT_FONT_SIZE - self.settings.font_size)

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()
        self.full_screen_action.setChecked(self.isFullScreen())

    def set_theme(self, name: str) -> None:
        self.settings.theme = name
        theme.apply_theme(QApplication.instance(), name)
        self.theme_actions[name].setChecked(True)

    def edit_preferences(self) -> None:
        settings = self.settings
        family = settings.font_family or self.document_view.base_font.family()
        dialog = PreferencesDialog(family, settings.font_size, settings.theme, self)
        if dialog.exec() == PreferencesDialog.DialogCode.Accepted:
            family, size, theme_name = dialog.values()
            settings.font_family, settings.font_size = family, size
            self.document_view.set_base_font(family, size)
            self.set_theme(theme_name)

    def about(self) -> None:
        from reader import __version__

        QMessageBox.about(
            self,
            APP_TITLE,
            f"<b>{APP_TITLE}</b> {__version__}<br>"
            "Read a document beside its offline machine translation.",
        )

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in self.settings.recent_files:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda _checked=False, path=path: self.open_path(Path(path)))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("(none)").setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear", self.settings.clear_recent_files)

    def _fill_target_menu(self) -> None:
        """Languages the installed models reach from the document's language (directly or
        through English), and "Other…" for any code (the missing-model panel then offers it)."""
        from reader.core.translate.packages import list_installed

        self.target_menu.clear()
        opened = self.opened
        if opened is None:
            self.target_menu.addAction("(open a document first)").setEnabled(False)
            return
        source = opened.document.language
        installed = list_installed()
        targets = {model.to_code for model in installed if model.from_code == source}
        if source != "en" and "en" in targets:
            targets |= {model.to_code for model in installed if model.from_code == "en"}
        targets |= {opened.target_language}
        targets.discard(source)
        for code in sorted(targets, key=language_name):
            action = self.target_menu.addAction(f"{language_name(code)} ({code})")
            action.setCheckable(True)
            action.setChecked(code == opened.target_language)
            action.triggered.connect(
                lambda _checked=False, code=code: self.set_target_language(code)
            )
        self.target_menu.addSeparator()
        self.target_menu.addAction("&Other…", self._ask_target_language)

    def _ask_target_language(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        code, ok = QInputDialog.getText(self, "Translate into", "Language code (e.g. en, fr, vi):")
        code = code.strip().lower()
        if ok and code.isalpha() and 2 <= len(code) <= 3:
            self.set_target_language(code)

    def set_target_language(self, code: str) -> None:
        """Show the current document translated into another language (remembered per document)."""
        opened = self.opened
        if opened is None or code == opened.target_language:
            return
        self.settings.target_language = code
        self.workers.submit(
            lambda: open_library_document(self.context, opened.document_id, code, code),
            self._show_document,
            self._open_failed,
        )

    def _update_actions(self) -> None:
        reading = self.opened is not None
        has_route = reading and self.opened.route is not None
        for action in (self.find_action, self.copy_action, self.next_action, self.previous_action):
            action.setEnabled(reading)
        for action in (
            self.note_action,
            self.highlight_menu.menuAction(),
            *self.highlight_actions,
            self.undo_action,
            self.redo_action,
        ):
            action.setEnabled(reading)
        for action in (self.translate_selection_action, self.edit_action):
            action.setEnabled(has_route)
        self.export_action.setEnabled(has_route and self._export_relay is None)
        self.notes_action.setEnabled(reading)
        self.toc_action.setEnabled(reading and bool(self.opened.document.toc))
        self.cancel_action.setEnabled(self.runner is not None)
        self.resume_action.setEnabled(has_route and self.runner is None)
        self.download_action.setEnabled(reading and not has_route)

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
            self.install_model_file(path)
        else:
            self.open_path(path)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.set_geometry("main", self.saveGeometry())
        self.settings.set_geometry("splitter", self.document_view.splitter.saveState())
        self.settings.set_geometry("docks", self.saveState())
        self._leave_document()
        self.settings.sync()
        self.popup.hide()
        self._drop_early_translation()
        self.workers.wait()
        self.context.close()
        super().closeEvent(event)


class _EarlyStart(QObject):
    """Carries what the worker opening a file learns early (its `Route`, then the document
    ready to translate: `EarlyTranslation`) to the GUI thread (queued signals), with the number
    of the `open_path` call it answers."""

    route_known = Signal(int, object)
    ready = Signal(int, object)


class _ProgressRelay(QObject):
    """Carries download progress from a worker thread to the GUI thread (a queued signal)."""

    changed = Signal(int, int)

    def report(self, done: int, total: int | None) -> None:
        self.changed.emit(done, total or 0)


def _key_sequences(shortcut) -> list[QKeySequence]:
    """Platform-standard keys first, then the usual ones where the platform defines none;
    each sequence once (a duplicate would make the shortcut ambiguous)."""
    items = shortcut if isinstance(shortcut, list) else [shortcut]
    sequences: list[QKeySequence] = []
    for item in items:
        found = (
            QKeySequence.keyBindings(item)
            if isinstance(item, QKeySequence.StandardKey)
            else [QKeySequence(item)]
        )
        for sequence in found:
            if not sequence.isEmpty() and sequence not in sequences:
                sequences.append(sequence)
    return sequences


def _dropped_file(event) -> Path | None:
    mime = event.mimeData()
    if not mime.hasUrls():
        return None
    for url in mime.urls():
        if url.isLocalFile():
            return Path(url.toLocalFile())
    return None


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


def _swatch_icon(colour: str):
    from PySide6.QtGui import QColor, QIcon, QPixmap

    from reader.app.theme import SWATCHES

    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(SWATCHES[colour]))
    return QIcon(pixmap)
