"""The library list: language pair, progress, last opened; activation opens a document."""

from __future__ import annotations

from datetime import UTC, datetime

from reader.app.library_view import LibraryRow, LibraryView, load_library_rows, progress_text
from reader.app.workers import AppContext, open_file
from tests.conftest import SAMPLE


def row(**changes) -> LibraryRow:
    values = dict(
        id=1,
        title="Doc",
        path="/x.txt",
        language="vi",
        target_language="en",
        sentences=40,
        translated=10,
        opened_at=datetime(2024, 1, 2, 3, 4, tzinfo=UTC),
    )
    values.update(changes)
    return LibraryRow(**values)


def test_rows_show_pair_progress_and_last_opened(qtbot) -> None:
    view = LibraryView()
    qtbot.addWidget(view)
    view.set_rows(
        [row(), row(id=2, title="New", target_language=None, translated=None, opened_at=None)]
    )
    table = view.table
    assert table.rowCount() == 2
    assert table.item(0, 1).text() == "Vietnamese → English"
    assert table.item(0, 2).text() == "25%"
    assert table.item(1, 2).text() == "—"
    assert table.item(1, 3).text() == "never"
    assert progress_text(row(sentences=0)) == "—"


def test_activating_a_row_asks_to_open_it(qtbot) -> None:
    view = LibraryView()
    qtbot.addWidget(view)
    view.set_rows([row(id=7)])
    with qtbot.waitSignal(view.open_requested) as requested:
        view.table.itemActivated.emit(view.table.item(0, 0))
    assert requested.args == [7]


def test_empty_library_says_how_to_start(qtbot) -> None:
    view = LibraryView()
    qtbot.addWidget(view)
    view.show()
    assert view.empty_label.isVisible() and not view.table.isVisible()


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
        stage = service.terms_stage(document, route)  # as the reader stores them: hook: terms
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
    with qtbot.waitSignal(view.rename_requested) as requested:
        view.table.actions()[0].trigger()
    assert asked["shown"] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert requested.args == [3, "Nghị định 145/2020/NĐ-CP"]
