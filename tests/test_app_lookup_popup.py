"""The look-up popup (pytest-qt): a double-click on a word of the original shows the longest
headword's entry and the sentence's translation; "Add to vocabulary" saves it all."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt

from reader.app.lookup_popup import LookupController
from reader.app.reading.view import DocumentView
from reader.app.workers import Workers
from reader.core.dictionary.installed import install_dictionary
from reader.core.side import Side
from reader.core.vocabulary.service import list_words
from tests.reading_support import make_document, translated
from tests.stardict_builder import write_stardict

SOURCE, TARGET = Side.ORIGINAL, Side.TRANSLATION

SENTENCE = "Ban Bí thư chỉ đạo công tác bảo vệ chính trị nội bộ."
VI_EN = {
    "bảo": "to tell",
    "bảo vệ": "<b>to protect</b>",
    "Ban Bí thư": "the Secretariat",
    "công tác": "work",
}


@pytest.fixture
def dictionaries(tmp_path: Path) -> None:
    write_stardict(tmp_path / "vi", VI_EN, bookname="Việt–Anh", types="h")
    install_dictionary(tmp_path / "vi", "vi", "en")
    write_stardict(tmp_path / "en", {"protect": "bảo vệ"}, bookname="Anh–Việt")
    install_dictionary(tmp_path / "en", "en", "vi")


@pytest.fixture
def reading(qtbot, database, dictionaries):
    view = DocumentView()
    qtbot.addWidget(view)
    view.resize(900, 500)
    view.show()
    qtbot.waitExposed(view)
    document = make_document([[SENTENCE, "Câu thứ hai."]])
    view.set_document(document, translated(document, lambda text: f"EN: {text} to protect"))
    workers = Workers()
    controller = LookupController(view, workers, lambda: database, view)
    controller.set_document(None, "vi", "en")
    yield view, controller
    controller.popup.hide()
    workers.wait()
    controller.close()


def _point(view: DocumentView, side: int, position: int) -> QPoint:
    layout, origin = view.layout_for(side, 0), view.text_origin(side, 0)
    line = layout.lineForTextPosition(position)
    x = origin.x() + line.cursorToX(position)[0] + 2
    return QPoint(round(x), round(origin.y() + line.y() + line.height() / 2))


def test_double_click_on_a_syllable_shows_the_longest_word(qtbot, reading):
    view, controller = reading
    view.ensure_layout()
    with qtbot.waitSignal(controller.looked_up, timeout=5000) as shown:
        qtbot.mouseDClick(
            view.source_pane.viewport(),
            Qt.MouseButton.LeftButton,
            pos=_point(view, SOURCE, SENTENCE.index("bảo") + 1),
        )
    result = shown.args[0]
    assert result.word == "bảo vệ"
    popup = controller.popup
    assert popup.isVisible()
    assert "to protect" in popup.entry.toPlainText() and "Việt–Anh" in popup.entry.toPlainText()
    assert popup.entry.toHtml().count("font-weight") >= 1  # the article's <b> rendered
    assert f"EN: {SENTENCE} to protect" in popup.translation.text()


def test_add_to_vocabulary_saves_word_sentence_translation_entry(qtbot, reading, database):
    _view, controller = reading
    with qtbot.waitSignal(controller.looked_up, timeout=5000):
        controller.word_activated(SOURCE, 0, SENTENCE.index("Bí"))
    with qtbot.waitSignal(controller.vocabulary_changed, timeout=5000) as saved:
        qtbot.mouseClick(controller.popup.add_button, Qt.MouseButton.LeftButton)
    assert saved.args[0].vocabulary
    (entry,) = list_words(database)
    assert (entry.word, entry.sentence, entry.definition) == (
        "Ban Bí thư",
        SENTENCE,
        "the Secretariat",
    )
    assert entry.translation == f"EN: {SENTENCE} to protect"
    assert not controller.popup.add_button.isEnabled()


def test_the_translation_side_looks_up_in_the_target_languages_dictionary(qtbot, reading):
    view, controller = reading
    translation = view.text.text(TARGET, 0)
    with qtbot.waitSignal(controller.looked_up, timeout=5000) as shown:
        controller.word_activated(TARGET, 0, translation.index("protect"))
    result = shown.args[0]
    assert (result.word, result.request.side) == ("protect", Side.TRANSLATION)
    assert "bảo vệ" in controller.popup.entry.toPlainText()
    assert SENTENCE in controller.popup.translation.text()  # the original, beside it


def test_a_word_no_dictionary_has_says_so(qtbot, reading):
    _view, controller = reading
    with qtbot.waitSignal(controller.looked_up, timeout=5000) as shown:
        controller.word_activated(SOURCE, 0, SENTENCE.index("đạo"))
    assert shown.args[0].match is None
    assert "not in the installed dictionaries" in controller.popup.entry.toPlainText()


def test_ctrl_double_click_on_the_translation_looks_up_plain_double_click_edits(qtbot, reading):
    view, _controller = reading
    view.ensure_layout()
    translation = view.text.text(TARGET, 0)
    point = _point(view, TARGET, translation.index("protect") + 1)
    with qtbot.waitSignal(view.word_activated) as activated:
        qtbot.mouseDClick(
            view.target_pane.viewport(),
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.ControlModifier,
            pos=point,
        )
    assert activated.args[0] == TARGET
    with qtbot.waitSignal(view.edit_requested):
        qtbot.mouseDClick(view.target_pane.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_the_shelf_reopens_dictionaries_installed_meanwhile(tmp_path: Path):
    from reader.app.lookup_popup import DictionaryShelf
    from reader.core.dictionary.normalise import headword_key

    shelf = DictionaryShelf()
    write_stardict(tmp_path / "v1", {"nước": "water"}, bookname="Mine")
    install_dictionary(tmp_path / "v1", "vi", "en")
    assert shelf.of("vi")[0].lookup(headword_key("nước"))[0].fields[0].text == "water"
    write_stardict(tmp_path / "v2", {"nước": "water; country, nation"}, bookname="Mine")
    install_dictionary(tmp_path / "v2", "vi", "en")
    (dictionary,) = shelf.of("vi")
    assert dictionary.lookup(headword_key("nước"))[0].fields[0].text == "water; country, nation"
    shelf.close()
