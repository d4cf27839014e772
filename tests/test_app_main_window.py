"""The main window end to end, with the real engine and the tiny real Argos package."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent

from reader.app.document_view import SOURCE, TARGET
from reader.core import library
from reader.core.library import mark_opened
from reader.core.storage import open_database
from tests.app_support import (
    WAIT_MS,
    long_document,
    make_window,
    open_and_wait,
    wait_highlights,
    wait_translated,
)
from tests.conftest import SAMPLE
from tests.range_server import RangeServer


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
    assert not window.progress_bar.isVisible()


def test_the_translation_starts_while_the_document_is_stored(
    qtbot, window, installed_vi_en, tmp_path, monkeypatch
) -> None:
    import threading

    from reader.core import library
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
    from reader.app.workers import open_file

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
    assert window.cancel_button.isVisible()
    qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    stats = wait_translated(qtbot, window)
    assert stats.cancelled and stats.done < stats.sentences
    assert not window.progress_bar.isVisible()
    assert "cancelled" in window.statusBar().currentMessage()
    assert window.actions.resume.isEnabled()


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


def test_missing_model_offers_download_and_install_from_file(
    qtbot, window, argos_package_file
) -> None:
    open_and_wait(qtbot, window, SAMPLE)
    view = window.document_view
    assert view.missing_model_shown
    assert "Vietnamese → English" in view.missing_panel.message.text()
    assert view.missing_panel.download_button.text().startswith(
        "Download ("
    )  # size from the catalogue
    assert window.actions.download.isEnabled()
    with qtbot.waitSignal(window.document_opened, timeout=WAIT_MS):
        window.models.install_file(argos_package_file)
    assert not view.missing_model_shown
    stats = wait_translated(qtbot, window)
    assert stats.done == stats.sentences


def test_download_error_is_shown_and_retry_works(qtbot, window, argos_package_file) -> None:
    opened = open_and_wait(qtbot, window, SAMPLE)
    body = argos_package_file.read_bytes()
    panel = window.document_view.missing_panel
    with RangeServer() as server:
        opened.download = replace(
            opened.download,
            links=(server.url("/vi_en.argosmodel"),),
            size=len(body),
            sha256=None,
            version="1.0",  # the fixture package's version
        )
        qtbot.mouseClick(
            panel.download_button, Qt.MouseButton.LeftButton
        )  # server has no file: 404
        qtbot.waitUntil(lambda: panel.error.isVisible(), timeout=WAIT_MS)
        assert "cannot download" in panel.error.text()
        assert panel.download_button.isEnabled()
        server.behaviour.files["/vi_en.argosmodel"] = body
        with qtbot.waitSignal(window.document_opened, timeout=WAIT_MS):
            qtbot.mouseClick(panel.download_button, Qt.MouseButton.LeftButton)
    assert not window.document_view.missing_model_shown
    wait_translated(qtbot, window)


def test_reopen_from_the_library_fills_both_panes_from_the_cache(
    qtbot, window, installed_vi_en
) -> None:
    first = open_and_wait(qtbot, window, SAMPLE)
    wait_translated(qtbot, window)
    window.document_view.scroll_to_block(5)
    window.show_library()
    qtbot.waitUntil(lambda: len(window.library_view.rows) == 1, timeout=WAIT_MS)
    row = window.library_view.rows[0]
    assert row.translated == row.sentences  # 100 %
    with qtbot.waitSignal(window.document_opened, timeout=WAIT_MS) as reopened:
        window.opener.open_library_entry(first.document_id)
    opened = reopened.args[0]
    assert len(opened.cached) == opened.document.sentence_count
    assert window.translation.runner is None  # nothing left for the model
    assert window.document_view.visible_translated()
    assert window.document_view.top_block() == 5  # reading position restored


def test_dropping_a_file_opens_it(qtbot, window, installed_vi_en) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(SAMPLE))])
    buttons, modifiers = Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(50, 50), Qt.DropAction.CopyAction, mime, buttons, modifiers)
    enter.setAccepted(False)
    # Qt only routes drag events during a real platform drag: call the handlers as Qt would.
    window.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, buttons, modifiers)
    with qtbot.waitSignal(window.document_opened, timeout=WAIT_MS) as opened:
        window.dropEvent(drop)
    assert opened.args[0].document.source_path == SAMPLE.resolve()
    assert window.settings.recent_files[0] == str(SAMPLE.resolve())
    wait_translated(qtbot, window)


def test_dropping_something_else_is_refused(window) -> None:
    mime = QMimeData()
    mime.setText("just text")
    enter = QDragEnterEvent(
        QPoint(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    enter.setAccepted(False)
    window.dragEnterEvent(enter)
    assert not enter.isAccepted()


def test_shortcuts(qtbot, window, installed_vi_en) -> None:
    open_and_wait(qtbot, window, SAMPLE)
    wait_translated(qtbot, window)
    view = window.document_view
    window.activateWindow()
    view.source_pane.setFocus()
    qtbot.keyClick(view.source_pane, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert view.find_bar.isVisible() and view.find_bar.edit.hasFocus()
    qtbot.keyClicks(view.find_bar.edit, "BVCTNB")
    assert view.match_count > 0
    qtbot.keyClick(view.find_bar.edit, Qt.Key.Key_Escape)
    assert not view.find_bar.isVisible()
    size = window.settings.font_size
    qtbot.keyClick(view.source_pane, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert window.settings.font_size == size + 1
    qtbot.keyClick(view.source_pane, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert window.settings.font_size == size
    qtbot.keyClick(view.source_pane, Qt.Key.Key_J)
    assert view.current == (0, 0)
    qtbot.keyClick(view.source_pane, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.isVisible())


def test_translate_selection_shows_a_popup(qtbot, window, installed_vi_en) -> None:
    open_and_wait(qtbot, window, SAMPLE)
    wait_translated(qtbot, window)
    view = window.document_view
    view.select_source((3, 0), (3, 20))
    window.translate_selection()
    qtbot.waitUntil(lambda: window.popup.label.text() not in ("", "Translating…"), timeout=WAIT_MS)
    assert window.popup.isVisible()


def test_window_geometry_and_preferences_are_remembered(qtbot, installed_vi_en) -> None:
    first = make_window(qtbot, (900, 650))
    first.commands.set_synced(False)
    first.close()
    second = make_window(qtbot, (100, 100))
    second_size = second.settings.geometry("main")
    assert second_size is not None
    assert not second.actions.sync.isChecked() and not second.document_view.synced


def wait_translated_or_cancel(qtbot, window) -> None:
    window.translation.cancel()
    wait_translated(qtbot, window)


def clear_translation_cache() -> None:
    from sqlalchemy import delete

    from reader.core.translate.cache import CachedTranslationRow

    database = open_database()
    with database.session() as session:
        session.execute(delete(CachedTranslationRow))
    database.close()


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


# --- annotations, search, contents, export -----------------------------------------------------


def annotations_of(document_id: int) -> list:
    from reader.core.notes.service import list_annotations

    database = open_database()
    try:
        return list_annotations(database, document_id)
    finally:
        database.close()


def test_key_1_highlights_the_original_selection_on_both_panes_and_undo_removes_it(
    qtbot, window, installed_vi_en
) -> None:
    opened = open_and_wait(qtbot, window, SAMPLE)
    wait_translated(qtbot, window)
    wait_highlights(qtbot, window)
    view = window.document_view
    view.select_source((3, 0), (3, 15))
    window.activateWindow()
    view.source_pane.setFocus()
    with qtbot.waitSignal(window.annotations.highlights_shown, timeout=WAIT_MS):
        qtbot.keyClick(view.source_pane, Qt.Key.Key_1)
    (annotation,) = annotations_of(opened.document_id)
    block = opened.document.blocks[3]
    assert (annotation.side, annotation.colour) == ("original", "yellow")
    assert annotation.anchor.exact == block.text[:15]
    assert view.highlight_ranges(SOURCE, 3) == [(0, 15, "yellow", True)]
    # The translation of the sentence holding it gets a light tint of the same colour.
    assert view.highlight_ranges(TARGET, 3) == [(*view.text.target(3).ranges[0], "yellow", False)]
    qtbot.waitUntil(lambda: window.notes_panel.list.count() == 1, timeout=WAIT_MS)
    with qtbot.waitSignal(window.annotations.highlights_shown, timeout=WAIT_MS):
        qtbot.keyClick(view.source_pane, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert annotations_of(opened.document_id) == []
    assert view.highlight_ranges(SOURCE, 3) == view.highlight_ranges(TARGET, 3) == []
    qtbot.waitUntil(lambda: window.notes_panel.list.count() == 0, timeout=WAIT_MS)


def test_a_translation_selection_is_highlighted_with_its_origin(
    qtbot, window, installed_vi_en
) -> None:
    opened = open_and_wait(qtbot, window, SAMPLE)
    wait_translated(qtbot, window)
    wait_highlights(qtbot, window)
    view = window.document_view
    first, last = view.text.target(4).ranges[1]  # the second sentence of the caption
    view.select(TARGET, (4, first + 1), (4, min(last, first + 9)))
    selected = view.selected_text()
    with qtbot.waitSignal(window.annotations.highlights_shown, timeout=WAIT_MS):
        window.annotations.highlight_selection("blue")
    (annotation,) = annotations_of(opened.document_id)
    assert annotation.side == "translation" and annotation.quote == selected
    assert annotation.translation.sentence_index == 1
    assert annotation.translation.origin == opened.route.key
    assert (first + 1, first + 1 + len(selected), "blue", True) in view.highlight_ranges(TARGET, 4)
    # The original sentence it translates gets the light tint.
    source = opened.document.blocks[4].sentences[1]
    assert view.highlight_ranges(SOURCE, 4) == [(source.start, source.end, "blue", False)]


def test_nothing_selected_highlights_nothing(qtbot, window, installed_vi_en) -> None:
    opened = open_and_wait(qtbot, window, SAMPLE)
    window.annotations.highlight_selection("green")
    assert "Select some text" in window.statusBar().currentMessage()
    assert annotations_of(opened.document_id) == []


def test_activating_a_note_scrolls_to_it_and_selects_it(qtbot, window, tmp_path) -> None:
    from reader.core.notes.service import annotate_selection

    path = long_document(tmp_path, 200)
    opened = open_and_wait(qtbot, window, path)  # no model: the jump needs none
    database = open_database()
    annotate_selection(database, opened.document_id, 150, 4, 10, note="xem lại")
    database.close()
    view = window.document_view
    panel = window.notes_panel
    panel.reload()
    qtbot.waitUntil(lambda: panel.list.count() == 1, timeout=WAIT_MS)
    assert view.top_block() < 5
    panel.list.itemActivated.emit(panel.list.item(0))
    assert 150 in view.visible_blocks(view.source_pane)
    assert view.selection() == (SOURCE, (150, 4), (150, 10))
    assert view.selected_text() == opened.document.blocks[150].text[4:10]


def test_orphans_are_listed_after_reimporting_a_changed_file(qtbot, window, tmp_path) -> None:
    import shutil

    path = tmp_path / "bvctnb.txt"
    shutil.copy(SAMPLE, path)
    opened = open_and_wait(qtbot, window, path)
    wait_highlights(qtbot, window)
    quote = "Huân chương Lao động hạng Ba"
    start = opened.document.blocks[4].text.index(quote)
    window.document_view.select_source((4, start), (4, start + len(quote)))
    with qtbot.waitSignal(window.annotations.highlights_shown, timeout=WAIT_MS):
        window.annotations.highlight_selection("pink")
    assert window.document_view.highlight_ranges(SOURCE, 4)
    path.write_text(path.read_text(encoding="utf-8").replace(quote, "X"), encoding="utf-8")
    open_and_wait(qtbot, window, path)
    wait_highlights(qtbot, window)
    panel = window.notes_panel
    qtbot.waitUntil(lambda: not panel.loading and panel.list.count() == 1, timeout=WAIT_MS)
    line = panel.list.item(0).text()
    assert line.startswith("⚠ orphan") and quote in line
    assert window.document_view.highlight_ranges(SOURCE, 4) == []  # an orphan is not painted


def test_library_search_finds_folded_text_and_opens_the_hit(qtbot, window, tmp_path) -> None:
    sample = open_and_wait(qtbot, window, SAMPLE)
    other = tmp_path / "other.md"
    other.write_text("# Khác\n\nMột văn bản khác.\n", encoding="utf-8")
    open_and_wait(qtbot, window, other)
    control_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    window.activateWindow()
    window.document_view.source_pane.setFocus()
    qtbot.keyClick(window.document_view.source_pane, Qt.Key.Key_F, control_shift)
    assert window.search_panel.isVisible()
    with qtbot.waitSignal(window.search.finished, timeout=WAIT_MS) as finished:
        window.search_panel.edit.setText("viet")
        qtbot.keyClick(window.search_panel.edit, Qt.Key.Key_Return)
    hits = finished.args[0]
    assert hits and window.search_panel.results.count() == len(hits)
    hit = hits[0]
    assert hit.document_id == sample.document_id and "Việt Nam" in hit.snippet
    with qtbot.waitSignal(window.document_opened, timeout=WAIT_MS):
        window.search_panel.results.itemActivated.emit(window.search_panel.results.item(0))
    view = window.document_view
    assert window.opened.document_id == sample.document_id
    assert hit.block_index in view.visible_blocks(view.source_pane)
    side, (block, _start), _end = view.selection()
    assert (side, block) == (SOURCE, hit.block_index) and view.selected_text() == "Việt"


def test_contents_panel_lists_headings_and_scrolls_to_them(qtbot, window, tmp_path) -> None:
    filler = "\n\n".join(f"Đoạn văn số {n} về công tác bảo vệ chính trị." for n in range(60))
    path = tmp_path / "guide.md"
    path.write_text(
        f"# Hướng dẫn\n\n{filler}\n\n## Phần một\n\n{filler}\n\n### Chi tiết\n\n{filler}\n",
        encoding="utf-8",
    )
    opened = open_and_wait(qtbot, window, path)
    panel = window.toc_panel
    assert panel.isVisible() and panel.entry_count == 3
    top = panel.tree.topLevelItem(0)
    detail = top.child(0).child(0)
    assert (top.text(0), detail.text(0)) == ("Hướng dẫn", "Chi tiết")
    block_index = next(b for level, title, b in opened.document.toc if title == "Chi tiết")
    assert opened.document.blocks[block_index].kind == "heading"
    qtbot.mouseClick(
        panel.tree.viewport(),
        Qt.MouseButton.LeftButton,
        pos=panel.tree.visualItemRect(detail).center(),
    )
    assert window.document_view.top_block() == block_index
    open_and_wait(qtbot, window, SAMPLE)  # a plain text: no contents
    assert not panel.isVisible()


def test_export_writes_a_bilingual_html_file(qtbot, window, installed_vi_en, tmp_path) -> None:
    from html.parser import HTMLParser

    opened = open_and_wait(qtbot, window, SAMPLE)
    wait_translated(qtbot, window)
    output = tmp_path / "out.html"
    with qtbot.waitSignal(window.exports.finished, timeout=WAIT_MS) as finished:
        window.exports.export(window.opened, output, "html", "side-by-side")
    assert finished.args[0] == output
    page = output.read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html")
    texts: list[str] = []
    parser = HTMLParser()
    parser.handle_data = texts.append
    parser.feed(page)
    parser.close()
    content = " ".join(texts)
    assert opened.document.blocks[3].text[:40] in content
    assert window.document_view.text.sentences[(3, 0)].translation[:30] in content
    assert "Exported" in window.statusBar().currentMessage()


def test_export_errors_are_shown_in_a_message_box(qtbot, window, installed_vi_en, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    open_and_wait(qtbot, window, SAMPLE)
    with qtbot.waitSignal(window.exports.finished, timeout=WAIT_MS) as finished:
        window.exports.export(window.opened, tmp_path / "missing" / "out.html")
    assert "does not exist" in finished.args[0]
    boxes = [box for box in window.findChildren(QMessageBox) if box.isVisible()]
    assert boxes and "does not exist" in boxes[0].text()
    assert window.actions.export.isEnabled()


def test_the_view_menu_shows_the_arrow_keys_too(window) -> None:
    assert "J" in window.actions.next.text() and "↓" in window.actions.next.text()
    assert "K" in window.actions.previous.text() and "↑" in window.actions.previous.text()


def test_add_note_saves_markdown_and_tags_on_the_selection(qtbot, window) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from reader.app.dialogs import NoteDialog

    opened = open_and_wait(qtbot, window, SAMPLE)
    wait_highlights(qtbot, window)
    window.document_view.select_source((3, 0), (3, 15))

    def fill_in() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, NoteDialog)
        dialog.editor.setPlainText("**Quan trọng**")
        dialog.tags_edit.setText("bvctnb, 2023")
        dialog.colour_box.setCurrentIndex(dialog.colour_box.findData("purple"))
        dialog.accept()

    QTimer.singleShot(0, fill_in)
    with qtbot.waitSignal(window.annotations.highlights_shown, timeout=WAIT_MS):
        window.annotations.add_note()
    (annotation,) = annotations_of(opened.document_id)
    assert (annotation.note, annotation.tags, annotation.colour) == (
        "**Quan trọng**",
        ("2023", "bvctnb"),
        "purple",
    )
    assert window.document_view.highlight_ranges(SOURCE, 3) == [(0, 15, "purple", True)]


def test_a_note_found_by_the_library_search_selects_what_it_annotates(qtbot, window) -> None:
    from reader.core.notes.service import annotate_selection

    opened = open_and_wait(qtbot, window, SAMPLE)
    database = open_database()
    annotate_selection(database, opened.document_id, 5, 10, 25, note="Ghi chú đặc biệt")
    database.close()
    with qtbot.waitSignal(window.search.finished, timeout=WAIT_MS) as finished:
        window.search.search("dac biet")
    (hit,) = finished.args[0]
    assert hit.kind == "note" and "<b>" not in hit.snippet
    window.search.open_hit(hit)
    view = window.document_view
    qtbot.waitUntil(lambda: view.selection() is not None, timeout=WAIT_MS)
    assert view.selection() == (SOURCE, (5, 10), (5, 25))


def test_a_selection_over_two_blocks_is_one_annotation_painted_on_both(qtbot, window) -> None:
    opened = open_and_wait(qtbot, window, SAMPLE)
    wait_highlights(qtbot, window)
    blocks = opened.document.blocks
    view = window.document_view
    view.select_source((3, 5), (4, 10))
    with qtbot.waitSignal(window.annotations.highlights_shown, timeout=WAIT_MS):
        window.annotations.highlight_selection("green")
    (annotation,) = annotations_of(opened.document_id)
    assert annotation.anchor.exact == blocks[3].text[5:] + "\n\n" + blocks[4].text[:10]
    assert view.highlight_ranges(SOURCE, 3) == [(5, len(blocks[3].text), "green", True)]
    assert view.highlight_ranges(SOURCE, 4) == [(0, 10, "green", True)]


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


def test_renaming_in_the_library_stores_the_title_off_the_gui_thread(
    qtbot, window, monkeypatch
) -> None:
    on_gui_thread: list[bool] = []
    rename = library.rename_document

    def recording(*args, **kwargs):
        on_gui_thread.append(threading.current_thread() is threading.main_thread())
        return rename(*args, **kwargs)

    monkeypatch.setattr(library, "rename_document", recording)
    open_and_wait(qtbot, window, SAMPLE)
    window.show_library()
    qtbot.waitUntil(lambda: len(window.library_view.rows) == 1, timeout=WAIT_MS)
    document_id = window.library_view.rows[0].id
    window.opener.rename(document_id, "Báo cáo  tổng kết ")
    qtbot.waitUntil(
        lambda: window.library_view.rows[0].title == "Báo cáo tổng kết", timeout=WAIT_MS
    )
    assert on_gui_thread == [False]
