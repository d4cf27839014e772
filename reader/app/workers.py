"""Work off the GUI thread: a QThreadPool of QRunnables reporting back through signals.

Background code never touches widgets: results travel through queued signals to the GUI thread.
Translation batches are buffered and handed over at most every `FLUSH_INTERVAL_MS`, so a burst
of small batches costs the event loop one model update, not one per batch.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable, Hashable, Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QRunnable, QThread, QThreadPool, QTimer, Signal

from reader.core.errors import ReaderError

if TYPE_CHECKING:  # the core is imported lazily: it pulls in SQLAlchemy, CTranslate2...
    from reader.core.documents import Document
    from reader.core.translate.service import Route, TranslatedSentence, TranslationService

log = logging.getLogger(__name__)

FLUSH_INTERVAL_MS = 50
# Opening, downloads, small tasks; translation jobs have their own thread. Three, so that the
# two warm-up tasks started with the window never hold back opening a file.
POOL_THREADS = 3
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
        # Writes (the Ops) one at a time, in the order asked: an undo never overtakes the write
        # it undoes, and SQLite takes one writer at a time anyway.
        self.write_pool = QThreadPool(self)
        self.write_pool.setMaxThreadCount(1)
        self._running: set[TaskSignals] = set()
        self._latest: dict[Hashable, int] = {}  # key -> the number of its latest request

    def submit(
        self,
        function: Callable[[], Any],
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        *,
        translation: bool = False,
        write: bool = False,
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
        pool = self.translation_pool if translation else self.write_pool if write else self.pool
        pool.start(task)
        return task

    def latest(
        self,
        key: Hashable,
        function: Callable[[], Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> None:
        """`submit`, where only the latest request under `key` reports: an older one still
        running when a newer is asked for (the reader typed on, chose another filter) is
        dropped when it comes back."""
        ticket = self._latest.get(key, 0) + 1
        self._latest[key] = ticket

        def reporting(callback: Callable[[Any], None] | None) -> Callable[[Any], None]:
            def report(value: Any) -> None:
                if self._latest.get(key) == ticket:
                    del self._latest[key]
                    if callback is not None:
                        callback(value)

            return report

        self.submit(function, reporting(on_success), reporting(on_failure))

    def drop_latest(self, key: Hashable) -> None:
        """Let the request running under `key` report nothing (what it is for is gone)."""
        self._latest.pop(key, None)

    def pending(self, key: Hashable) -> bool:
        """Whether a request under `key` has yet to report."""
        return key in self._latest

    def wait(self, msecs: int = -1) -> bool:
        pools = (self.translation_pool, self.write_pool, self.pool)
        return all([pool.waitForDone(msecs) for pool in pools])  # a list: wait for each


def _at_low_priority(function: Callable[[], Any]) -> Callable[[], Any]:
    def run() -> Any:
        lower_thread_priority()
        return function()

    return run


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
