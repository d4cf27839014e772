"""The loader: block kinds that are not prose (tables, code, contents, letterheads)."""

from __future__ import annotations

import pytest

from reader.core.documents import load_document
from reader.core.documents.importers import RawBlock, RawDocument
from reader.core.documents.loader import build_document
from reader.core.documents.model import BlockKind
from tests.conftest import SHARED

PROSE = "Điều này quy định chi tiết. Văn bản có hiệu lực từ ngày ký."


def _build(*blocks: RawBlock):
    return build_document(RawDocument(list(blocks)), path=None, format="txt", language="vi")


def test_table_cells_are_segmented_one_by_one_and_rows_come_back() -> None:
    table = RawBlock(
        BlockKind.TABLE,
        "",
        rows=(("STT", "Nội dung. Ghi chú"), ("1", "Công văn\n  số 5.  Đã gửi")),
    )
    document = _build(RawBlock(BlockKind.PARAGRAPH, PROSE), table)
    block = document.blocks[1]
    assert block.kind is BlockKind.TABLE
    rows = block.table_rows()
    assert [[text for text, _ in row] for row in rows] == [
        ["STT", "Nội dung. Ghi chú"],
        ["1", "Công văn số 5. Đã gửi"],
    ]
    for row in rows:
        for text, sentences in row:
            assert "".join(s.text for s in sentences).replace(" ", "") == text.replace(" ", "")
    assert [s.index for s in block.sentences] == list(range(len(block.sentences)))
    assert all("\t" not in s.text and "\n" not in s.text for s in block.sentences)


def test_a_one_cell_table_is_a_paragraph_and_empty_rows_go() -> None:
    document = _build(RawBlock(BlockKind.TABLE, "", rows=(("", ""), ("Chỉ một ô.",))))
    assert document.blocks[0].kind is BlockKind.PARAGRAPH
    assert document.blocks[0].text == "Chỉ một ô."


def test_code_keeps_its_indentation_and_is_one_untranslated_sentence() -> None:
    code = "\n\n    $ ls -la .\n      echo 'Xin chào.' ; exit 0\n\n"
    document = _build(RawBlock(BlockKind.CODE, code))
    block = document.blocks[0]
    assert block.text == "    $ ls -la .\n      echo 'Xin chào.' ; exit 0"
    assert not block.translate
    assert [s.text for s in block.sentences] == [block.text]


def test_contents_and_header_are_not_translated_and_prose_is() -> None:
    document = _build(
        RawBlock(BlockKind.HEADER, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do"),
        RawBlock(BlockKind.CONTENTS, "Chương I. Quy định chung ..... 3"),
        RawBlock(BlockKind.PARAGRAPH, PROSE),
    )
    assert [b.translate for b in document.blocks] == [False, False, True]
    assert len(document.blocks[0].sentences) == 1
    assert len(document.blocks[2].sentences) == 2


def test_table_of_contents_entries_follow_dropped_blocks() -> None:
    raw = RawDocument(
        [RawBlock(BlockKind.PARAGRAPH, "  "), RawBlock(BlockKind.HEADING, "Chương I", 1)],
        toc=[(1, "Chương I", 1)],
    )
    document = build_document(raw, path=None, format="txt", language="vi")
    assert document.toc == ((1, "Chương I", 0),)


def test_legal_division_paragraphs_become_headings_below_the_marked_ones() -> None:
    document = _build(
        RawBlock(BlockKind.HEADING, "Luật Chuyển giao công nghệ", 1),
        RawBlock(BlockKind.PARAGRAPH, "Chương I"),
        RawBlock(BlockKind.PARAGRAPH, "Điều 5. Phạm vi điều chỉnh"),
        RawBlock(BlockKind.PARAGRAPH, "Điều 5. của Luật này được hiểu như sau."),
        RawBlock(BlockKind.PARAGRAPH, PROSE),
    )
    kinds = [(block.kind, block.level) for block in document.blocks]
    assert kinds == [
        (BlockKind.HEADING, 1),
        (BlockKind.HEADING, 2),
        (BlockKind.HEADING, 3),
        (BlockKind.PARAGRAPH, 0),  # prose citing an article
        (BlockKind.PARAGRAPH, 0),
    ]


def _assert_sentences_are_their_block_slices(document) -> None:
    for block, sentence in document.iter_sentences():
        assert sentence.text == block.text[sentence.start : sentence.end]
        assert sentence.text.strip()


def test_sentences_of_every_kind_of_block_are_slices_of_its_text() -> None:
    document = _build(
        RawBlock(BlockKind.HEADER, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 30/2020/NĐ-CP"),
        RawBlock(BlockKind.HEADING, "Điều 1. Phạm vi"),
        RawBlock(BlockKind.PARAGRAPH, f"  {PROSE}\n{PROSE}  "),
        RawBlock(BlockKind.TABLE, "", rows=(("Tên. Mô tả.", "Ghi chú."), ("", PROSE))),
        RawBlock(BlockKind.CODE, "  x = 1\n  y = 2"),
        RawBlock(BlockKind.CONTENTS, "Chương I\t3\nChương II\t9"),
    )
    assert {block.kind for block in document.blocks} >= {BlockKind.TABLE, BlockKind.CODE}
    assert document.sentence_count > 8
    _assert_sentences_are_their_block_slices(document)


@pytest.mark.parametrize(
    "name",
    [
        "hien-phap-2013.txt",
        "nd-30-2020-phu-luc-I.docx",
        "ngo-tat-to-tat-den.epub",
        "phapdien-de-muc-19.2-chuyen-giao-cong-nghe.html",
    ],
)
def test_sentences_of_the_real_samples_are_slices_of_their_blocks(name: str) -> None:
    document = load_document(SHARED / "samples" / "real" / name)
    assert document.sentence_count > 50
    _assert_sentences_are_their_block_slices(document)
