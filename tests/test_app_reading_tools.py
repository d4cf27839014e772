"""PDF export, printing's preparation, bookmarks (Ctrl+B) and the model manager in the main
window: the menus, and each piece end to end with the real engine and the copy model."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from reader.core.notes.bookmarks import list_bookmarks
from reader.core.notes.service import annotate_selection
from tests.app_support import WAIT_MS, make_window, open_and_wait, wait_translated
from tests.conftest import SAMPLE, SHARED

COPY_MODEL = SHARED / "models" / "translate-vi_en-copy.argosmodel"


@pytest.fixture
def window(qtbot):
    return make_window(qtbot)


@pytest.fixture
def copy_model(bireader_home):
    from reader.core.translate.packages import install_package_file

    return install_package_file(COPY_MODEL)


def _menu_texts(window) -> dict[str, list[str]]:
    return {
        action.text().replace("&", ""): [a.text().replace("&", "") for a in action.menu().actions()]
        for action in window.menuBar().actions()
        if action.menu() is not None
    }


def test_the_menus_offer_pdf_print_bookmarks_and_the_model_manager(window) -> None:
    menus = _menu_texts(window)
    file_menu = menus["File"]
    assert file_menu.index("Export as PDF…") == file_menu.index("Export Bilingual…") + 1
    assert "Print…" in file_menu and "Add Bookmark" in menus["Edit"]
    assert "Bookmarks" in menus["View"] and "Manage Models…" in menus["Translation"]
    tools = window.tools
    assert tools.add_bookmark_action.shortcut().toString() == "Ctrl+B"
    assert not tools.pdf_action.isEnabled()  # nothing open yet


def test_ctrl_b_bookmarks_the_current_sentence_and_the_panel_jumps(qtbot, window, copy_model):
    opened = open_and_wait(qtbot, window, SAMPLE)
    wait_translated(qtbot, window)
    view = window.document_view
    view.set_current(5, 0)
    panel = window.tools.ensure_bookmarks_panel()
    with qtbot.waitSignal(panel.loaded, timeout=WAIT_MS):
        window.tools.add_bookmark_action.trigger()
    (bookmark,) = list_bookmarks(window.context.database(), opened.document_id)
    assert (bookmark.block_index, bookmark.sentence_index) == (5, 0)
    assert panel.isVisible() and panel.list.count() == 1
    view.set_current(0, 0)
    panel.list.setCurrentRow(0)
    panel.list.itemClicked.emit(panel.list.item(0))
    assert view.current == (5, 0)
    window.show_library()  # the library shows no document's bookmarks
    assert not panel.isVisible() and panel.list.count() == 0
    open_and_wait(qtbot, window, SAMPLE)
    qtbot.waitUntil(lambda: panel.isVisible() and panel.list.count() == 1, timeout=WAIT_MS)


def test_pdf_export_from_the_window_carries_the_highlights_note(
    qtbot, window, copy_model, tmp_path
) -> None:
    opened = open_and_wait(qtbot, window, SAMPLE)
    wait_translated(qtbot, window)
    block = opened.document.blocks[3]
    annotate_selection(
        window.context.database(), opened.document_id, 3, 0, 12, note="Ghi chú của tôi"
    )
    output = tmp_path / "sample.pdf"
    printing = window.tools.printing
    with qtbot.waitSignal(printing.finished, timeout=WAIT_MS) as finished:
        printing.write_pdf(output, "interleaved")
    assert finished.args[0] == output
    pdf = pdfium.PdfDocument(output)
    text = " ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    pdf.close()
    words = " ".join(text.split())
    assert "Ghi chú của tôi" in words and " ".join(block.text.split())[:40] in words
    assert "Exported to" in window.statusBar().currentMessage()


def test_the_html_export_from_the_window_marks_the_highlight(
    qtbot, window, copy_model, tmp_path
) -> None:
    opened = open_and_wait(qtbot, window, SAMPLE)
    wait_translated(qtbot, window)
    annotate_selection(window.context.database(), opened.document_id, 3, 0, 12)
    output = tmp_path / "sample.html"
    with qtbot.waitSignal(window.exports.finished, timeout=WAIT_MS):
        window.exports.export(opened, output, "html", "side-by-side")
    page = output.read_text(encoding="utf-8")
    assert f'<mark class="yellow">{opened.document.blocks[3].text[:12]}</mark>' in page


def test_the_model_manager_opens_for_the_documents_languages(qtbot, window, copy_model) -> None:
    open_and_wait(qtbot, window, SAMPLE)
    window.tools.show_model_manager()
    manager = window.tools.model_manager
    qtbot.waitUntil(lambda: manager.installed_tree.topLevelItemCount() == 1, timeout=WAIT_MS)
    assert manager.isVisible() and manager.languages == ("vi", "en")
    assert manager.filter_box.isChecked()
    manager.close()
