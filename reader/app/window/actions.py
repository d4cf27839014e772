"""The main window's actions as one table (as Picard's `ui/mainwindow/actions.py`), its menus,
and which actions are enabled in which state. The window connects the actions to its parts; the
Keyboard Shortcuts dialog is generated from the same table."""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QColor, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import QMenu, QMenuBar, QWidget

from reader.app.theme import SWATCHES

# The annotation palette, keys 1-5 (the same names as reader.core.notes.service.COLOURS,
# which is not imported at start-up).
HIGHLIGHT_COLOURS = ("yellow", "green", "blue", "pink", "purple")
THEMES = (("system", "Follow the &System"), ("light", "&Light"), ("dark", "&Dark"))
KEY = QKeySequence.StandardKey


@dataclass(frozen=True)
class ActionSpec:
    name: str
    text: str
    keys: tuple = ()  # standard keys first, then the usual ones where the platform has none
    checkable: bool = False
    # Only while the reading view has focus: elsewhere 1-5, J and K stay ordinary characters,
    # and the notes panel's own Undo/Redo keys work in it.
    reading_only: bool = False
    # The arrow keys do the same as J/K (the panes handle them): the menu shows both.
    keys_label: str = ""


ACTION_TABLE: tuple[ActionSpec, ...] = (
    ActionSpec("open", "&Open…", (KEY.Open, "Ctrl+O")),
    ActionSpec("library", "&Library", ("Ctrl+L",)),
    ActionSpec("export", "&Export Bilingual…", ("Ctrl+E",)),
    ActionSpec("install", "&Install Model from File…"),
    ActionSpec("quit", "&Quit", (KEY.Quit, "Ctrl+Q")),
    ActionSpec("undo", "&Undo", (KEY.Undo,), reading_only=True),
    ActionSpec("redo", "&Redo", (KEY.Redo,), reading_only=True),
    ActionSpec("copy", "&Copy", (KEY.Copy, "Ctrl+C")),
    ActionSpec("find", "&Find…", (KEY.Find, "Ctrl+F")),
    ActionSpec("translate_selection", "&Translate Selection", ("Ctrl+T",)),
    ActionSpec("edit", "&Edit Translation…", ("F2",)),
    ActionSpec("note", "Add &Note…", ("Ctrl+Shift+N",)),
    ActionSpec("search", "&Search Library…", ("Ctrl+Shift+F",)),
    ActionSpec("preferences", "&Preferences…", (KEY.Preferences, "Ctrl+,")),
    ActionSpec("sync", "&Synced Scrolling", checkable=True),
    ActionSpec("zoom_in", "Zoom &In", (KEY.ZoomIn, "Ctrl++", "Ctrl+=")),
    ActionSpec("zoom_out", "Zoom &Out", (KEY.ZoomOut, "Ctrl+-")),
    ActionSpec("zoom_reset", "&Actual Size", ("Ctrl+0",)),
    ActionSpec("next", "&Next Sentence", ("J",), reading_only=True, keys_label="J or ↓"),
    ActionSpec("previous", "&Previous Sentence", ("K",), reading_only=True, keys_label="K or ↑"),
    ActionSpec("notes", "&Notes", checkable=True),
    ActionSpec("toc", "&Contents", checkable=True),
    ActionSpec("full_screen", "&Full Screen", (KEY.FullScreen, "F11"), checkable=True),
    ActionSpec("cancel", "&Cancel Translation"),
    ActionSpec("resume", "&Translate the Rest"),
    ActionSpec("download", "&Download Model…"),
    ActionSpec("shortcuts", "&Keyboard Shortcuts", (KEY.HelpContents, "F1")),
    ActionSpec("about", "&About"),
    *(
        ActionSpec(f"highlight_{colour}", colour.capitalize(), (str(number),), reading_only=True)
        for number, colour in enumerate(HIGHLIGHT_COLOURS, start=1)
    ),
)


class Actions:
    """The window's QActions by table name (`actions.open`), plus the highlight and theme
    groups."""

    def __init__(self, by_name: dict[str, QAction], themes: dict[str, QAction]) -> None:
        self.by_name = by_name
        self.themes = themes
        self.highlights = [by_name[f"highlight_{colour}"] for colour in HIGHLIGHT_COLOURS]

    def __getattr__(self, name: str) -> QAction:
        try:
            return self.__dict__["by_name"][name]
        except KeyError:
            raise AttributeError(name) from None


def build_actions(window: QWidget, reading_view: QWidget) -> Actions:
    """Every action of the table, its shortcuts live on `window` (so they work with the menu
    bar hidden, in full screen), or on `reading_view` for the reading-only ones."""
    by_name = {}
    for spec in ACTION_TABLE:
        action = QAction(spec.text + (f"\t{spec.keys_label}" if spec.keys_label else ""), window)
        action.setShortcuts(key_sequences(spec.keys))
        action.setCheckable(spec.checkable)
        if spec.reading_only:
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            reading_view.addAction(action)
        else:
            window.addAction(action)
        by_name[spec.name] = action
    by_name["quit"].setMenuRole(QAction.MenuRole.QuitRole)
    for colour in HIGHLIGHT_COLOURS:
        by_name[f"highlight_{colour}"].setIcon(_swatch_icon(colour))
    group = QActionGroup(window)
    themes = {}
    for name, label in THEMES:
        themes[name] = group.addAction(QAction(label, window, checkable=True))
    return Actions(by_name, themes)


