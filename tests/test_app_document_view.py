"""The two aligned panes: counterpart offsets, level rows, hover, click, keyboard, synced
scrolling, find."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QHelpEvent, QTextCharFormat
from PySide6.QtWidgets import QApplication, QToolTip

from reader.app.aligned_text import PLACEHOLDER, SOURCE, TARGET, AlignedText, RowGeometry
from reader.app.document_view import DocumentView
from reader.app.pane_view import OCR_HINT
from reader.app.view_layout import build_table_layout, table_row_tops
from reader.core.documents.model import Block, BlockKind, Document, Sentence
from reader.core.translate.service import TranslatedSentence


def make_document(blocks: list[list[str]]) -> Document:
    """A document whose blocks are the given sentences joined by one space."""
    built = []
    for block_index, sentences in enumerate(blocks):
        text = " ".join(sentences)
        spans, position = [], 0
        for sentence_index, sentence in enumerate(sentences):
            spans.append(Sentence(sentence_index, position, position + len(sentence), sentence))
            position += len(sentence) + 1
        built.append(Block(block_index, BlockKind.PARAGRAPH, text, tuple(spans)))
    return Document("Test", "vi", tuple(built), content_hash="h" * 64)


def translated(document: Document, translate=lambda text: f"EN[{text}]", edited=()) -> list:
    return [
        TranslatedSentence(
            block.index,
            sentence.index,
            sentence.text,
            translate(sentence.text),
            cached=False,
            edited=(block.index, sentence.index) in edited,
        )
        for block, sentence in document.iter_sentences()
    ]


SHORT = "Một câu ngắn."
LONG = (
    "Đây là một câu rất dài về công tác bảo vệ chính trị nội bộ của Đảng năm 2023, " * 6
).strip() + "."


@pytest.fixture
def view(qtbot) -> DocumentView:
    widget = DocumentView()
    qtbot.addWidget(widget)
    widget.resize(900, 500)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def many_blocks(count: int) -> Document:
    return make_document(
        [[f"Đoạn {i} câu một.", f"Đoạn {i} câu hai dài hơn một chút."] for i in range(count)]
    )


# --- AlignedText (no widgets) ------------------------------------------------------------------


def test_counterpart_ranges_cover_each_translated_sentence() -> None:
    document = make_document([["Câu một.", "Câu hai dài hơn.", "Ba."]])
    text = AlignedText(document)
    text.add(translated(document, lambda s: s.upper() + "!"))
    target = text.target(0)
    assert target is not None
    for sentence, (start, end) in zip(document.blocks[0].sentences, target.ranges, strict=True):
        assert target.text[start:end] == sentence.text.upper() + "!"
    assert text.sentence_at(TARGET, 0, target.ranges[1][0] + 2) == 1
    assert text.sentence_at(SOURCE, 0, document.blocks[0].sentences[2].start) == 2


def test_partly_translated_block_shows_placeholder_for_missing_sentences() -> None:
    document = make_document([["Một.", "Hai.", "Ba."]])
    text = AlignedText(document)
    assert text.target(0) is None  # nothing yet: the pane paints a skeleton
    text.add([TranslatedSentence(0, 1, "Hai.", "Two.", cached=False, edited=False)])
    target = text.target(0)
    assert target.text == f"{PLACEHOLDER} Two. {PLACEHOLDER}"
    assert target.states == ("missing", "machine", "missing")
    assert not text.is_translated(0)


def test_machine_translation_never_replaces_an_edit() -> None:
    document = make_document([["Một."]])
    text = AlignedText(document)
    text.add([TranslatedSentence(0, 0, "Một.", "Mine.", cached=True, edited=True)])
    changed = text.add([TranslatedSentence(0, 0, "Một.", "Machine.", cached=False, edited=False)])
    assert changed == set()
    assert text.target(0).text == "Mine."


def test_row_geometry_finds_rows_by_position() -> None:
    rows = RowGeometry()
    rows.reset(3)
    rows.gap = 10
    rows.side_heights = [[20.0, 50.0, 5.0], [40.0, 10.0, 5.0]]
    rows.rebuild()
    assert rows.tops == [0.0, 50.0, 110.0, 125.0]
    assert [rows.row_at(y) for y in (0, 49.9, 50, 124, 500)] == [0, 0, 1, 2, 2]


# --- the widget --------------------------------------------------------------------------------


def test_blocks_start_level_whatever_the_lengths(view: DocumentView) -> None:
    # Block 0: long original, short translation; block 1: the reverse.
    document = make_document([[LONG], [SHORT], [SHORT]])
    view.set_document(document, translated(document, lambda s: "Short." if s == LONG else LONG * 2))
    rows = view.geometry_rows
    heights = rows.side_heights
    assert heights[SOURCE][0] > heights[TARGET][0] and heights[TARGET][1] > heights[SOURCE][1]
    for row in range(3):
        source_y = view.text_origin(SOURCE, row).y()
        target_y = view.text_origin(TARGET, row).y()
        assert source_y == target_y
        assert rows.height(row) >= max(heights[SOURCE][row], heights[TARGET][row])
    # The sentence rectangles on screen start on the same line too.
    assert view.sentence_rect(SOURCE, 1, 0).top() == pytest.approx(
        view.sentence_rect(TARGET, 1, 0).top()
    )


def test_hover_highlights_the_sentence_and_its_counterpart(qtbot, view: DocumentView) -> None:
    document = make_document([["Câu thứ nhất.", "Câu thứ hai ở đây."], [SHORT]])
    view.set_document(document, translated(document))
    rect = view.sentence_rect(TARGET, 0, 1)
    qtbot.mouseMove(view.target_pane.viewport(), rect.center().toPoint())
    qtbot.waitUntil(lambda: view.hover == (0, 1))
    # The source side paints a highlight over exactly the same sentence.
    selections = view._selections(SOURCE, 0)
    start, end = document.blocks[0].sentences[1].start, document.blocks[0].sentences[1].end
    assert [(item.start, item.start + item.length) for item in selections] == [(start, end)]
    rect = view.sentence_rect(SOURCE, 1, 0)
    qtbot.mouseMove(view.source_pane.viewport(), rect.center().toPoint())
    qtbot.waitUntil(lambda: view.hover == (1, 0))


def test_hover_over_empty_space_clears_the_highlight(view: DocumentView) -> None:
    document = make_document([[SHORT]])
    view.set_document(document, translated(document))
    far_right = QPointF(
        view.source_pane.viewport().width() - 3, view.sentence_rect(SOURCE, 0, 0).center().y()
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
            pos=view.sentence_rect(SOURCE, 0, 1).center().toPoint(),
        )
    assert changed.args == [0, 1]
    target_start, target_end = view.text.target(0).ranges[1]
    highlighted = [(item.start, item.start + item.length) for item in view._selections(TARGET, 0)]
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
        assert view.text_origin(SOURCE, row).y() == view.text_origin(TARGET, row).y()
    assert view.geometry_rows.side_heights[TARGET][0] > view.geometry_rows.side_heights[SOURCE][0]
    assert view.geometry_rows.side_heights[TARGET][29] == 0  # still a placeholder
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
    assert view.text_origin(SOURCE, 9).y() == view.text_origin(TARGET, 9).y()


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
            pos=view.sentence_rect(TARGET, 0, 1).center().toPoint(),
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
    assert view.highlight_ranges(SOURCE, 0) == [
        (4, 7, "yellow", True),
        (*ranges_of(document, 0)[1], "green", False),
    ]
    assert view.highlight_ranges(TARGET, 0) == [
        (*target.ranges[0], "yellow", False),
        (second + 3, second + 6, "green", True),
    ]
    # They are part of what each row paints.
    painted = {(item.start, item.start + item.length) for item in view._selections(SOURCE, 0)}
    assert (4, 7) in painted


def test_translation_highlights_wait_for_their_sentence(view: DocumentView) -> None:
    document = make_document([["Một hai ba.", "Bốn năm sáu."]])
    only_first = [s for s in translated(document) if s.sentence_index == 0]
    view.set_document(document, only_first)
    view.set_highlights({0: [FakeHighlight("translation", "blue", 0, 4, (1,))]})
    assert view.highlight_ranges(TARGET, 0) == []  # the sentence is still a placeholder
    view.add_translations(translated(document))
    start = view.text.target(0).ranges[1][0]
    assert view.highlight_ranges(TARGET, 0) == [(start, start + 4, "blue", True)]


def test_selection_on_the_translation_gives_its_text(view: DocumentView) -> None:
    document = make_document([["Một hai ba.", "Bốn năm."]])
    view.set_document(document, translated(document))
    view.select(TARGET, (0, 3), (0, 9))
    assert view.selection() == (TARGET, (0, 3), (0, 9))
    assert view.selected_text() == view.text.target(0).text[3:9]
    assert view.selected_text(SOURCE) == ""  # e.g. "translate selection" ignores it


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
        origin = view.text_origin(SOURCE, row)
        top = round(origin.y() - view.source_pane.scroll)
        height = round(view.geometry_rows.side_heights[SOURCE][row])
        return any(
            image.pixelColor(x, y) != background
            for x in range(2, int(origin.x()) - 1)
            for y in range(top, top + height)
        )

    assert ink_left_of_text(1) and not ink_left_of_text(0)


def ranges_of(document: Document, block_index: int) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in document.blocks[block_index].sentences]


def table_document() -> Document:
    """A paragraph, then a 2×2 table whose cells hold one or two sentences."""
    from reader.core.documents.importers import RawBlock, RawDocument
    from reader.core.documents.loader import build_document

    rows = (("Số thứ tự", "Nội dung công việc. Ghi chú thêm."), ("1", "Báo cáo tháng."))
    raw = RawDocument(
        [RawBlock(BlockKind.PARAGRAPH, SHORT), RawBlock(BlockKind.TABLE, "", rows=rows)]
    )
    return build_document(raw, path=None, format="html", language="vi")


def test_a_table_translation_keeps_its_cells_and_rows() -> None:
    document = table_document()
    text = AlignedText(document)
    text.add(translated(document))
    target = text.target(1)
    assert target is not None
    assert target.text.split("\n") == [
        "EN[Số thứ tự]\tEN[Nội dung công việc.] EN[Ghi chú thêm.]",
        "EN[1]\tEN[Báo cáo tháng.]",
    ]
    for (start, end), sentence in zip(target.ranges, document.blocks[1].sentences, strict=True):
        assert target.text[start:end] == f"EN[{sentence.text}]"


def test_a_table_is_laid_out_as_a_grid_and_each_cell_answers_the_pointer(
    view: DocumentView,
) -> None:
    document = table_document()
    view.set_document(document)
    view.add_translations(translated(document))
    view.ensure_layout()
    for side in (SOURCE, TARGET):
        layout = view.layout_for(side, 1)
        lines = [layout.lineAt(i) for i in range(layout.lineCount())]
        first_row = [line for line in lines if line.y() == lines[0].y()]
        assert len({line.x() for line in first_row}) == 2  # two columns side by side
        second_row_y = min(line.y() for line in lines if line.y() > lines[0].y() + 1)
        assert second_row_y > max(line.y() for line in first_row)
        for sentence in document.blocks[1].sentences:
            rect = view.sentence_rect(side, 1, sentence.index)
            hit = view.hit_test(view.panes[side], rect.center())
            assert (hit.block, hit.sentence) == (1, sentence.index)


def test_a_tables_rows_start_level_on_both_sides(view: DocumentView) -> None:
    document = table_document()
    view.set_document(document)
    long = "a much longer translation that wraps over several lines of its narrow cell " * 3
    view.add_translations(translated(document, translate=lambda text: f"{text} {long}"))
    view.ensure_layout()
    tops = []
    for side in (SOURCE, TARGET):
        layout = view.layout_for(side, 1)
        text = view.text.text(side, 1)
        tops.append(table_row_tops(layout, text))
    assert len(tops[0]) == 1 and tops[0] == pytest.approx(tops[1], abs=1.0)


def test_table_columns_are_wide_enough_for_their_words() -> None:
    from PySide6.QtGui import QFont, QFontMetricsF

    font = QFont()
    text = "STT\tCỡ chữ\tKiểu chữ\tVí dụ minh họa\n1\tIn hoa\t13-14\tĐứng, đậm"
    layout = build_table_layout(text, font, 400.0, gap=10.0)
    metrics = QFontMetricsF(font)
    for index in range(layout.lineCount()):
        line = layout.lineAt(index)
        shown = text[line.textStart() : line.textStart() + line.textLength()].strip()
        for word in shown.split():
            assert metrics.horizontalAdvance(word) <= line.width()
        assert not shown or shown.split()[0] in text.replace("\t", " ").split()  # words whole


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

    marks = view.layout_for(SOURCE, 0).formats()
    assert [(mark.start, mark.start + mark.length) for mark in marks] == list(unsure)
    wave = QTextCharFormat.UnderlineStyle.WaveUnderline
    assert all(mark.format.underlineStyle() == wave for mark in marks)
    assert not view.layout_for(SOURCE, 1).formats()  # a block the file held as text
    assert not view.layout_for(TARGET, 0).formats()  # the translation is not OCR's
    assert view.ocr_unsure_at(SOURCE, 0, unsure[0][0] + 1)
    assert not view.ocr_unsure_at(SOURCE, 0, unsure[0][0] - 2)
    assert not view.ocr_unsure_at(TARGET, 0, unsure[0][0] + 1)
    # Hovering an unsure word says why it is underlined; elsewhere, nothing.
    layout, origin = view.layout_for(SOURCE, 0), view.text_origin(SOURCE, 0)
    line = layout.lineForTextPosition(unsure[0][0] + 1)
    for position, hint in ((unsure[0][0] + 1, OCR_HINT), (1, "")):
        x = origin.x() + line.cursorToX(position)[0] + 2
        point = QPoint(round(x), round(origin.y() + line.y() + line.height() / 2))
        viewport = view.source_pane.viewport()
        event = QHelpEvent(QEvent.Type.ToolTip, point, viewport.mapToGlobal(point))
        QApplication.sendEvent(viewport, event)
        qtbot.waitUntil(lambda hint=hint: QToolTip.text() == hint)
