"""The two aligned panes: counterpart offsets, level rows, hover, click, keyboard, synced
scrolling, find."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QHelpEvent,
    QMouseEvent,
    QPalette,
    QTextCharFormat,
)
from PySide6.QtWidgets import QApplication, QToolTip

from reader.app.reading.layout import table_row_tops
from reader.app.reading.reading_layout import ReadingLayout
from reader.app.reading.view import GLOSSARY_HINT, OCR_HINT, DocumentView
from reader.app.settings import DEFAULT_FONT_SIZE
from reader.core.documents.model import Block, BlockKind, Document, Sentence
from reader.core.notes.service import Highlight
from reader.core.side import Side
from tests.app_support import WAIT_MS, long_document, make_window, open_and_wait, wait_translated
from tests.reading_support import (
    LONG,
    SHORT,
    make_document,
    many_blocks,
    table_document,
    translated,
)


@pytest.fixture
def view(qtbot) -> DocumentView:
    widget = DocumentView()
    qtbot.addWidget(widget)
    widget.resize(900, 500)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


# --- the widget --------------------------------------------------------------------------------


def test_blocks_start_level_whatever_the_lengths(view: DocumentView) -> None:
    # Block 0: long original, short translation; block 1: the reverse.
    document = make_document([[LONG], [SHORT], [SHORT]])
    view.set_document(document, translated(document, lambda s: "Short." if s == LONG else LONG * 2))
    rows = view.geometry_rows
    heights = rows.side_heights
    assert (
        heights[Side.ORIGINAL.index][0] > heights[Side.TRANSLATION.index][0]
        and heights[Side.TRANSLATION.index][1] > heights[Side.ORIGINAL.index][1]
    )
    for row in range(3):
        source_y = view.text_origin(Side.ORIGINAL, row).y()
        target_y = view.text_origin(Side.TRANSLATION, row).y()
        assert source_y == target_y
        assert rows.height(row) >= max(
            heights[Side.ORIGINAL.index][row], heights[Side.TRANSLATION.index][row]
        )
    # The sentence rectangles on screen start on the same line too.
    assert view.sentence_rect(Side.ORIGINAL, 1, 0).top() == pytest.approx(
        view.sentence_rect(Side.TRANSLATION, 1, 0).top()
    )


def test_hover_highlights_the_sentence_and_its_counterpart(qtbot, view: DocumentView) -> None:
    document = make_document([["Câu thứ nhất.", "Câu thứ hai ở đây."], [SHORT]])
    view.set_document(document, translated(document))
    rect = view.sentence_rect(Side.TRANSLATION, 0, 1)
    qtbot.mouseMove(view.target_pane.viewport(), rect.center().toPoint())
    qtbot.waitUntil(lambda: view.hover == (0, 1))
    # The source side paints a highlight over exactly the same sentence.
    selections = view.painter.selections(Side.ORIGINAL, 0)
    start, end = document.blocks[0].sentences[1].start, document.blocks[0].sentences[1].end
    assert [(item.start, item.start + item.length) for item in selections] == [(start, end)]
    rect = view.sentence_rect(Side.ORIGINAL, 1, 0)
    qtbot.mouseMove(view.source_pane.viewport(), rect.center().toPoint())
    qtbot.waitUntil(lambda: view.hover == (1, 0))


def test_hover_over_empty_space_clears_the_highlight(view: DocumentView) -> None:
    document = make_document([[SHORT]])
    view.set_document(document, translated(document))
    far_right = QPointF(
        view.source_pane.viewport().width() - 3,
        view.sentence_rect(Side.ORIGINAL, 0, 0).center().y(),
    )
    assert view.hit_test(view.source_pane, far_right) is None
    assert view.hit_test(view.source_pane, QPointF(10, 480)) is None


def test_click_sets_the_current_sentence_on_both_sides(qtbot, view: DocumentView) -> None:
    document = make_document([["Một hai ba.", "Bốn năm sáu bảy."]])
    view.set_document(document, translated(document))
    with qtbot.waitSignal(view.current_changed) as changed:
        qtbot.mouseClick(
            view.source_pane.viewport(),
            Qt.MouseButton.LeftButton,
            pos=view.sentence_rect(Side.ORIGINAL, 0, 1).center().toPoint(),
        )
    assert changed.args == [0, 1]
    target_start, target_end = view.text.target(0).ranges[1]
    highlighted = [
        (item.start, item.start + item.length)
        for item in view.painter.selections(Side.TRANSLATION, 0)
    ]
    assert (target_start, target_end) in highlighted


def test_keyboard_moves_the_current_sentence_and_scrolls_both_panes(
    qtbot, view: DocumentView
) -> None:
    document = many_blocks(80)
    view.set_document(document, translated(document))
    view.source_pane.setFocus()
    qtbot.keyClick(view.source_pane, Qt.Key.Key_J)
    assert view.current == (0, 0)
    qtbot.keyClick(view.source_pane, Qt.Key.Key_J)
    qtbot.keyClick(view.source_pane, Qt.Key.Key_Down)
    assert view.current == (1, 0)
    qtbot.keyClick(view.source_pane, Qt.Key.Key_K)
    assert view.current == (0, 1)
    for _ in range(100):
        qtbot.keyClick(view.source_pane, Qt.Key.Key_J)
    assert view.current == (50, 1)  # sentence 1 + 100 steps, two sentences a block
    assert view.source_pane.scroll > 0
    assert view.target_pane.scroll == view.source_pane.scroll  # the other side followed
    assert 50 in view.visible_blocks(view.target_pane)


def test_synced_scrolling_can_be_switched_off(view: DocumentView) -> None:
    document = many_blocks(100)
    view.set_document(document, translated(document))
    view.source_pane.verticalScrollBar().setValue(700)
    assert view.target_pane.scroll == 700
    view.set_synced(False)
    view.source_pane.verticalScrollBar().setValue(1400)
    assert view.target_pane.scroll == 700
    view.set_synced(True)
    assert view.target_pane.scroll == 1400


def test_reading_position_survives_a_resize(view: DocumentView) -> None:
    document = many_blocks(200)
    view.set_document(document, translated(document))
    view.scroll_to_block(120)
    assert view.top_block() == 120
    view.resize(500, 500)
    view.ensure_layout()
    assert view.top_block() == 120
    assert view.target_pane.scroll == view.source_pane.scroll


def test_translations_arriving_keep_the_rows_level(view: DocumentView) -> None:
    document = many_blocks(30)
    view.set_document(document)
    assert not view.visible_translated()
    view.add_translations(translated(document, lambda s: s * 4)[:20])
    for row in range(30):
        assert (
            view.text_origin(Side.ORIGINAL, row).y() == view.text_origin(Side.TRANSLATION, row).y()
        )
    assert (
        view.geometry_rows.side_heights[Side.TRANSLATION.index][0]
        > view.geometry_rows.side_heights[Side.ORIGINAL.index][0]
    )
    assert view.geometry_rows.side_heights[Side.TRANSLATION.index][29] == 0  # still a placeholder
    view.add_translations(translated(document))
    assert view.visible_translated()


def test_selection_on_the_original_gives_its_text(view: DocumentView) -> None:
    document = make_document([["Một hai ba.", "Bốn năm."], ["Sáu bảy."]])
    view.set_document(document)
    view.select_source((0, 12), (1, 3))
    assert view.selected_text() == "Bốn năm.\nSáu"


def test_find_highlights_matches_on_both_sides(view: DocumentView) -> None:
    document = many_blocks(40)
    view.set_document(document, translated(document))
    assert view.find("đoạn 3 câu")  # case-insensitive, on the original and in "EN[...]"
    assert view.match_count == 4
    assert view.find("zzz-nowhere") is False
    assert view.match_count == 0


def test_zoom_changes_heights_but_keeps_rows_level(view: DocumentView) -> None:
    document = many_blocks(10)
    view.set_document(document, translated(document))
    before = view.geometry_rows.total
    view.set_base_font("", 20)
    assert view.geometry_rows.total > before
    assert view.text_origin(Side.ORIGINAL, 9).y() == view.text_origin(Side.TRANSLATION, 9).y()


def test_measuring_the_rest_of_a_long_document_can_wait(qtbot, view: DocumentView) -> None:
    document = many_blocks(400)
    view.set_document(document)
    qtbot.waitUntil(lambda: view.fully_measured, timeout=5000)  # measured when idle...
    view.pause_measuring()
    view.set_document(many_blocks(401))
    qtbot.wait(300)
    assert not view.fully_measured  # ...unless asked to wait
    view.resume_measuring()
    qtbot.waitUntil(lambda: view.fully_measured, timeout=5000)


def test_double_click_on_a_translation_asks_to_edit_it(qtbot, view: DocumentView) -> None:
    document = make_document([["Một hai ba.", "Bốn năm sáu."]])
    view.set_document(document, translated(document))
    with qtbot.waitSignal(view.edit_requested) as requested:
        qtbot.mouseDClick(
            view.target_pane.viewport(),
            Qt.MouseButton.LeftButton,
            pos=view.sentence_rect(Side.TRANSLATION, 0, 1).center().toPoint(),
        )
    assert requested.args == [0, 1]


def test_missing_model_panel_replaces_the_translation(view: DocumentView) -> None:
    document = make_document([[SHORT]])
    view.set_document(document)
    view.show_missing_model("vi", "en", 93 * 1024**2, downloadable=True)
    assert view.missing_model_shown
    assert "Vietnamese → English" in view.missing_panel.message.text()
    assert view.missing_panel.download_button.text() == "Download (97.5 MB)"  # as the CLI says
    view.show_missing_model("vi", "xx", None, downloadable=False)
    assert not view.missing_panel.download_button.isEnabled()
    view.show_translation()
    assert not view.missing_model_shown


# --- annotation highlights, translation selection, list bullets --------------------------------


@dataclass(frozen=True)
class FakeHighlight:
    """The shape of reader.core.notes.service.Highlight (the view only reads these fields)."""

    side: str
    colour: str
    start: int
    end: int
    sentences: tuple[int, ...]


def test_highlights_are_painted_on_their_side_and_tint_the_other(view: DocumentView) -> None:
    document = make_document([["Một hai ba.", "Bốn năm sáu."]])
    view.set_document(document, translated(document))
    target = view.text.target(0)
    view.set_highlights(
        {
            0: [
                FakeHighlight("original", "yellow", 4, 7, (0,)),
                FakeHighlight("translation", "green", 3, 6, (1,)),
            ]
        }
    )
    second = target.ranges[1][0]
    assert view.highlight_ranges(Side.ORIGINAL, 0) == [
        (4, 7, "yellow", True),
        (*ranges_of(document, 0)[1], "green", False),
    ]
    assert view.highlight_ranges(Side.TRANSLATION, 0) == [
        (*target.ranges[0], "yellow", False),
        (second + 3, second + 6, "green", True),
    ]
    # They are part of what each row paints.
    painted = {
        (item.start, item.start + item.length) for item in view.painter.selections(Side.ORIGINAL, 0)
    }
    assert (4, 7) in painted


def test_translation_highlights_wait_for_their_sentence(view: DocumentView) -> None:
    document = make_document([["Một hai ba.", "Bốn năm sáu."]])
    only_first = [s for s in translated(document) if s.sentence_index == 0]
    view.set_document(document, only_first)
    view.set_highlights({0: [FakeHighlight("translation", "blue", 0, 4, (1,))]})
    assert view.highlight_ranges(Side.TRANSLATION, 0) == []  # the sentence is still a placeholder
    view.add_translations(translated(document))
    start = view.text.target(0).ranges[1][0]
    assert view.highlight_ranges(Side.TRANSLATION, 0) == [(start, start + 4, "blue", True)]


def test_selection_on_the_translation_gives_its_text(view: DocumentView) -> None:
    document = make_document([["Một hai ba.", "Bốn năm."]])
    view.set_document(document, translated(document))
    view.select(Side.TRANSLATION, (0, 3), (0, 9))
    assert view.selection() == (Side.TRANSLATION, (0, 3), (0, 9))
    assert view.selected_text() == view.text.target(0).text[3:9]
    assert view.selected_text(Side.ORIGINAL) == ""  # e.g. "translate selection" ignores it


def test_an_annotation_span_over_two_blocks_is_selected_on_both(view: DocumentView) -> None:
    document = make_document([["Một hai ba."], ["Bốn năm."]])
    view.set_document(document)
    # Offsets past the first block count the blank line between blocks, as anchors do.
    view.select_original_span(0, 4, len("Một hai ba.") + 2 + 3)
    assert view.selected_text() == "hai ba.\nBốn"


def test_list_items_get_a_bullet_outside_their_text(qtbot, view: DocumentView) -> None:
    paragraph = Block(0, BlockKind.PARAGRAPH, "Đoạn.", (Sentence(0, 0, 5, "Đoạn."),))
    item = Block(1, BlockKind.LIST_ITEM, "Mục một.", (Sentence(0, 0, 8, "Mục một."),), level=1)
    view.set_document(Document("T", "vi", (paragraph, item), content_hash="b" * 64))
    assert view.text.block(1).text == "Mục một."  # the bullet is drawn, not added
    image = view.source_pane.viewport().grab().toImage()
    background = image.pixelColor(2, 2)

    def ink_left_of_text(row: int) -> bool:
        origin = view.text_origin(Side.ORIGINAL, row)
        top = round(origin.y() - view.source_pane.scroll)
        height = round(view.geometry_rows.side_heights[Side.ORIGINAL.index][row])
        return any(
            image.pixelColor(x, y) != background
            for x in range(2, int(origin.x()) - 1)
            for y in range(top, top + height)
        )

    assert ink_left_of_text(1) and not ink_left_of_text(0)


def ranges_of(document: Document, block_index: int) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in document.blocks[block_index].sentences]


def test_a_table_is_laid_out_as_a_grid_and_each_cell_answers_the_pointer(
    view: DocumentView,
) -> None:
    document = table_document()
    view.set_document(document)
    view.add_translations(translated(document))
    view.ensure_layout()
    for side in (Side.ORIGINAL, Side.TRANSLATION):
        layout = view.layout_for(side, 1)
        lines = [layout.lineAt(i) for i in range(layout.lineCount())]
        first_row = [line for line in lines if line.y() == lines[0].y()]
        assert len({line.x() for line in first_row}) == 2  # two columns side by side
        second_row_y = min(line.y() for line in lines if line.y() > lines[0].y() + 1)
        assert second_row_y > max(line.y() for line in first_row)
        for sentence in document.blocks[1].sentences:
            rect = view.sentence_rect(side, 1, sentence.index)
            hit = view.hit_test(view.panes[side.index], rect.center())
            assert (hit.block, hit.sentence) == (1, sentence.index)


def test_a_tables_rows_start_level_on_both_sides(view: DocumentView) -> None:
    document = table_document()
    view.set_document(document)
    long = "a much longer translation that wraps over several lines of its narrow cell " * 3
    view.add_translations(translated(document, translate=lambda text: f"{text} {long}"))
    view.ensure_layout()
    tops = []
    for side in (Side.ORIGINAL, Side.TRANSLATION):
        layout = view.layout_for(side, 1)
        text = view.text.text(side, 1)
        tops.append(table_row_tops(layout, text))
    assert len(tops[0]) == 1 and tops[0] == pytest.approx(tops[1], abs=1.0)


# --- OCR: words read with low confidence ---------------------------------------------------------


def test_words_ocr_was_unsure_of_are_underlined_and_explained_on_the_source_only(
    qtbot, view: DocumentView
) -> None:
    document = make_document([["Mọi người đều bình đẳng trước pháp luật."], [SHORT]])
    text = document.blocks[0].text
    unsure = ((text.index("bình"), text.index("bình") + 4), (text.index("luật"), len(text) - 1))
    ocr_block = replace(document.blocks[0], ocr_confidence=71.0, ocr_low_confidence=unsure)
    document = replace(document, blocks=(ocr_block, document.blocks[1]), ocr=True)
    view.set_document(document, translated(document))

    marks = view.layout_for(Side.ORIGINAL, 0).formats()
    assert [(mark.start, mark.start + mark.length) for mark in marks] == list(unsure)
    wave = QTextCharFormat.UnderlineStyle.WaveUnderline
    assert all(mark.format.underlineStyle() == wave for mark in marks)
    assert not view.layout_for(Side.ORIGINAL, 1).formats()  # a block the file held as text
    assert not view.layout_for(Side.TRANSLATION, 0).formats()  # the translation is not OCR's
    assert view.ocr_unsure_at(Side.ORIGINAL, 0, unsure[0][0] + 1)
    assert not view.ocr_unsure_at(Side.ORIGINAL, 0, unsure[0][0] - 2)
    assert not view.ocr_unsure_at(Side.TRANSLATION, 0, unsure[0][0] + 1)
    # Hovering an unsure word says why it is underlined; elsewhere, nothing.
    layout, origin = view.layout_for(Side.ORIGINAL, 0), view.text_origin(Side.ORIGINAL, 0)
    line = layout.lineForTextPosition(unsure[0][0] + 1)
    for position, hint in ((unsure[0][0] + 1, OCR_HINT), (1, "")):
        x = origin.x() + line.cursorToX(position)[0] + 2
        point = QPoint(round(x), round(origin.y() + line.y() + line.height() / 2))
        viewport = view.source_pane.viewport()
        event = QHelpEvent(QEvent.Type.ToolTip, point, viewport.mapToGlobal(point))
        QApplication.sendEvent(viewport, event)
        qtbot.waitUntil(lambda hint=hint: QToolTip.text() == hint)


# --- glossary: a translation that lacks a required term ----------------------------------------


def rest_pointer_on(view: DocumentView, side: Side, block: int, position: int) -> None:
    """Send the tooltip event the pane gets when the pointer rests on a character."""
    layout, origin = view.layout_for(side, block), view.text_origin(side, block)
    line = layout.lineForTextPosition(position)
    x = origin.x() + line.cursorToX(position)[0] + 2
    point = QPoint(round(x), round(origin.y() + line.y() + line.height() / 2))
    viewport = (view.source_pane if side == Side.ORIGINAL else view.target_pane).viewport()
    QApplication.sendEvent(viewport, QHelpEvent(QEvent.Type.ToolTip, point, point))


def margin_colours(view: DocumentView, row: int) -> set[str]:
    """The colours painted in the translation pane's margin, beside a row's text."""
    image = view.target_pane.viewport().grab().toImage()
    origin = view.text_origin(Side.TRANSLATION, row)
    top = round(origin.y() - view.target_pane.scroll)
    height = round(view.geometry_rows.side_heights[Side.TRANSLATION.index][row])
    return {
        image.pixelColor(x, y).name()
        for x in range(0, int(origin.x()) - 1)
        for y in range(top, top + height)
    }


def test_a_translation_lacking_a_glossary_term_is_marked_and_names_the_terms(
    qtbot, view: DocumentView
) -> None:
    document = make_document([["Ban Bí thư họp.", "Bộ Chính trị họp."], [SHORT]])
    lacking = ("Secretariat", "Politburo")
    sentences = [
        replace(each, glossary_missing=lacking)
        if (each.block_index, each.sentence_index) == (0, 0)
        else each
        for each in translated(document)
    ]
    view.set_document(document, sentences)

    (mark,) = view.layout_for(Side.TRANSLATION, 0).formats()
    (first, second) = view.text.ranges(Side.TRANSLATION, 0)
    assert (mark.start, mark.start + mark.length) == first  # the lacking sentence only
    style = mark.format.underlineStyle()
    assert style != QTextCharFormat.UnderlineStyle.NoUnderline
    assert style != QTextCharFormat.UnderlineStyle.WaveUnderline  # OCR's mark on the original
    assert mark.format.underlineColor() == view.layout_engine.colours.term_missing
    assert not view.layout_for(Side.ORIGINAL, 0).formats()  # the original is not at fault
    colour = view.layout_engine.colours.term_missing
    assert colour.name() in margin_colours(view, 0)
    assert colour.name() not in margin_colours(view, 1)
    hint = f"{GLOSSARY_HINT}: Secretariat, Politburo"
    for side, position, expected in (
        (Side.TRANSLATION, first[0] + 2, hint),
        (Side.TRANSLATION, second[0] + 2, ""),  # the sentence that has its terms
        (Side.TRANSLATION, first[0] + 2, hint),
        (Side.ORIGINAL, 2, ""),
    ):
        rest_pointer_on(view, side, 0, position)
        qtbot.waitUntil(lambda expected=expected: QToolTip.text() == expected)


def test_an_edited_translation_loses_the_glossary_mark(view: DocumentView) -> None:
    document = make_document([["Ban Bí thư họp."]])
    (machine,) = translated(document)
    view.set_document(document, [replace(machine, glossary_missing=("Secretariat",))])
    assert view.layout_for(Side.TRANSLATION, 0).formats()
    view.add_translations([replace(machine, translation="The Secretariat met.", edited=True)])
    (mark,) = view.layout_for(Side.TRANSLATION, 0).formats()
    assert mark.format.underlineColor() == view.layout_engine.colours.edited
    assert view.text.missing_terms(0, 0) == ()


# --- zoom and layout preferences keep the place --------------------------------------------------


def current_sentence_y(view: DocumentView) -> float:
    rect = view.sentence_rect(Side.ORIGINAL, *view.current)
    assert rect is not None and 0 <= rect.top() < view.source_pane.viewport().height()
    return rect.top()


def test_zoom_keeps_the_current_sentence_where_it_was_on_screen(qtbot, view: DocumentView) -> None:
    document = many_blocks(300)
    view.set_document(document, translated(document))
    view.scroll_to_block(100)
    view.set_current(106, 1)  # about the middle of the screen
    qtbot.wait(50)
    y = current_sentence_y(view)
    assert y > 100  # a drift would show: the rows above it grow with the font
    size = view.base_font.pointSizeF()
    for step in (1, 2, 3, 2):  # Ctrl+= three times, then Ctrl+-
        view.set_base_font("", size + step)
        assert current_sentence_y(view) == pytest.approx(y, abs=3)
        assert view.target_pane.scroll == view.source_pane.scroll  # still synced
    qtbot.waitUntil(lambda: view.fully_measured, timeout=5000)
    assert current_sentence_y(view) == pytest.approx(y, abs=3)  # refining heights keeps it too


def test_without_a_current_sentence_zoom_keeps_the_top_row(view: DocumentView) -> None:
    document = many_blocks(300)
    view.set_document(document, translated(document))
    view.scroll_to_block(150)
    view.set_base_font("", view.base_font.pointSizeF() + 3)
    assert view.top_block() == 150


def test_reading_layout_sets_margins_line_width_and_spacing(view: DocumentView) -> None:
    document = make_document([[LONG], [SHORT], [LONG]])
    view.set_document(document, translated(document))
    plain_height = view.geometry_rows.total
    view.set_reading_layout(ReadingLayout(margin=60, max_line_width=30))
    layout = view.layout_for(Side.ORIGINAL, 0)
    char_width = QFontMetricsF(view.base_font).averageCharWidth()
    assert all(layout.lineAt(i).width() <= 30 * char_width + 1 for i in range(layout.lineCount()))
    origin = view.text_origin(Side.ORIGINAL, 0)
    right_gap = view.source_pane.viewport().width() - (origin.x() + layout.lineAt(0).width())
    assert origin.x() > 60 and right_gap == pytest.approx(origin.x(), abs=2)  # centred column
    view.set_reading_layout(ReadingLayout(line_spacing=2.0, paragraph_spacing=2.0))
    assert view.geometry_rows.total > plain_height
    gaps = view.text_origin(Side.ORIGINAL, 1).y() - view.geometry_rows.top(1)
    assert gaps == pytest.approx(view.geometry_rows.gap / 2) and view.geometry_rows.gap > 20
    view.set_reading_layout(ReadingLayout())
    assert view.geometry_rows.total == pytest.approx(plain_height, abs=1)


# --- notes in the text, and the offer to translate a selection -----------------------------------


def noted(start: int, end: int, note: str, colour: str = "yellow") -> Highlight:
    return Highlight("u" + note[:4], "original", colour, 0, start, end, (0,), None, note)


def test_a_highlight_with_a_note_is_marked_and_shows_the_note_on_hover(
    qtbot, view: DocumentView
) -> None:
    document = make_document([["Một hai ba bốn năm sáu bảy tám chín mười."]])
    view.set_document(document, translated(document))
    view.set_highlights({0: [noted(0, 7, "**Chú ý**: xem _Điều 5_."), noted(11, 18, "")]})
    underline = {
        (item.start, item.format.underlineStyle())
        for item in view.painter.selections(Side.ORIGINAL, 0)
        if item.format.background().style() != Qt.BrushStyle.NoBrush
    }
    dotted = QTextCharFormat.UnderlineStyle.DotLine
    assert (0, dotted) in underline and (11, dotted) not in underline
    layout, origin = view.layout_for(Side.ORIGINAL, 0), view.text_origin(Side.ORIGINAL, 0)
    line = layout.lineAt(0)
    viewport = view.source_pane.viewport()
    for position, expected in ((2, "Chú ý"), (14, "")):
        x = origin.x() + line.cursorToX(position)[0] + 2
        point = QPoint(round(x), round(origin.y() - view.source_pane.scroll + line.height() / 2))
        QApplication.sendEvent(
            viewport, QHelpEvent(QEvent.Type.ToolTip, point, viewport.mapToGlobal(point))
        )
        if expected:
            qtbot.waitUntil(lambda expected=expected: expected in QToolTip.text())
            shown = QToolTip.text()
            assert "**" not in shown and "Điều 5" in shown  # the Markdown, rendered
        else:
            qtbot.waitUntil(lambda: QToolTip.text() == "")


def drag_over(qtbot, pane, start: QPointF, end: QPointF) -> None:
    viewport = pane.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start.toPoint())
    QApplication.sendEvent(
        viewport,
        QMouseEvent(
            QEvent.Type.MouseMove,
            end,
            viewport.mapToGlobal(end),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        ),
    )
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end.toPoint())


def test_selecting_the_original_offers_its_translation(qtbot, view: DocumentView) -> None:
    document = make_document([["Một hai ba bốn năm.", "Sáu bảy tám."]])
    view.set_document(document, translated(document))
    first = view.sentence_rect(Side.ORIGINAL, 0, 0)
    drag_over(qtbot, view.source_pane, first.topLeft() + QPointF(1, 4), first.center())
    assert view.selected_text(Side.ORIGINAL)
    chip = view.chip
    assert chip.isVisible() and chip.parentWidget() is view.source_pane.viewport()
    assert chip.geometry().top() >= first.bottom()  # below the selection, not over it
    with qtbot.waitSignal(view.translate_selection_requested):
        qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)
    assert not chip.isVisible()
    # A click without a drag selects nothing and offers nothing; nor does the translation side.
    qtbot.mouseClick(
        view.source_pane.viewport(), Qt.MouseButton.LeftButton, pos=first.center().toPoint()
    )
    assert not chip.isVisible()
    target = view.sentence_rect(Side.TRANSLATION, 0, 0)
    drag_over(qtbot, view.target_pane, target.topLeft() + QPointF(1, 4), target.center())
    assert view.selected_text(Side.TRANSLATION) and not chip.isVisible()


def test_layout_changes_keep_the_current_sentence_in_place(qtbot, view: DocumentView) -> None:
    document = make_document([[LONG, SHORT] if i % 3 else [SHORT] for i in range(200)])
    view.set_document(document, translated(document))
    view.scroll_to_block(90)
    view.set_current(94, 0)
    y = current_sentence_y(view)
    for layout in (
        ReadingLayout(line_spacing=1.6),
        ReadingLayout(line_spacing=1.6, margin=60),
        ReadingLayout(line_spacing=1.6, margin=60, max_line_width=40),
        ReadingLayout(paragraph_spacing=2.0),
    ):
        view.set_reading_layout(layout)
        assert current_sentence_y(view) == pytest.approx(y, abs=3)


def test_a_new_palette_recolours_the_text_already_laid_out(view: DocumentView) -> None:
    document = make_document([["Một hai ba.", "Bốn năm."]])
    view.set_document(document, translated(document, edited={(0, 1)}))

    def edited_underline() -> str:
        (mark,) = view.layout_for(Side.TRANSLATION, 0).formats()
        return mark.format.underlineColor().name()

    light = edited_underline()
    palette = view.palette()
    for role, colour in (
        (QPalette.ColorRole.Base, "#202020"),
        (QPalette.ColorRole.Text, "#eeeeee"),
    ):
        palette.setColor(role, QColor(colour))
    view.setPalette(palette)  # a switch to the dark theme while reading
    assert view.layout_engine.colours.dark and edited_underline() != light


# --- in the window: the keys and the chip reach the view ----------------------------------------


def test_in_the_window_zoom_keys_keep_the_place_and_the_chip_translates(
    qtbot, installed_vi_en, tmp_path
) -> None:
    window = make_window(qtbot)
    open_and_wait(qtbot, window, long_document(tmp_path, 120))
    wait_translated(qtbot, window)
    view = window.document_view
    window.activateWindow()
    view.scroll_to_block(40)
    view.set_current(44, 1)
    y = current_sentence_y(view)
    view.source_pane.setFocus()
    control = Qt.KeyboardModifier.ControlModifier
    for key in (Qt.Key.Key_Equal,) * 3 + (Qt.Key.Key_Minus,):
        qtbot.keyClick(view.source_pane, key, control)
        assert current_sentence_y(view) == pytest.approx(y, abs=3)
    assert window.settings.font_size == DEFAULT_FONT_SIZE + 2
    first = view.sentence_rect(Side.ORIGINAL, 44, 1)
    drag_over(qtbot, view.source_pane, first.topLeft() + QPointF(1, 4), first.center())
    assert view.chip.isVisible()
    qtbot.mouseClick(view.chip, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.popup.isVisible(), timeout=WAIT_MS)
