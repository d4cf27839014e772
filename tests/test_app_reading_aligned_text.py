"""What both panes show, without widgets: counterpart ranges, placeholders, edits, row geometry,
tables."""

from __future__ import annotations

from reader.app.reading.aligned_text import PLACEHOLDER, AlignedText, RowGeometry
from reader.core.side import Side
from reader.core.translate.service import TranslatedSentence
from tests.reading_support import make_document, table_document, translated


def test_counterpart_ranges_cover_each_translated_sentence() -> None:
    document = make_document([["Câu một.", "Câu hai dài hơn.", "Ba."]])
    text = AlignedText(document)
    text.add(translated(document, lambda s: s.upper() + "!"))
    target = text.target(0)
    assert target is not None
    for sentence, (start, end) in zip(document.blocks[0].sentences, target.ranges, strict=True):
        assert target.text[start:end] == sentence.text.upper() + "!"
    assert text.sentence_at(Side.TRANSLATION, 0, target.ranges[1][0] + 2) == 1
    assert text.sentence_at(Side.ORIGINAL, 0, document.blocks[0].sentences[2].start) == 2


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


def test_a_sentence_lacking_a_glossary_term_is_flagged_until_the_user_edits_it() -> None:
    document = make_document([["Ban Bí thư họp.", "Bộ Chính trị họp."]])
    text = AlignedText(document)
    machine = translated(document)
    lacking = TranslatedSentence(0, 0, machine[0].source, "The Ban met.", False, False, ("X",))
    text.add([lacking, machine[1]])
    assert text.target(0).states == ("term_missing", "machine")
    assert text.target(0).ranges_in("term_missing") == text.target(0).ranges[:1]
    assert text.missing_terms(0, 0) == ("X",) and text.missing_terms(0, 1) == ()
    text.add([TranslatedSentence(0, 0, machine[0].source, "X met.", cached=False, edited=True)])
    assert text.target(0).states == ("edited", "machine") and text.missing_terms(0, 0) == ()
