"""Work off the GUI thread: a QThreadPool of QRunnables reporting back through signals.

Background code never touches widgets: results travel through queued signals to the GUI thread.
Translation batches are buffered and handed over at most every `FLUSH_INTERVAL_MS`, so a burst
of small batches costs the event loop one model update, not one per batch.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QRunnable, QThread, QThreadPool, QTimer, Signal

from reader.core.errors import ReaderError

if TYPE_CHECKING:  # the core is imported lazily: it pulls in SQLAlchemy, CTranslate2...
    from reader.core.documents import Document
    from reader.core.storage import Database
    from reader.core.translate.catalogue import CatalogueEntry
    from reader.core.translate.service import Route, TranslatedSentence, TranslationService

log = logging.getLogger(__name__)

FLUSH_INTERVAL_MS = 50
# Opening, downloads, small tasks; translation jobs have their own thread. Three, so that the
# two warm-up tasks started with the window never hold back opening a file.
POOL_THREADS = 3
# Blocks from the reading position a job started before the document is shown translates first
# (the window then says which blocks are on screen): about a screenful.
EARLY_PRIORITY_BLOCKS = 12
BACKGROUND_NICENESS = 10


def error_message(error: BaseException) -> str:
    """One line for the user: ours are already worded for them; anything else is a bug."""
    if isinstance(error, ReaderError):
        return str(error)
    return f"unexpected error: {type(error).__name__}: {error}"


class TaskSignals(QObject):
    succeeded = Signal(object)
    failed = Signal(object)  # the exception


class FunctionTask(QRunnable):
    """Runs `function()` in the pool; reports its result or exception through `signals`."""

    def __init__(self, function: Callable[[], Any]) -> None:
        super().__init__()
        self.signals = TaskSignals()
        self._function = function

    def run(self) -> None:
        try:
            result = self._function()
        except BaseException as error:  # reported to the GUI, which decides what to show
            if not isinstance(error, ReaderError):
                log.exception("background task failed")
            self.signals.failed.emit(error)
        else:
            self.signals.succeeded.emit(result)


def lower_thread_priority() -> None:
    """Let the GUI thread win the CPU over model inference. On Linux niceness is per thread and
    inherited by the threads created afterwards (CTranslate2's, when the model loads here)."""
    if sys.platform.startswith("linux"):
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICENESS)
        except OSError as error:
            log.debug("cannot lower the translation thread's priority: %s", error)
    else:
        QThread.currentThread().setPriority(QThread.Priority.LowPriority)


