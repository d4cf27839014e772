"""Background work: tasks report through signals; translation results arrive batched on the
GUI thread; documents are prepared off the GUI thread."""

from __future__ import annotations

import threading

import pytest

from reader.app.context import AppContext
from reader.app.workers import FLUSH_INTERVAL_MS, TranslationRunner, Workers, error_message
from reader.core.errors import InputError
from reader.core.reading import open_file
from tests.app_support import WAIT_MS, long_document


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


def test_a_held_runner_hands_over_nothing_until_released(
    qtbot, workers, context, installed_vi_en, tmp_path
) -> None:
    opened = open_file(context, long_document(tmp_path, 20), None, None, "en")
    runner = TranslationRunner(workers, context.service(), opened.document, opened.route)
    received, ended = [], []
    runner.sentences_ready.connect(received.extend)
    runner.finished.connect(ended.append)
    runner.start([5], hold=True)
    workers.wait()  # the job is done...
    qtbot.wait(3 * FLUSH_INTERVAL_MS)
    assert received == [] and ended == [] and not runner.running  # ...and kept
    with qtbot.waitSignal(runner.finished, timeout=WAIT_MS):
        runner.release()
    assert len(received) == opened.document.sentence_count == ended[0].translated
    assert received[0].block_index == 5  # prioritised when started


def test_a_discarded_runner_stops_and_deletes_itself(
    qtbot, workers, context, installed_vi_en, tmp_path
) -> None:
    opened = open_file(context, long_document(tmp_path, 1500), None, None, "en")
    runner = TranslationRunner(workers, context.service(), opened.document, opened.route)
    received = []
    runner.sentences_ready.connect(received.extend)
    runner.finished.connect(received.append)
    runner.start(hold=True)
    with qtbot.waitSignal(runner.destroyed, timeout=WAIT_MS):
        runner.discard()
    assert received == []


def test_a_runner_told_what_is_known_neither_looks_it_up_nor_delivers_it(
    qtbot, workers, context, installed_vi_en, tmp_path, monkeypatch
) -> None:
    path = long_document(tmp_path, 10)
    opened = open_file(context, path, None, None, "en")
    service = context.service()
    first_block = [s.text for s in opened.document.blocks[0].sentences]
    service.translate_sentences(opened.route, first_block)
    opened = open_file(context, path, None, None, "en")
    assert {key[0] for key in opened.cached} == {0}

    def no_lookup(*_args, **_kwargs):
        raise AssertionError("looked up again")

    monkeypatch.setattr(service, "cached_translations", no_lookup)
    runner = TranslationRunner(workers, service, opened.document, opened.route, known=opened.cached)
    received = []
    runner.sentences_ready.connect(received.extend)
    with qtbot.waitSignal(runner.finished, timeout=WAIT_MS) as finished:
        runner.start()
    stats = finished.args[0]
    assert {(s.block_index, s.sentence_index) for s in received}.isdisjoint(opened.cached)
    assert stats.cached == len(opened.cached) and stats.done == stats.sentences
    assert len(received) == stats.sentences - len(opened.cached)


def test_only_the_latest_request_under_a_key_reports(qtbot, workers) -> None:
    import time

    results, release = [], threading.Event()

    def slow():
        release.wait(5)
        return "old"

    workers.latest("list", slow, results.append)
    workers.latest("list", lambda: "new", results.append)
    qtbot.waitUntil(lambda: results == ["new"], timeout=WAIT_MS)
    assert not workers.pending("list")
    release.set()
    workers.wait()
    qtbot.wait(20)
    assert results == ["new"]  # the older one came back and was dropped
    workers.latest("list", lambda: time.sleep(0.05) or "gone", results.append)
    assert workers.pending("list")
    workers.drop_latest("list")
    workers.wait()
    qtbot.wait(20)
    assert results == ["new"] and not workers.pending("list")
