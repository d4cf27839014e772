"""The library view: language pair, reading and translation progress, last opened; sort and
filter; rename, remove with undo, details; it loads itself and refreshes from change sets."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reader.app.context import AppContext
from reader.app.library_view import LibraryView, progress_text
from reader.app.ops import ChangeBus
from reader.app.workers import Workers
from reader.core.library import LibraryEntry, list_documents_with_progress
from reader.core.reading import open_file
from tests.app_support import WAIT_MS
from tests.conftest import SAMPLE


def row(**changes) -> LibraryEntry:
    values = dict(
        id=1,
        title="Doc",
        path="/x.txt",
        language="vi",
        target_language="en",
        format="txt",
        sentences=40,
        added_at=datetime(2024, 1, 1, tzinfo=UTC),
        opened_at=datetime(2024, 1, 2, 3, 4, tzinfo=UTC),
        reading_block=0,
        translated=10,
        blocks=11,
    )
    values.update(changes)
    return LibraryEntry(**values)


def load_library_rows(context: AppContext) -> list[LibraryEntry]:
    return list_documents_with_progress(context.database(), context.service())


def test_rows_show_pair_progress_and_last_opened(qtbot) -> None:
    view = LibraryView()
    qtbot.addWidget(view)
    view.set_rows(
        [row(), row(id=2, title="New", target_language=None, translated=None, opened_at=None)]
    )
    table = view.table
    assert table.rowCount() == 2
    assert table.item(0, 1).text() == "Vietnamese → English"
    assert table.item(0, 3).text() == "25%"
    assert table.item(1, 3).text() == "—"
    assert table.item(1, 4).text() == "never"
    assert progress_text(row(sentences=0)) == "—"


def test_activating_a_row_asks_to_open_it(qtbot) -> None:
    view = LibraryView()
    qtbot.addWidget(view)
    view.set_rows([row(id=7)])
    with qtbot.waitSignal(view.open_requested) as requested:
        view.table.itemActivated.emit(view.table.item(0, 0))
    assert requested.args == [7]


def test_empty_library_says_how_to_start_only_once_loaded(qtbot) -> None:
    view = LibraryView()
    qtbot.addWidget(view)
    view.show()
    assert "Loading" in view.empty_label.text()  # not "empty" before anything was read
    view.set_rows([])
    assert view.empty_label.isVisible() and not view.table.isVisible()
    assert "empty" in view.empty_label.text()


def test_load_rows_counts_cached_translations(installed_vi_en) -> None:
    context = AppContext()
    try:
        opened = open_file(context, SAMPLE, None, None, "en")
        assert load_library_rows(context)[0].translated == 0
        service = context.service()
        service.create_job(opened.document, opened.route, on_sentences=lambda batch: None).run()
        rows = load_library_rows(context)
        assert [(r.id, r.language, r.target_language) for r in rows] == [
            (opened.document_id, "vi", "en")
        ]
        assert rows[0].translated == rows[0].sentences == opened.document.sentence_count
    finally:
        context.close()


def test_load_rows_counts_what_the_reader_would_show_for_the_current_model(
    installed_vi_en, monkeypatch
) -> None:
    """Part of the sample cached by the installed model, one sentence edited; then the model is
    upgraded (a new route key) and the beam changed: only the edit is left."""
    from dataclasses import replace

    from reader.core.translate import cache
    from reader.core.translate.service import decoding_options, terms_key

    context = AppContext()
    try:
        opened = open_file(context, SAMPLE, None, None, "en")
        service, document, route = context.service(), opened.document, opened.route
        sentences = [sentence for _, sentence in document.iter_sentences()]
        stage = service.terms_stage(document, route)  # as the reader stores them
        terms = {
            cache.source_hash(s.text): terms_key(stage.prepare(s.text)) for s in sentences[:10]
        }
        with context.database().session() as session:
            cache.store(
                session,
                route.key,
                decoding_options(service.beam_size),
                dict.fromkeys(terms, "done"),
                terms,
            )
        block, sentence = list(document.iter_sentences())[-1]  # not among the cached ones
        service.save_edit(document, block.index, sentence.index, "mine", to_code="en")
        expected = len(service.cached_translations(document, route))
        assert 10 < expected < len(sentences)
        [row] = load_library_rows(context)
        assert (row.translated, row.sentences) == (expected, len(sentences))

        upgraded = replace(route, models=(replace(route.models[0], version="2.0"),))
        with monkeypatch.context() as patch:
            patch.setattr(service, "route", lambda source, target: upgraded)
            assert load_library_rows(context)[0].translated == 1
        with monkeypatch.context() as patch:
            patch.setattr(service, "beam_size", service.beam_size + 1)
            assert load_library_rows(context)[0].translated == 1
        assert load_library_rows(context)[0].translated == expected
    finally:
        context.close()


def test_load_rows_without_a_model_for_the_pair_shows_no_progress(bireader_home) -> None:
    context = AppContext()
    try:
        opened = open_file(context, SAMPLE, None, None, "en")
        assert opened.route is None
        [row] = load_library_rows(context)
        assert (row.id, row.translated, progress_text(row)) == (opened.document_id, None, "—")
        assert row.sentences == opened.document.sentence_count
    finally:
        context.close()


def test_rename_asks_for_a_title_and_reports_it(qtbot, monkeypatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    view = LibraryView()
    qtbot.addWidget(view)
    view.set_rows([row(id=3, title="CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")])
    view.table.selectRow(0)
    asked = {}

    def answer(parent, title, label, text=""):
        asked["shown"] = text
        return "Nghị định 145/2020/NĐ-CP", True

    monkeypatch.setattr(QInputDialog, "getText", answer)
    requested = []
    monkeypatch.setattr(view, "rename", lambda *args: requested.append(args))
    view.rename_action.trigger()
    assert asked["shown"] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert requested == [(3, "Nghị định 145/2020/NĐ-CP")]


def test_sorts_by_title_added_progress_and_filters_by_language_format_tag(qtbot) -> None:
    view = LibraryView()
    qtbot.addWidget(view)
    view.set_rows(
        [
            row(id=1, title="b", format="pdf", reading_block=10, tags=("law",)),
            row(id=2, title="A", language="en", added_at=datetime(2025, 1, 1, tzinfo=UTC)),
            row(id=3, title="c", opened_at=None, format="epub"),
        ]
    )

    def shown(box=None, value=None) -> list[int]:
        if box is not None:
            box.setCurrentIndex(box.findData(value))
        return [entry.id for entry in view.rows]

    assert shown(view.sort_box, "title") == [2, 1, 3]  # case-insensitive
    assert shown(view.sort_box, "added") == [2, 1, 3]
    assert shown(view.sort_box, "progress") == [1, 2, 3]  # never opened: last
    assert view.table.item(0, 2).text() == "100%"
    assert shown(view.language_filter, "en") == [2]
    assert shown(view.language_filter, "") == [1, 2, 3]
    assert shown(view.format_filter, "pdf") == [1]
    assert shown(view.format_filter, "") == [1, 2, 3]
    assert shown(view.tag_filter, "law") == [1]
    assert view.tag_filter.isHidden()  # one tag only: nothing to choose from... until chosen
    view.tag_filter.setCurrentIndex(0)
    view.language_filter.setCurrentIndex(view.language_filter.findData("en"))
    view.format_filter.setCurrentIndex(view.format_filter.findData("epub"))
    assert view.rows == [] and "No document matches" in view.empty_label.text()


def test_the_details_pane_shows_file_format_languages_sizes_dates_and_ocr(qtbot) -> None:
    view = LibraryView()
    qtbot.addWidget(view)
    view.set_rows([row(ocr=True, format="pdf", file_size=2048, tags=("x",))])
    view.table.selectRow(0)
    details = view.details.text()
    for expected in ("/x.txt", "PDF (read by OCR)", "Vietnamese → English", "2.0 KB", "#x"):
        assert expected in details
    assert "11 paragraphs, 40 sentences" in details and "2024-01-0" in details


@pytest.fixture
def attached(qtbot, bireader_home):
    context, workers = AppContext(), Workers()
    bus = ChangeBus()
    view = LibraryView()
    qtbot.addWidget(view)
    view.attach(workers, bus, context)
    yield view, context, bus
    workers.wait()
    context.close()


def test_an_attached_view_loads_when_shown_and_after_library_changes_only(qtbot, attached):
    view, context, bus = attached
    opened = open_file(context, SAMPLE, None, None, "en")
    with qtbot.waitSignal(view.loaded, timeout=WAIT_MS):
        view.show()
    assert [entry.id for entry in view.rows] == [opened.document_id]
    from reader.core.changes import Changes

    with qtbot.assertNotEmitted(view.loaded, wait=100):
        bus.changed.emit(Changes(annotations=frozenset({1})), None)
    with qtbot.waitSignal(view.loaded, timeout=WAIT_MS):
        view.rename(opened.document_id, "Báo cáo")
    assert view.rows[0].title == "Báo cáo"


def test_remove_is_undone_with_the_document_its_title_and_notes(qtbot, attached):
    from reader.core.notes.service import annotate_selection, list_annotations

    view, context, _bus = attached
    opened = open_file(context, SAMPLE, None, None, "en")
    annotate_selection(context.database(), opened.document_id, 3, 0, 15, note="giữ")
    with qtbot.waitSignal(view.loaded, timeout=WAIT_MS):
        view.show()
    view.table.selectRow(0)
    with qtbot.waitSignal(view.loaded, timeout=WAIT_MS):
        view.remove_action.trigger()
    assert view.rows == [] and view.undo_bar.isVisible()
    assert "Ctrl+Z" in view.undo_label.text()
    with qtbot.waitSignal(view.loaded, timeout=WAIT_MS):
        view.undo_stack.undo()
    assert [entry.id for entry in view.rows] == [opened.document_id]
    [note] = list_annotations(context.database(), opened.document_id)
    assert note.note == "giữ" and view.undo_bar.isHidden()
    with qtbot.waitSignal(view.loaded, timeout=WAIT_MS):
        view.undo_stack.redo()
    assert view.rows == []