class Workers(QObject):
    """The app's thread pools: a general one, and one low-priority thread for translation
    jobs. Keeps each task's signals alive until it has reported."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(POOL_THREADS)
        self.translation_pool = QThreadPool(self)
        self.translation_pool.setMaxThreadCount(1)
        self.translation_pool.setExpiryTimeout(-1)  # keep the thread (and its niceness)
        self._running: set[TaskSignals] = set()

    def submit(
        self,
        function: Callable[[], Any],
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        *,
        translation: bool = False,
    ) -> FunctionTask:
        task = FunctionTask(_at_low_priority(function) if translation else function)
        signals = task.signals
        self._running.add(signals)
        if on_success is not None:
            signals.succeeded.connect(on_success)
        if on_failure is not None:
            signals.failed.connect(on_failure)
        signals.succeeded.connect(lambda _result: self._running.discard(signals))
        signals.failed.connect(lambda _error: self._running.discard(signals))
        (self.translation_pool if translation else self.pool).start(task)
        return task

    def wait(self, msecs: int = -1) -> bool:
        done = self.translation_pool.waitForDone(msecs)
        return self.pool.waitForDone(msecs) and done


def _at_low_priority(function: Callable[[], Any]) -> Callable[[], Any]:
    def run() -> Any:
        lower_thread_priority()
        return function()

    return run


class AppContext:
    """The database and translation service, created on first use in a worker thread (opening
    the database runs migrations; the service imports CTranslate2)."""

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


@dataclass
class OpenedDocument:
    """Everything the window needs to show a document, prepared off the GUI thread."""

    document_id: int
    document: Document
    target_language: str
    route: Route | None
    cached: dict[tuple[int, int], TranslatedSentence]
    reading_block: int
    download: CatalogueEntry | None = None  # offered when `route` is None
    notes: list[str] = field(default_factory=list)


@dataclass
class EarlyTranslation:
    """A document whose translation can start while it is still being stored and shown."""

    document: Document
    route: Route
    cached: dict[tuple[int, int], TranslatedSentence]  # what the window will show at once
    priority: list[int]  # blocks to translate first: from the reading position


_gc_pauses = 0
_gc_lock = threading.Lock()


@contextmanager
def collecting_once() -> Iterator[None]:
    """Loading a big document creates 100,000s of long-lived objects; every automatic full
    collection meanwhile would scan them all while holding the GIL, freezing the window several
    times. Pause the cyclic GC while loading and collect once, at the end (the window then
    `gc.freeze()`s the survivors, which live as long as the document is shown)."""
    global _gc_pauses
    with _gc_lock:
        _gc_pauses += 1
        gc.disable()
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            last = _gc_pauses == 0
        if last:
            gc.collect(1)  # only the young generations: what loading created
            gc.enable()


def default_target(source_language: str, preferred: str) -> str:
    if preferred and preferred != source_language:
        return preferred
    return "vi" if source_language == "en" else "en"


def open_file(
    context: AppContext,
    path: Path,
    source_language: str | None,
    target_language: str | None,
    preferred_target: str,
    on_route: Callable[[Route], None] | None = None,
    on_translatable: Callable[[EarlyTranslation], None] | None = None,
) -> OpenedDocument:
    """Import (or re-import) a file into the library and prepare it for display.

    So that the translation can start before the document is stored and shown, two callbacks
    (called from this thread) say what is known as soon as it is: `on_route(route)` once the
    language is known, before the text is segmented, if a model translates it (the model can
    load meanwhile); `on_translatable` once the document is segmented and its cached
    translations are known, if anything is left to translate."""
    from reader.core.documents import load_document

    found: dict = {}

    def known_language(content_hash: str) -> str | None:
        # The library (SQLAlchemy) is imported here, after parsing, which needs neither it nor
        # the database: just after launch, both are still loading in other threads.
        from reader.core.library import stored_language

        return stored_language(context.database(), content_hash)

    def language_decided(language: str, content_hash: str) -> None:
        from reader.core.library import get_entry, matching_document

        database = context.database()
        existing = matching_document(database, content_hash, path.resolve())
        previous = get_entry(database, existing) if existing is not None else None
        target = (
            target_language
            or (previous.target_language if previous else None)
            or default_target(language, preferred_target)
        )
        route = context.service().route(language, target)
        found.update(previous=previous, target=target, route=route)
        if route is not None and on_route is not None:
            on_route(route)

    with collecting_once():
        document = load_document(
            path,
            language=source_language or "auto",
            known_language=known_language,
            language_decided=language_decided,
        )
        previous, route = found["previous"], found["route"]
        plan = _plan(context, document, found["target"], route)
        cached = plan[2]
        untranslated = route is not None and len(cached) < document.sentence_count
        if on_translatable is not None and untranslated:
            start = min(previous.reading_block, len(document.blocks) - 1) if previous else 0
            priority = list(range(start, start + EARLY_PRIORITY_BLOCKS))
            on_translatable(EarlyTranslation(document, route, cached, priority))
        from reader.core.library import store_document

        result = store_document(context.database(), document)
        return _prepare(
            context, result.document_id, document, target_language, preferred_target, plan
        )


def open_library_document(
    context: AppContext, document_id: int, target_language: str | None, preferred_target: str
) -> OpenedDocument:
    """A library document, rebuilt from the database: no file parsing, no segmentation."""
    from reader.core.library import get_document

    with collecting_once():
        document = get_document(context.database(), document_id)
        return _prepare(context, document_id, document, target_language, preferred_target)


_Plan = tuple[str, "Route | None", dict]  # target language, route, cached translations


def _plan(context: AppContext, document: Document, target: str, route: Route | None) -> _Plan:
    service = context.service()
    cached = service.cached_translations(document, route) if route is not None else {}
    return target, route, cached


def _prepare(
    context: AppContext,
    document_id: int,
    document: Document,
    target_language: str | None,
    preferred_target: str,
    plan: _Plan | None = None,
) -> OpenedDocument:
    from reader.core.library import get_entry, mark_opened

    database = context.database()
    entry = get_entry(database, document_id)
    if plan is None:
        target = (
            target_language
            or entry.target_language
            or default_target(document.language, preferred_target)
        )
        plan = _plan(context, document, target, context.service().route(document.language, target))
    target, route, cached = plan
    mark_opened(database, document_id, target_language=target)
    reading_block = min(entry.reading_block, len(document.blocks) - 1)
    opened = OpenedDocument(document_id, document, target, route, cached, reading_block)
    if route is None:
        opened.download = find_download(document.language, target)
    return opened


def find_download(source: str, target: str) -> CatalogueEntry | None:
    from reader.core.translate.catalogue import find_entry

    try:
        return find_entry(f"{source}_{target}")
    except ReaderError as error:
        log.info("no catalogue entry for %s→%s: %s", source, target, error)
        return None


def save_reading_position(context: AppContext, document_id: int, block: int) -> None:
    from reader.core.library import mark_opened

    mark_opened(context.database(), document_id, reading_block=block)


class TranslationRunner(QObject):
    """Runs one `TranslationJob` in the pool and hands its results to the GUI thread in batches.

    `sentences_ready(list[TranslatedSentence])` at most every FLUSH_INTERVAL_MS,
    `progress(done, total)`, then `finished(stats)` or `failed(message)`.

    A runner started with `hold=True` (before its document is on screen) keeps all that until
    `release()`, or drops it with `discard()`.
    """

    sentences_ready = Signal(list)
    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)
    # Emitted from the worker thread, so delivered queued: the first machine translation is
    # painted at once instead of at the next flush tick.
    _first_machine_batch = Signal()

    def __init__(
        self,
        workers: Workers,
        service: TranslationService,
        document: Document,
        route: Route,
        parent: QObject | None = None,
        *,
        known: dict[tuple[int, int], TranslatedSentence] | None = None,
    ) -> None:
        """`known`: the cached translations the window shows already (`cached_translations`
        for this document and route), neither looked up again nor delivered again."""
        super().__init__(parent)
        self.document = document
        self._workers = workers
        self._lock = threading.Lock()
        self._buffer: list[TranslatedSentence] = []
        self._latest_progress: tuple[int, int] | None = None
        self._machine_batch_seen = False
        self.running = False
        self._held = False
        self._discarded = False
        self._ending: Callable[[], None] | None = None  # a held runner's finished/failed
        self._job = service.create_job(
            document,
            route,
            on_sentences=self._collect,
            on_progress=self._collect_progress,
            top_paragraph_first=True,  # the reader is looking at the empty right pane
            known=known,
        )
        self._timer = QTimer(self)
        self._timer.setInterval(FLUSH_INTERVAL_MS)
        self._timer.timeout.connect(self.flush)
        self._first_machine_batch.connect(self.flush)

    def start(self, priority: Iterable[int] = (), *, hold: bool = False) -> None:
        self._job.prioritise(priority)
        self.running = True
        self._held = hold
        if not hold:
            self._timer.start()
        self._workers.submit(self._job.run, self._on_done, self._on_error, translation=True)

    def release(self) -> None:
        """Start handing results over (a runner started with `hold`): what arrived meanwhile,
        and the end if the job is done already, come at the next turn of the event loop, so
        that whoever connects to the signals now gets them all."""
        if not self._held or self._discarded:
            return
        self._held = False
        if self.running:
            self._timer.start()
        QTimer.singleShot(0, self, self._hand_over)

    def _hand_over(self) -> None:
        self.flush()
        ending, self._ending = self._ending, None
        if ending is not None:
            ending()

    def discard(self) -> None:
        """Cancel the job and drop its results; the runner deletes itself once the job ends."""
        self._discarded = True
        self._held = False
        self._timer.stop()
        self._job.cancel()
        if not self.running:
            self.deleteLater()

    def prioritise(self, blocks: Iterable[int]) -> None:
        self._job.prioritise(blocks)

    def cancel(self) -> None:
        self._job.cancel()

    # Called from the worker thread: only touch the buffer, under the lock.
    def _collect(self, sentences: list[TranslatedSentence]) -> None:
        with self._lock:
            self._buffer.extend(sentences)
            first = not self._machine_batch_seen and any(not s.cached for s in sentences)
            self._machine_batch_seen |= first
        if first:
            self._first_machine_batch.emit()

    def _collect_progress(self, done: int, total: int) -> None:
        with self._lock:
            self._latest_progress = (done, total)

    def flush(self) -> None:
        if self._held or self._discarded:
            return
        with self._lock:
            sentences, self._buffer = self._buffer, []
            progress, self._latest_progress = self._latest_progress, None
        if sentences:
            self.sentences_ready.emit(sentences)
        if progress is not None:
            self.progress.emit(*progress)

    def _on_done(self, stats: object) -> None:
        self._end(lambda: self.finished.emit(stats))

    def _on_error(self, error: BaseException) -> None:
        message = error_message(error)
        self._end(lambda: self.failed.emit(message))

    def _end(self, emit: Callable[[], None]) -> None:
        self._timer.stop()
        self.running = False
        if self._discarded:
            self.deleteLater()
        elif self._held:
            self._ending = emit
        else:
            self.flush()
            emit()
