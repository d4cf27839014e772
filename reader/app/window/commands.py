"""The View and Help commands (synced scrolling, zoom, full screen, theme, preferences, about,
keyboard shortcuts), copying, and the menus filled when they open (recent files, target
languages)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QInputDialog, QMainWindow, QMenu, QMessageBox

from reader.app import theme
from reader.app.dialogs import PreferencesDialog, ShortcutsDialog
from reader.app.languages import language_name
from reader.app.library_preferences import add_to_dialog as add_library_page
from reader.app.reading.preferences import add_to_dialog as add_reading_layout_page
from reader.app.reading.view import DocumentView
from reader.app.settings import DEFAULT_FONT_SIZE, MAX_FONT_SIZE, MIN_FONT_SIZE, AppSettings
from reader.app.window import APP_TITLE
from reader.app.window.actions import Actions, other_shortcut_rows, shortcut_rows
from reader.core.side import Side

ZOOM_STEP = 1.0


class ViewCommands(QObject):
    """Commands on the window and the reading view that need no worker."""

    message = Signal(str, int)

    def __init__(
        self, window: QMainWindow, view: DocumentView, settings: AppSettings, actions: Actions
    ) -> None:
        super().__init__(window)
        self._window, self._view, self._settings, self._actions = window, view, settings, actions

    def restore(self) -> None:
        """The saved preferences, applied to the view and ticked in the menus."""
        settings = self._settings
        self._view.set_base_font(settings.font_family, settings.font_size)
        self._view.set_reading_layout(settings.reading_layout)
        self._actions.sync.setChecked(settings.synced_scrolling)
        self._view.set_synced(settings.synced_scrolling)
        self._actions.themes[settings.theme].setChecked(True)

    def copy(self) -> None:
        view = self._view
        text = view.selected_text()
        if not text and view.current is not None:
            side = Side.TRANSLATION if view.target_pane.hasFocus() else Side.ORIGINAL
            text = view.current_sentence_text(side)
        if text:
            QApplication.clipboard().setText(text)

    def set_synced(self, on: bool) -> None:
        self._view.set_synced(on)
        self._settings.synced_scrolling = on

    def zoom(self, step: float) -> None:
        size = min(MAX_FONT_SIZE, max(MIN_FONT_SIZE, self._settings.font_size + step))
        self._settings.font_size = size
        self._view.set_base_font(self._settings.font_family, size)
        self.message.emit(f"Text size {size:g} pt", 2000)

    def zoom_in(self) -> None:
        self.zoom(+ZOOM_STEP)

    def zoom_out(self) -> None:
        self.zoom(-ZOOM_STEP)

    def zoom_reset(self) -> None:
        self.zoom(DEFAULT_FONT_SIZE - self._settings.font_size)

    def toggle_full_screen(self) -> None:
        window = self._window
        if window.isFullScreen():
            window.showNormal()
        else:
            window.showFullScreen()
        self._actions.full_screen.setChecked(window.isFullScreen())

    def set_theme(self, name: str) -> None:
        self._settings.theme = name
        theme.apply_theme(QApplication.instance(), name)
        self._actions.themes[name].setChecked(True)

    def edit_preferences(self) -> None:
        settings = self._settings
        family = settings.font_family or self._view.base_font.family()
        dialog = PreferencesDialog(family, settings.font_size, settings.theme, self._window)
        add_reading_layout_page(dialog, self._view, settings)  # line spacing, margins, width
        add_library_page(dialog)  # this computer's file or a team server, from the next start
        if dialog.exec() == PreferencesDialog.DialogCode.Accepted:
            family, size, theme_name = dialog.values()
            settings.font_family, settings.font_size = family, size
            self._view.set_base_font(family, size)
            self.set_theme(theme_name)

    def show_shortcuts(self) -> ShortcutsDialog:
        rows = shortcut_rows()
        rows += other_shortcut_rows(self._window, self._actions, {what for what, _keys in rows})
        dialog = ShortcutsDialog(rows, self._window)
        dialog.open()
        return dialog

    def about(self) -> None:
        from reader import __version__

        QMessageBox.about(
            self._window,
            APP_TITLE,
            f"<b>{APP_TITLE}</b> {__version__}<br>"
            "Read a document beside its offline machine translation.",
        )


def fill_recent_menu(menu: QMenu, settings: AppSettings, open_path: Callable[[Path], None]):
    menu.clear()
    for path in settings.recent_files:
        action = menu.addAction(Path(path).name)
        action.setToolTip(path)
        action.triggered.connect(lambda _checked=False, path=path: open_path(Path(path)))
    if menu.isEmpty():
        menu.addAction("(none)").setEnabled(False)
    else:
        menu.addSeparator()
        menu.addAction("Clear", settings.clear_recent_files)


def fill_target_menu(menu: QMenu, opened, choose: Callable[[str], None]) -> None:
    """Languages the installed models reach from the document's language (directly or
    through English), and "Other…" for any code (the missing-model panel then offers it)."""
    from reader.core.translate.packages import list_installed

    menu.clear()
    if opened is None:
        menu.addAction("(open a document first)").setEnabled(False)
        return
    source = opened.document.language
    installed = list_installed()
    targets = {model.to_code for model in installed if model.from_code == source}
    if source != "en" and "en" in targets:
        targets |= {model.to_code for model in installed if model.from_code == "en"}
    targets |= {opened.target_language}
    targets.discard(source)
    for code in sorted(targets, key=language_name):
        action = menu.addAction(f"{language_name(code)} ({code})")
        action.setCheckable(True)
        action.setChecked(code == opened.target_language)
        action.triggered.connect(lambda _checked=False, code=code: choose(code))
    menu.addSeparator()
    menu.addAction("&Other…", lambda: _ask_target_language(menu, choose))


def _ask_target_language(parent, choose: Callable[[str], None]) -> None:
    code, ok = QInputDialog.getText(parent, "Translate into", "Language code (e.g. en, fr, vi):")
    code = code.strip().lower()
    if ok and code.isalpha() and 2 <= len(code) <= 3:
        choose(code)
