"""The side panels (contents, library search, notes) as tabs of one column on the right, so
that with all three open the reading panes keep most of the window's width."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QObject, Qt, Signal
from PySide6.QtWidgets import QMainWindow

from reader.app.side_panels import SearchPanel, TocPanel
from reader.core.reading import OpenedDocument

if TYPE_CHECKING:  # the notes panel imports the core (SQLAlchemy...): not at start-up
    from reader.app.notes_panel import NotesPanel

DOCK_WIDTH = 280  # px: the tabbed column's first width
# Bumped when the dock layout changes, so that an old saved layout (docks side by side on
# both edges, squeezing the panes) is not restored over the new default.
DOCK_STATE_VERSION = 1
RIGHT = Qt.DockWidgetArea.RightDockWidgetArea


class SidePanels(QObject):
    """Owns the docks of `window`: which are shown while reading (View ▸ Notes / Contents), and
    the notes dock, made by `make_notes` once the database is open."""

    notes_created = Signal(object)  # NotesPanel
    wanted_changed = Signal(str, bool)  # "notes"/"toc", shown while reading: ✕ unticks it

    def __init__(
        self, window: QMainWindow, make_notes: Callable[[], NotesPanel], parent: QObject
    ) -> None:
        super().__init__(parent)
        self._window, self._make_notes = window, make_notes
        self.toc = TocPanel(window)
        self.search = SearchPanel(window)
        self.notes: NotesPanel | None = None
        self.wanted = {"notes": True, "toc": True}
        self._reading = False
        self._restored = False
        self._sizes_pending = True
        for dock in (self.toc, self.search):
            window.addDockWidget(RIGHT, dock)
            dock.hide()
        window.tabifyDockWidget(self.toc, self.search)

    def restore(self, state: QByteArray | None) -> None:
        """Where the docks were and how wide; the search results are not kept, so an empty
        search dock stays closed, and the contents wait for a document that has some."""
        self._restored = state is not None and self._window.restoreState(state, DOCK_STATE_VERSION)
        self._sizes_pending = not self._restored
        self.toc.hide()
        self.search.hide()

    def state(self) -> QByteArray:
        return self._window.saveState(DOCK_STATE_VERSION)

    def ensure_notes(self) -> NotesPanel:
        if self.notes is None:
            panel = self.notes = self._make_notes()
            self._window.addDockWidget(RIGHT, panel)
            window = self._window
            restored = self._restored and window.restoreDockWidget(panel)
            # Qt restores it beside the contents rather than among the tabs when those were
            # hidden at the time (they are until a document shows them): tab it again.
            beside = window.dockWidgetArea(panel) == window.dockWidgetArea(self.toc)
            if not restored or (beside and not panel.isFloating()):
                window.tabifyDockWidget(self.toc, panel)
            self._sizes_pending = self._sizes_pending or not restored
            panel.visibilityChanged.connect(self._notes_visibility)
            self.notes_created.emit(panel)
        return self.notes

    def show_document(self, opened: OpenedDocument) -> None:
        self._reading = True
        notes = self.ensure_notes()
        notes.set_document(opened.document_id)  # also re-reads it after a re-import
        notes.setVisible(self.wanted["notes"])
        self.toc.set_toc(opened.document.toc)
        self.toc.setVisible(bool(opened.document.toc) and self.wanted["toc"])
        if self._sizes_pending:  # first run: leave the reading panes most of the width
            self._sizes_pending = False
            self._window.resizeDocks([notes], [DOCK_WIDTH], Qt.Orientation.Horizontal)
        if self.toc.isVisible():  # the contents first: where to go in a new document
            self.toc.raise_()

    def hide_document(self) -> None:
        self._reading = False
        if self.notes is not None:
            self.notes.set_document(None)
            self.notes.hide()
        self.toc.set_toc(())
        self.toc.hide()

    def set_wanted(self, name: str, on: bool) -> None:
        """View ▸ Notes / Contents: shown while reading (the contents only if there are any)."""
        self.wanted[name] = on
        if not self._reading:
            return
        if name == "notes" and self.notes is not None:
            self.notes.setVisible(on)
        elif name == "toc":
            self.toc.setVisible(on and self.toc.entry_count > 0)

    def _notes_visibility(self, visible: bool) -> None:
        # Closed with its ✕ while reading (a tab hidden behind another is not `isHidden`).
        if self._reading and not visible and self.notes is not None and self.notes.isHidden():
            self.wanted["notes"] = False
            self.wanted_changed.emit("notes", False)
