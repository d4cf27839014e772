"""The main window's actions and menus (with their shortcuts), the context menu, and the
View and Help commands: synced scrolling, zoom, full screen, theme, preferences."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox

from reader.app import theme
from reader.app.dialogs import PreferencesDialog
from reader.app.reading.preferences import add_to_dialog as add_reading_layout_page
from reader.app.settings import MAX_FONT_SIZE, MIN_FONT_SIZE
from reader.app.window_opening import APP_TITLE
from reader.core.side import Side

SOURCE, TARGET = Side.ORIGINAL, Side.TRANSLATION  # reading-compose: the panes' sides

# The annotation palette, keys 1-5 (the same names as reader.core.notes.service.COLOURS,
# which is not imported at start-up).
HIGHLIGHT_COLOURS = ("yellow", "green", "blue", "pink", "purple")
ZOOM_STEP = 1.0


class WindowActions:
    """Mixin of `MainWindow`: builds its actions and menus and keeps them enabled as fits."""

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
        add_reading_layout_page(dialog, self.document_view, settings)  # hook: reading-compose
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


def _swatch_icon(colour: str):
    from PySide6.QtGui import QColor, QIcon, QPixmap

    from reader.app.theme import SWATCHES

    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(SWATCHES[colour]))
    return QIcon(pixmap)
