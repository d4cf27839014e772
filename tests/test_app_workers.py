"""Background work: tasks report through signals; translation results arrive batched on the
GUI thread; documents are prepared off the GUI thread."""

from __future__ import annotations

import threading

import pytest

from reader.app.context import AppContext
from reader.app.workers import FLUSH_INTERVAL_MS, TranslationRunner, Workers, error_message
from reader.core.errors import InputError
from reader.core.reading import default_target, open_file, open_library_document
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


def test_open_file_says_early_what_to_translate_before_storing_the_document(
    installed_vi_en, context, tmp_path, monkeypatch
) -> None:
    from reader.core.documents import loader
    from reader.core.library import list_documents

    events: list = []
    segment = loader.split_sentences

    def segmenting(text, language):
        if not events or events[-1] != "segmenting":
            events.append("segmenting")
        return segment(text, language)

    monkeypatch.setattr(loader, "split_sentences", segmenting)

    def translatable(early) -> None:
        events.append(early)
        assert list_documents(context.database()) == []  # not stored yet

    path = long_document(tmp_path, 30)
    opened = open_file(
        context, path, None, None, "en", on_route=events.append, on_translatable=translatable
    )
    route, segmenting_step, early = events
    assert segmenting_step == "segmenting"  # the model can load while the text is segmented
    assert (route.from_code, route.to_code) == ("vi", "en") and route == opened.route
    assert early.document is opened.document and early.cached is opened.cached == {}
    assert early.priority[0] == 0  # a new document is read from the top
    assert [entry.id for entry in list_documents(context.database())] == [opened.document_id]


def test_an_early_start_begins_at_the_reading_position(installed_vi_en, context, tmp_path):
    from reader.core.library import mark_opened

    path = long_document(tmp_path, 30)
    first = open_file(context, path, None, None, "en")
    mark_opened(context.database(), first.document_id, reading_block=12)
    starts = []
    open_file(context, path, None, None, "en", on_translatable=starts.append)
    assert starts[0].priority[0] == 12


def test_nothing_is_started_early_without_a_model_or_with_everything_cached(
    context, tmp_path, installed_vi_en
) -> None:
    path = long_document(tmp_path, 3)
    calls: list = []
    opened = open_file(context, path, None, "fr", "en", calls.append, calls.append)
    assert opened.route is None and calls == []  # no vi→fr model
    opened = open_file(context, path, None, "en", "en")
    service = context.service()
    service.translate_sentences(opened.route, [s.text for _, s in opened.document.iter_sentences()])
    opened = open_file(context, path, None, "en", "en", on_translatable=calls.append)
    assert len(opened.cached) == opened.document.sentence_count and calls == []


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
