"""The shown document's translation: the early job, priorities, cancel, edits, translating on
demand, the target language."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt

from reader.core import library
from reader.core.library import mark_opened
from reader.core.storage import open_database
from tests.app_support import (
    WAIT_MS,
    clear_translation_cache,
    long_document,
    make_window,
    open_and_wait,
    wait_translated,
    wait_translated_or_cancel,
)
from tests.conftest import SAMPLE


@pytest.fixture
def window(qtbot):
    return make_window(qtbot)


def test_opening_shows_both_panes_and_translates_everything(qtbot, window, installed_vi_en) -> None:
    opened = open_and_wait(qtbot, window, SAMPLE)
    view = window.document_view
    assert window.stack.currentWidget() is view
    assert opened.route is not None and not view.missing_model_shown
    assert len(view.text.document.blocks) == view.geometry_rows.count > 10
    stats = wait_translated(qtbot, window)
    assert stats.done == stats.sentences == view.text.document.sentence_count
    assert len(view.text.sentences) == stats.sentences
    assert "Original — Vietnamese" in view.source_header.text()
    assert "Translation — English" in view.target_header.text()
    assert window.windowTitle().startswith(opened.document.title)
    assert not window.status.progress_bar.isVisible()
    assert not window.menu_actions.resume.isEnabled()  # nothing left to translate
    assert not window.menu_actions.cancel.isEnabled()


def test_the_translation_starts_while_the_document_is_stored(
    qtbot, window, installed_vi_en, tmp_path, monkeypatch
) -> None:

    from reader.core.translate.service import TranslationJob

    jobs, running = [], threading.Event()
    run, store = TranslationJob.run, library.store_document

    def recording(job):
        jobs.append(job)
        running.set()
        return run(job)

    def storing(database, document):
        assert running.wait(WAIT_MS / 1000), "no translation before the document was stored"
        return store(database, document)

    monkeypatch.setattr(TranslationJob, "run", recording)
    monkeypatch.setattr(library, "store_document", storing)
    opened = open_and_wait(qtbot, window, long_document(tmp_path, 300))
    assert window.document_view.text.document is opened.document
    stats = wait_translated(qtbot, window)
    assert stats.done == stats.sentences == opened.document.sentence_count
    assert len(jobs) == 1  # the job started early is the one that translated it
    assert len(window.document_view.text.sentences) == stats.sentences
    assert window.document_view.fully_measured  # the rest was measured once the screen was


def test_an_early_start_for_a_file_no_longer_wanted_is_ignored(
    qtbot, window, installed_vi_en, tmp_path
) -> None:
    from reader.core.reading import open_file

    late: list = []
    open_file(window.context, SAMPLE, None, None, "en", on_translatable=late.append)
    current = window.opener.generation + 1  # the number the next open_path gets
    opened = open_and_wait(qtbot, window, long_document(tmp_path, 1500))
    window.opener.early.ready.emit(current - 1, late[0])  # an earlier open's, arriving late
    qtbot.wait(50)
    assert window.translation.early_runner is None
    assert (
        window.translation.runner is not None
        and window.translation.runner.document is opened.document
    )
    window.opener.early.ready.emit(current, late[0])  # this open's: taken (dropped on close)
    assert (
        window.translation.early_runner is not None
        and window.translation.early_runner.document is late[0].document
    )
    wait_translated_or_cancel(qtbot, window)


def test_visible_blocks_are_translated_first(qtbot, window, installed_vi_en, tmp_path) -> None:
    path = long_document(tmp_path, 300)
    # Open once to add it to the library, then leave the reader at block 200.
    first = open_and_wait(qtbot, window, path)
    wait_translated_or_cancel(qtbot, window)
    database = open_database()
    mark_opened(database, first.document_id, reading_block=200)
    database.close()
    # Forget the cache so the reopened document must be translated again.
    window.context.database()  # (same file)
    clear_translation_cache()
    arrivals: list[int] = []
    window.document_opened.connect(
        lambda opened: window.translation.runner.sentences_ready.connect(
            lambda batch: arrivals.extend(s.block_index for s in batch if not s.cached)
        )
    )
    open_and_wait(qtbot, window, path)
    assert window.document_view.top_block() == 200
    qtbot.waitUntil(lambda: len(arrivals) > 0, timeout=WAIT_MS)
    visible = window.document_view.visible_blocks()
    assert arrivals[0] in visible and arrivals[0] >= 200
    window.translation.cancel()
    wait_translated(qtbot, window)


def test_scrolling_reprioritises_the_running_job(qtbot, window, installed_vi_en, tmp_path) -> None:
    open_and_wait(qtbot, window, long_document(tmp_path, 300))
    view = window.document_view
    with qtbot.waitSignal(view.visible_blocks_changed, timeout=WAIT_MS) as changed:
        view.scroll_to_block(250)
    assert 250 in changed.args[0]
    window.translation.cancel()
    wait_translated(qtbot, window)


def test_cancel_stops_the_translation(qtbot, window, installed_vi_en, tmp_path) -> None:
    open_and_wait(qtbot, window, long_document(tmp_path, 1500))
    assert window.status.cancel_button.isVisible()
    qtbot.mouseClick(window.status.cancel_button, Qt.MouseButton.LeftButton)
    stats = wait_translated(qtbot, window)
    assert stats.cancelled and stats.done < stats.sentences
    assert not window.status.progress_bar.isVisible()
    assert "cancelled" in window.statusBar().currentMessage()
    assert window.menu_actions.resume.isEnabled()


def test_an_edit_is_kept_over_later_retranslation(qtbot, window, installed_vi_en) -> None:
    opened = open_and_wait(qtbot, window, SAMPLE)
    wait_translated(qtbot, window)
    view = window.document_view
    window.translation.save_translation(3, 0, "My own translation.")
    qtbot.waitUntil(lambda: view.text.sentences[(3, 0)].translation == "My own translation.")
    assert view.text.sentences[(3, 0)].edited
    assert view.text.target(3).states[0] == "edited"  # painted with the edited mark
    # Reopen: the cache is delivered again and the machine would retranslate; the edit stays.
    clear_translation_cache()
    open_and_wait(qtbot, window, SAMPLE)
    wait_translated(qtbot, window)
    sentence = window.document_view.text.sentences[(3, 0)]
    assert (sentence.translation, sentence.edited) == ("My own translation.", True)
    assert window.opened.document_id == opened.document_id
    # An empty edit reverts to the machine translation.
    window.translation.save_translation(3, 0, "")
    qtbot.waitUntil(lambda: not window.document_view.text.sentences[(3, 0)].edited)


def test_translate_selection_shows_a_popup(qtbot, window, installed_vi_en) -> None:
    open_and_wait(qtbot, window, SAMPLE)
    wait_translated(qtbot, window)
    view = window.document_view
    view.select_source((3, 0), (3, 20))
    window.translate_selection()
    qtbot.waitUntil(lambda: window.popup.label.text() not in ("", "Translating…"), timeout=WAIT_MS)
    assert window.popup.isVisible()


def test_changing_the_target_language_shows_the_missing_model_state(qtbot, window, installed_vi_en):
    open_and_wait(qtbot, window, SAMPLE)
    wait_translated(qtbot, window)
    window.menus.target.aboutToShow.emit()
    labels = [action.text() for action in window.menus.target.actions()]
    assert "English (en)" in labels and "&Other…" in labels
    with qtbot.waitSignal(window.document_opened, timeout=WAIT_MS) as opened:
        window.set_target_language("fr")
    assert opened.args[0].target_language == "fr" and opened.args[0].route is None
    assert window.document_view.missing_model_shown
    assert "Vietnamese → French" in window.document_view.missing_panel.message.text()
    # Remembered for this document: reopening from the library keeps French.
    with qtbot.waitSignal(window.document_opened, timeout=WAIT_MS) as reopened:
        window.opener.open_library_entry(opened.args[0].document_id)
    assert reopened.args[0].target_language == "fr"


def test_editing_a_translation_updates_its_notes_in_the_panel(
    qtbot, window, installed_vi_en
) -> None:
    from reader.core.notes.service import SentenceTranslation, annotate_translation_selection

    opened = open_and_wait(qtbot, window, SAMPLE)
    wait_translated(qtbot, window)
    machine = window.document_view.text.sentences[(3, 0)].translation
    quote = machine.split()[0]
    database = open_database()
    annotate_translation_selection(
        database,
        opened.document_id,
        3,
        0,
        SentenceTranslation(machine, opened.route.key),
        0,
        len(quote),
        colour="green",
    )
    database.close()
    panel = window.notes_panel
    panel.reload()
    qtbot.waitUntil(lambda: not panel.loading and panel.list.count() == 1, timeout=WAIT_MS)
    assert not panel.list.item(0).text().startswith("⚠ orphan")
    window.translation.save_translation(3, 0, "Nothing of the machine's words is left here.")
    qtbot.waitUntil(
        lambda: not panel.loading and panel.list.item(0).text().startswith("⚠ orphan"),
        timeout=WAIT_MS,
    )


def test_translation_edits_are_undone_and_redone_with_ctrl_z(
    qtbot, window, installed_vi_en
) -> None:
    open_and_wait(qtbot, window, SAMPLE)
    wait_translated(qtbot, window)
    sentences = window.document_view.text.sentences
    machine = sentences[(3, 0)].translation

    def shown(text: str, edited: bool) -> None:
        qtbot.waitUntil(
            lambda: (sentences[(3, 0)].translation, sentences[(3, 0)].edited) == (text, edited),
            timeout=WAIT_MS,
        )

    window.translation.save_translation(3, 0, "First.")
    shown("First.", True)
    window.translation.save_translation(3, 0, "Second.")
    shown("Second.", True)
    stack = window.notes_panel.undo_stack
    assert stack.undoText() == "Edit translation"
    stack.undo()
    shown("First.", True)
    stack.undo()
    shown(machine, False)  # before any edit: the machine's again
    stack.redo()
    shown("First.", True)