@dataclass
class Menus:
    recent: QMenu
    edit: QMenu
    highlight: QMenu
    target: QMenu


def build_menus(bar: QMenuBar, actions: Actions, search_results: QAction) -> Menus:
    """File, Edit, View, Translation and Help; `search_results` toggles the search dock."""
    a = actions
    file_menu = bar.addMenu("&File")
    file_menu.addAction(a.open)
    recent = file_menu.addMenu("Open &Recent")
    _add(file_menu, a.library, None, a.export, a.install, None, a.quit)
    edit = bar.addMenu("&Edit")
    _add(edit, a.undo, a.redo, None, a.copy, a.find, a.translate_selection, a.edit, None)
    highlight = edit.addMenu("&Highlight")
    highlight.addActions(a.highlights)
    _add(edit, a.note, a.search, None, a.preferences)
    view = bar.addMenu("&View")
    _add(view, a.sync, None, a.zoom_in, a.zoom_out, a.zoom_reset, None, a.next, a.previous)
    search_results.setText("Search &Results")  # Edit ▸ Search Library… starts a search
    _add(view, None, a.notes, a.toc, search_results, None)
    theme_menu = view.addMenu("&Theme")
    theme_menu.addActions(list(a.themes.values()))
    view.addAction(a.full_screen)
    translation = bar.addMenu("&Translation")
    target = translation.addMenu("Translate &Into")
    _add(translation, None, a.cancel, a.resume, a.download, a.install)
    _add(bar.addMenu("&Help"), a.shortcuts, a.about)
    return Menus(recent, edit, highlight, target)


def _add(menu: QMenu, *items: QAction | None) -> None:
    for item in items:
        if item is None:
            menu.addSeparator()
        else:
            menu.addAction(item)


@dataclass(frozen=True)
class WindowState:
    reading: bool = False  # a document is shown
    has_route: bool = False  # ...with a model translating it
    has_contents: bool = False
    translating: bool = False
    fully_translated: bool = False
    exporting: bool = False


def update_actions(actions: Actions, menus: Menus, state: WindowState) -> None:
    a = actions
    reading, has_route = state.reading, state.has_route
    for action in (a.find, a.copy, a.next, a.previous, a.note, a.undo, a.redo, a.notes):
        action.setEnabled(reading)
    for action in (menus.highlight.menuAction(), *a.highlights):
        action.setEnabled(reading)
    for action in (a.translate_selection, a.edit):
        action.setEnabled(has_route)
    a.export.setEnabled(has_route and not state.exporting)
    a.toc.setEnabled(reading and state.has_contents)
    a.cancel.setEnabled(state.translating)
    a.resume.setEnabled(has_route and not state.translating and not state.fully_translated)
    a.download.setEnabled(reading and not has_route)


def shortcut_rows() -> list[tuple[str, str]]:
    """(what, keys) for every action with a shortcut, in the table's order: the Keyboard
    Shortcuts dialog, generated so that it cannot drift from the real keys."""
    rows = []
    for spec in ACTION_TABLE:
        sequences = key_sequences(spec.keys)
        if not sequences:
            continue
        named = (s.toString(QKeySequence.SequenceFormat.NativeText) for s in sequences)
        keys = ", ".join(name for name in named if _on_a_keyboard(name))
        if not keys:
            continue
        if spec.keys_label:
            keys = spec.keys_label.replace(spec.keys[0], keys, 1)
        what = spec.text.replace("&", "").rstrip("…")
        if spec.name.startswith("highlight_"):
            what = f"Highlight the selection in {what.lower()}"
        rows.append((what, keys))
    return rows


def other_shortcut_rows(
    window: QWidget, actions: Actions, listed: set[str]
) -> list[tuple[str, str]]:
    """(what, keys) of the window's actions from outside the table (the panels and tools that
    add their own: bookmarks, print, the glossary...) not `listed` yet, so the dialog lists
    every key once."""
    in_table = set(actions.by_name.values())
    rows, seen = [], set(listed)
    for action in window.findChildren(QAction):
        what = action.text().split("\t")[0].replace("&", "").rstrip("…")
        named = (s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())
        keys = ", ".join(name for name in named if _on_a_keyboard(name))
        if action in in_table or not keys or not what or what in seen:
            continue
        seen.add(what)
        rows.append((what, keys))
    return rows


def _on_a_keyboard(name: str) -> bool:
    """Keys every keyboard has: a combination, one character, F1-F12; not the dedicated keys
    some platforms also bind ("Copy", "Open", F16 on Sun keyboards), which would only puzzle."""
    return "+" in name or len(name) == 1 or re.fullmatch(r"F([1-9]|1[0-2])", name) is not None


def key_sequences(keys: tuple) -> list[QKeySequence]:
    """Platform-standard keys first, then the usual ones where the platform defines none;
    each sequence once (a duplicate would make the shortcut ambiguous)."""
    sequences: list[QKeySequence] = []
    for item in keys:
        found = (
            QKeySequence.keyBindings(item)
            if isinstance(item, QKeySequence.StandardKey)
            else [QKeySequence(item)]
        )
        for sequence in found:
            if not sequence.isEmpty() and sequence not in sequences:
                sequences.append(sequence)
    return sequences


def _swatch_icon(colour: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(SWATCHES[colour]))
    return QIcon(pixmap)
