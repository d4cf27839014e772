"""The window's database and translation service, opened on first use in a worker thread."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the core is imported lazily: it pulls in SQLAlchemy, CTranslate2...
    from reader.app.workers import Workers
    from reader.core.storage import Database
    from reader.core.translate.service import TranslationService


class AppContext:
    """The database and translation service, created on first use in a worker thread (opening
    the database runs migrations; the service imports CTranslate2). A `ReadingContext`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._database: Database | None = None
        self._service: TranslationService | None = None

    def database(self) -> Database:
        with self._lock:
            if self._database is None:
                from reader.core.storage import open_database

                self._database = open_database()
            return self._database

    def service(self) -> TranslationService:
        database = self.database()
        with self._lock:
            if self._service is None:
                from reader.core.translate.service import TranslationService

                self._service = TranslationService(database)
            return self._service

    def warm_up(self, workers: Workers) -> None:
        """Start the slow first-use costs in parallel while the window appears: the database
        (SQLAlchemy, migrations) and the service (CTranslate2). The language identifier is
        not among them: Vietnamese needs none, and it would slow the first paragraph down."""
        workers.submit(self.service)

    def close(self) -> None:
        with self._lock:
            if self._database is not None:
                self._database.close()
            self._database = self._service = None
