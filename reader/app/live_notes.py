"""A colleague's notes on a team library, shown as they are written: the core's `NoteListener`
(PostgreSQL LISTEN/NOTIFY) turned into the window's change broadcast."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from sqlalchemy import URL

from reader.core.changes import Changes
from reader.core.storage.notify import NoteChange, NoteListener


class LiveNotes(QObject):
    """Emits `changed(Changes(annotations={id}))` on the GUI thread for each note another
    client adds, edits or deletes. A local SQLite library has no other clients: `for_library`
    gives None for it."""

    changed = Signal(object)  # Changes

    def __init__(self, url: URL, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.listener = NoteListener(url, self._received)
        self.listener.start()
        self.destroyed.connect(self.listener.stop)

    @classmethod
    def for_library(cls, url: URL | None, parent: QObject | None = None) -> LiveNotes | None:
        return cls(url, parent) if url is not None and url.get_backend_name() != "sqlite" else None

    def _received(self, change: NoteChange) -> None:
        # Called on the listener's thread: a signal crosses to the receivers' thread queued.
        self.changed.emit(Changes(annotations=frozenset({change.annotation_id})))

    def stop(self) -> None:
        self.listener.stop()
