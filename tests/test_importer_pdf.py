import shutil
from pathlib import Path

import pytest

from reader.core.documents import BlockKind, load_document
from reader.core.documents.importers.pdf import _Line, _Paragraph
from tests.documents_helpers import (
    DOCUMENTS,
    FIRST_SENTENCES,
    SAMPLE_TITLE,
    assert_refused,
    sample_sentences_without_debris,
    sentence_texts,
    truncated_copy,
)

K = BlockKind
RUNNING_HEADER = "Tạp chí Xây dựng Đảng — Bảo vệ chính trị nội bộ"


def test_sample_pdf_gives_the_blocks_a_reader_sees() -> None:
    document = load_document(DOCUMENTS / "sample.pdf")
    assert document.format == "pdf"
    assert document.language == "vi"
    assert document.title == SAMPLE_TITLE  # a heading wrapped over three lines, joined
    kinds = [block.kind for block in document.blocks]
    assert len(kinds) == 19
    assert kinds[0] is K.HEADING and kinds.count(K.HEADING) == 1
    assert kinds.count(K.LIST_ITEM) == 7  # the bullets are gone from their text
    assert not any(block.text.startswith("•") for block in document.blocks)
    assert sentence_texts(document)[:3] == FIRST_SENTENCES


def test_sample_sentences_are_those_of_the_text_version() -> None:
    """Page headers and page numbers do not land inside sentences that cross a page break."""
    assert (
        sentence_texts(load_document(DOCUMENTS / "sample.pdf")) == sample_sentences_without_debris()
    )


def test_running_header_and_page_numbers_are_removed() -> None:
    document = load_document(DOCUMENTS / "sample.pdf")
    text = "\n".join(block.text for block in document.blocks)
    assert RUNNING_HEADER not in text
    assert not any(block.text.strip().isdigit() for block in document.blocks)
    assert "nhất là người đứng đầu về ý nghĩa" in text  # the sentence across pages 1 and 2


def test_headings_lists_and_dehyphenation() -> None:
    document = load_document(DOCUMENTS / "features.pdf")
    blocks = [(block.kind, block.level, block.text) for block in document.blocks]
    assert (K.HEADING, 1, "Tài liệu thử nghiệm") in blocks
    assert (K.HEADING, 2, "Chương một") in blocks and (K.HEADING, 3, "Danh sách") in blocks
    items = [(level, text) for kind, level, text in blocks if kind is K.LIST_ITEM]
    assert items[:4] == [
        (1, "Mục thứ nhất của danh sách."),
        (2, "Mục con thứ nhất."),
        (2, "Mục con thứ hai."),
        (1, "Mục thứ hai của danh sách."),
    ]
    english = next(text for _, _, text in blocks if text.startswith("The internationalization"))
    # LibreOffice hyphenated this paragraph over four lines; the words are whole again.
    assert "extraordinarily comprehensive" in english and "notwithstanding considerable" in english
    assert english.endswith(
        "institutionalized incomprehensibility throughout multinational organizations."
    )
    assert "\ufffe" not in english and "\u00ad" not in english
    opening = next(text for _, _, text in blocks if text.startswith("Đây là đoạn mở đầu"))
    assert opening.endswith("cuối trang.")  # the superscript note mark is not glued on


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (["hyphen-", "ated word"], "hyphenated word"),
        (["nhiệm kỳ 2020-", "2025 này"], "nhiệm kỳ 2020-2025 này"),
        (["first line", "second line"], "first line second line"),
        (["soft\ufffe", "hyphen"], "softhyphen"),
    ],
)
def test_lines_are_joined_with_dehyphenation(lines: list[str], joined: str) -> None:
    paragraph = _Paragraph([_Line(0, text, 0, 100, 10, 0, 12) for text in lines])
    assert paragraph.text() == joined


def test_encrypted_pdf_is_refused(capsys) -> None:
    assert_refused(DOCUMENTS / "encrypted.pdf", "encrypted with a password", capsys)


def test_pdf_without_text_layer_and_ocr_data_says_how_to_get_it(capsys, no_system_tessdata) -> None:
    assert_refused(DOCUMENTS / "scanned.pdf", "bireader ocr install vie", capsys)


def test_truncated_pdf_is_refused_or_read_without_traceback(tmp_path: Path, capsys) -> None:
    """PDFium repairs what it can; what it cannot is refused with a message."""
    from reader.cli import main

    path = truncated_copy(DOCUMENTS / "sample.pdf", tmp_path)
    code = main(["library", "add", str(path)])
    captured = capsys.readouterr()
    assert code in (0, 2)
    assert "Traceback" not in captured.err
    if code == 2:
        assert str(path) in captured.err


def test_garbage_named_pdf_is_refused(tmp_path: Path, capsys) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    assert_refused(path, "not a valid PDF", capsys)


def test_pdf_named_docx_is_read_as_pdf(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    shutil.copy(DOCUMENTS / "sample.pdf", path)
    assert load_document(path).format == "pdf"
