"""Changes made to a team library by other clients, as they commit: PostgreSQL LISTEN/NOTIFY.

Migration 0010's trigger NOTIFYs the `annotations` channel with `{"document": id, "annotation":
id}` on every insert, update and delete of a note; a `NoteListener` holds one autocommit
connection LISTENing to it on its own thread and calls back with each. Qt-free: the window's
adapter (`reader.app.live_notes`) turns the calls into its change broadcast. A lost connection
(server restart) is retried every few seconds until stopped; the notes written meanwhile are
what a reload shows, so nothing waits on them."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
from sqlalchemy import URL

from reader.core.storage.db import keyring_password

CHANNEL = "annotations"
_POLL_SECONDS = 0.5  # how soon `stop` is noticed
_RETRY_SECONDS = 5.0

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class NoteChange:
    document_id: int
    annotation_id: int


class NoteListener:
    """Calls `on_change(NoteChange)` on its own thread for each note any client changes."""

    def __init__(self, url: URL, on_change: Callable[[NoteChange], None]):
        if url.get_backend_name() != "postgresql":
            raise ValueError("only a PostgreSQL library announces its changes")
        # libpq's own URI form, with the password of the URL or the keyring (else ~/.pgpass).
        password = url.password or keyring_password(url)
        self._conninfo = url.set(drivername="postgresql", password=password).render_as_string(
            hide_password=False
        )
        self._on_change = on_change
        self._stopped = threading.Event()
        self._listening = threading.Event()
        self._thread = threading.Thread(target=self._run, name="note-listener", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wait_listening(self, timeout: float) -> bool:
        """Whether the LISTEN is in place (what a test waits for before writing)."""
        return self._listening.wait(timeout)

    def stop(self) -> None:
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        while not self._stopped.is_set():
            try:
                self._listen()
            except psycopg.Error as error:  # the server went away: try again later
                self._listening.clear()
                log.warning("live notes paused: %s", " ".join(str(error).split()))
                self._stopped.wait(_RETRY_SECONDS)

    def _listen(self) -> None:
        with psycopg.connect(self._conninfo, autocommit=True, application_name="bireader") as conn:
            conn.execute(f"LISTEN {CHANNEL}")
            self._listening.set()
            while not self._stopped.is_set():
                for notification in conn.notifies(timeout=_POLL_SECONDS):
                    change = parse(notification.payload)
                    if change is not None:
                        self._on_change(change)


def parse(payload: str) -> NoteChange | None:
    """The trigger's payload; None for anything else (a NOTIFY sent by hand)."""
    try:
        fields = json.loads(payload)
        return NoteChange(int(fields["document"]), int(fields["annotation"]))
    except (ValueError, TypeError, KeyError):
        return None
