"""PDF export, printing, bookmarks and the model manager, added to the main window by one call
(`ReadingTools(window)`): their actions go into its menus, their parts are created on first use.

The window gives what its other parts use too: `opened`, `context`, `workers`, `document_view`,
`document_opened`, `opener`, `menu_actions`, `statusBar()` and its menu bar. Nothing of the core
is imported before it is used: the window appears before SQLAlchemy is loaded.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu


class ReadingTools(QObject):
    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._printing = None
        self.bookmarks_panel = None  # created with the database, when a document is opened
        self.bookmarks_wanted = False  # shown while reading, when the reader asked for it
        self.model_manager = None
        self._build_actions()
        self._add_to_menus()
        window.document_opened.connect(self._document_opened)
        window.stack.currentChanged.connect(lambda _index: self._show_bookmarks_if_wanted())

    def _action(self, text: str, slot, shortcut: str | None = None) -> QAction:
        action = QAction(text, self.window)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.window.addAction(action)  # the shortcut works with the menu bar hidden too
        return action

    def _build_actions(self) -> None:
        self.pdf_action = self._action("Export as &PDF…", lambda: self.printing.export_pdf())
        self.print_action = self._action(
            "&Print…", lambda: self.printing.print_document(), "Ctrl+P"
        )
        self.add_bookmark_action = self._action("Add &Bookmark", self.add_bookmark, "Ctrl+B")
        self.bookmarks_action = self._action(
            "&Bookmarks", self.toggle_bookmarks_panel, "Ctrl+Shift+B"
        )
        self.models_action = self._action("Manage &Models…", self.show_model_manager)

    def _add_to_menus(self) -> None:
        menus = {
            action.text().replace("&", ""): action.menu()
            for action in self.window.menuBar().actions()
            if action.menu() is not None
        }
        _insert_after(menus.get("File"), self.window.menu_actions.export, self.pdf_action)
        _insert_after(menus.get("File"), self.pdf_action, self.print_action)
        _insert_after(menus.get("Edit"), self.window.menu_actions.note, self.add_bookmark_action)
        _insert_after(menus.get("View"), self.window.menu_actions.notes, self.bookmarks_action)
        translation = menus.get("Translation")
        if translation is not None:
            translation.addSeparator()
            translation.addAction(self.models_action)
        for menu in menus.values():
            menu.aboutToShow.connect(self.update_actions)
        self.update_actions()

    def update_actions(self) -> None:
        opened = self.window.opened
        reading = opened is not None
        busy = self._printing is not None and self._printing.busy
        for action in (self.pdf_action, self.print_action):
            action.setEnabled(reading and opened.route is not None and not busy)
        self.add_bookmark_action.setEnabled(reading)
        self.bookmarks_action.setEnabled(reading)

    @property
    def printing(self):
        if self._printing is None:
            from reader.app.printing import PrintController

            self._printing = PrintController(self.window)
        return self._printing

    # --- bookmarks ------------------------------------------------------------------------------

    def ensure_bookmarks_panel(self):
        if self.bookmarks_panel is None:
            from reader.app.bookmarks_panel import BookmarksPanel

            window = self.window
            panel = BookmarksPanel(window.context.database(), window, submit=window.workers.submit)
            panel.jump_requested.connect(self.jump_to)
            panel.failed.connect(lambda message: window.statusBar().showMessage(message, 5000))
            window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, panel)
            panel.hide()
            self.bookmarks_panel = panel
        return self.bookmarks_panel

    def _document_opened(self, opened) -> None:
        self.ensure_bookmarks_panel().set_document(opened.document_id)
        self._show_bookmarks_if_wanted()
        self.update_actions()

    def _show_bookmarks_if_wanted(self) -> None:
        """Like the notes: in the reading view only (the library shows no document's)."""
        if self.bookmarks_panel is not None:
            reading = self.window.stack.currentWidget() is self.window.document_view
            self.bookmarks_panel.setVisible(self.bookmarks_wanted and reading)
            if not reading:
                self.bookmarks_panel.set_document(None)

    def add_bookmark(self) -> None:
        """Ctrl+B: the current sentence, else the first one on screen."""
        view = self.window.document_view
        if self.window.opened is None or view.text is None:
            return
        block, sentence = view.current or (view.top_block(), 0)
        panel = self.ensure_bookmarks_panel()
        panel.add(block, sentence)
        self.bookmarks_wanted = True
        panel.show()
        self.window.statusBar().showMessage(f"Bookmarked ¶ {block + 1}", 3000)

    def toggle_bookmarks_panel(self) -> None:
        self.ensure_bookmarks_panel()
        self.bookmarks_wanted = not self.bookmarks_wanted
        self._show_bookmarks_if_wanted()

    def jump_to(self, block_index: int, sentence_index: int) -> None:
        view = self.window.document_view
        view.scroll_to_block(block_index)
        view.set_current(block_index, sentence_index)
        view.source_pane.setFocus()

    # --- models ---------------------------------------------------------------------------------

    def show_model_manager(self) -> None:
        from reader.app.model_manager import ModelManager

        opened = self.window.opened
        languages = (opened.document.language, opened.target_language) if opened else None
        if self.model_manager is None or languages != self.model_manager.languages:
            if self.model_manager is not None:
                self.model_manager.deleteLater()
            self.model_manager = ModelManager(self.window.workers.submit, languages, self.window)
            self.model_manager.models_changed.connect(self._models_changed)
        self.model_manager.show()
        self.model_manager.raise_()

    def _models_changed(self, _changes) -> None:
        """A model installed or removed: the shown document may now have a route (or lost it)."""
        opened = self.window.opened
        if opened is not None and opened.route is None:  # show it translated now
            self.window.opener.open_library_entry(opened.document_id, opened.target_language)


def _insert_after(menu: QMenu | None, anchor: QAction, action: QAction) -> None:
    if menu is None:
        return
    actions = menu.actions()
    position = actions.index(anchor) + 1 if anchor in actions else len(actions)
    if position < len(actions):
        menu.insertAction(actions[position], action)
    else:
        menu.addAction(action)
