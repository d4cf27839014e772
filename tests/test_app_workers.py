"""Background work: tasks report through signals; translation results arrive batched on the
GUI thread; documents are prepared off the GUI thread."""

from __future__ import annotations

import threading

import pytest

from reader.app.workers import (
    AppContext,
    TranslationRunner,
    Workers,
    default_target,
    error_message,
    open_file,
    open_library_document,
)
from reader.core.errors import InputError
from tests.app_support import WAIT_MS, long_document
from tests.conftest import SAMPLE


@pytest.fixture
def workers(qapp):
    pool = Workers()
    yield pool
    pool.wait()


@pytest.fixture
def context():
    shared = AppContext()
    yield shared
    shared.close()


def test_task_runs_off_the_gui_thread_and_reports_its_result(qtbot, workers) -> None:
    gui, results = threading.get_ident(), []
    workers.submit(threading.get_ident, results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=WAIT_MS)
    assert results[0] != gui


def test_task_failure_is_reported_as_the_exception(qtbot, workers) -> None:
    def fail():
        raise InputError("/tmp/x.txt", "broken")

    errors = []
    workers.submit(fail, on_failure=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=WAIT_MS)
    assert error_message(errors[0]) == "/tmp/x.txt: broken"
    assert error_message(ValueError("boom")).startswith("unexpected error: ValueError")


def test_translation_tasks_run_on_their_own_low_priority_thread(qtbot, workers) -> None:
    import os
    import sys

    results = []
    workers.submit(
        lambda: (threading.get_ident(), os.getpriority(os.PRIO_PROCESS, threading.get_native_id())),
        results.append,
        translation=True,
    )
    workers.submit(threading.get_ident, results.append)
    qtbot.waitUntil(lambda: len(results) == 2, timeout=WAIT_MS)
    (translation_thread, niceness), general_thread = sorted(
        results, key=lambda r: isinstance(r, int)
    )
    assert translation_thread != general_thread
    if sys.platform.startswith("linux"):
        assert niceness >= 10


def test_open_file_prepares_document_route_and_cache(installed_vi_en, context) -> None:
    opened = open_file(context, SAMPLE, None, None, "en")
    assert opened.document.language == "vi" and opened.target_language == "en"
    assert opened.route is not None and opened.cached == {}
    again = open_library_document(context, opened.document_id, None, "en")
    assert again.document.content_hash == opened.document.content_hash
    assert again.target_language == "en"  # remembered in the library


def test_open_without_a_model_offers_the_catalogue_download(context) -> None:
    opened = open_file(context, SAMPLE, None, None, "en")
    assert opened.route is None
    assert opened.download is not None and opened.download.code == "translate-vi_en"


def test_default_target_never_equals_the_source() -> None:
    assert default_target("vi", "en") == "en"
    assert default_target("en", "en") == "vi"
    assert default_target("fr", "fr") == "en"


def test_runner_delivers_every_sentence_in_few_gui_updates(
    qtbot, workers, context, installed_vi_en, tmp_path
) -> None:
    opened = open_file(context, long_document(tmp_path, 150), None, None, "en")
    runner = TranslationRunner(workers, context.service(), opened.document, opened.route)
    received, updates, gui = [], [], threading.get_ident()
    runner.sentences_ready.connect(
        lambda batch: (received.extend(batch), updates.append(threading.get_ident()))
    )
    with qtbot.waitSignal(runner.finished, timeout=WAIT_MS) as finished:
        runner.start([100, 101])
    stats = finished.args[0]
    assert stats.done == stats.sentences == len(received) == opened.document.sentence_count
    assert set(updates) == {gui}  # results are handed over on the GUI thread
    assert len(updates) <= stats.model_calls + 2  # coalesced, never one update per sentence
    assert not runner.running


def test_runner_cancel(qtbot, workers, context, installed_vi_en, tmp_path) -> None:
    opened = open_file(context, long_document(tmp_path, 1500), None, None, "en")
    runner = TranslationRunner(workers, context.service(), opened.document, opened.route)
    with qtbot.waitSignal(runner.finished, timeout=WAIT_MS) as finished:
        runner.start()
        runner.cancel()
    assert finished.args[0].cancelled
