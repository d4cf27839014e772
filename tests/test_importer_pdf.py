import itertools
import random
import shutil
from pathlib import Path

import pytest

from reader.core.documents import BlockKind, load_document
from tests.conftest import SHARED
from tests.documents_helpers import (
    DOCUMENTS,
    FIRST_SENTENCES,
    SAMPLE_TITLE,
    assert_refused,
    sample_sentences_without_debris,
    sentence_texts,
    truncated_copy,
)
from tests.pdf_builder import Typesetter

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
    opening = next(i for i, (_, _, text) in enumerate(blocks) if text.startswith("Đây là đoạn"))
    assert blocks[opening][2].endswith("cuối trang.¹")  # the note reference, still raised
    # LibreOffice sets the note at the body size: its raised number, cited above, tells it.
    assert blocks[opening + 1] == (K.FOOTNOTE, 0, "1 Đây là nội dung của chú thích.")


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


# --- Typeset office documents (tests/pdf_builder.py) --------------------------------------------

VOCABULARY = (
    "cơ quan tổ chức văn bản quản lý nhà nước công tác văn thư doanh nghiệp phạm vi cả nước "
    "điện tử ký số quy định pháp luật giao dịch hồ sơ lưu trữ trách nhiệm người đứng đầu "
    "cán bộ công chức viên chức thẩm quyền ban hành thể thức kỹ thuật trình bày bản sao"
)
CROSSING = "Câu này bắt đầu ở cuối trang trước và chỉ kết thúc ở đầu trang sau mà không bị cắt."
NOTE = "Độ dài của trường không quá 255 ký tự."
TABLE = [
    ("STT", "Tên trường", "Ghi chú"),
    ("1", "Mã định danh của cơ quan, tổ chức ban hành văn bản", "Bắt buộc"),
    ("2", "Số và ký hiệu", "Theo quy định tại Phụ lục I của Nghị định"),
]


def prose(seed: int, sentences: int = 4) -> str:
    """A paragraph of Vietnamese words in an order of its own, so no two lines are alike."""
    rng = random.Random(seed)
    return " ".join(
        " ".join(rng.sample(VOCABULARY.split(), 12)).capitalize() + "." for _ in range(sentences)
    )


def page_texts(path: Path) -> list[str]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        return [" ".join(page.get_textpage().get_text_range().split()) for page in document]
    finally:
        document.close()


@pytest.fixture(scope="module")
def office_pdf(tmp_path_factory) -> Path:
    setter = Typesetter()
    setter.contents([(f"Chương {n}. {prose(n, 1)[:30].strip()}", 2 + n) for n in range(1, 6)])
    setter.start_page()
    setter.heading("Chương I. Quy định chung")
    setter.heading("Điều 1. Phạm vi điều chỉnh", size=setter.size)
    setter.paragraph(prose(1), notes={"văn": NOTE})
    setter.superscript_line("Quyền sử dụng 298,30m", "2", "đất và nhà ở thuộc thửa đất số 7.")
    for seed in range(2, 8):
        setter.paragraph(prose(seed))
    setter.leave_lines(1)  # the next paragraph crosses the page break
    setter.paragraph("Đoạn cuối trang. " + CROSSING + " " + prose(98, 3))
    setter.code("def main():\n    return 0\n")
    setter.table(TABLE, (72, 160, 330))
    setter.paragraph(prose(101, 1))
    setter.table(TABLE, (72, 100, 280), ruled=True)  # cells close together, rules between
    setter.paragraph(prose(100))
    return setter.finish(tmp_path_factory.mktemp("pdf") / "office.pdf")


def test_typeset_document_keeps_its_sentences_and_drops_its_furniture(office_pdf: Path) -> None:
    document = load_document(office_pdf)
    texts = [block.text for block in document.blocks]
    assert not any(Typesetter.header in text or text.strip().isdigit() for text in texts)
    assert any(CROSSING in text for text in texts)  # across the page break, nothing in between
    assert not any(CROSSING in page for page in page_texts(office_pdf))  # it does cross one
    prose_blocks = [b for b in document.blocks if b.kind is K.PARAGRAPH]
    assert all(block.text.endswith(".") for block in prose_blocks)  # no paragraph cut short
    assert document.title == office_pdf.stem  # no metadata title; not "MỤC LỤC"


def test_typeset_contents_page_is_one_untranslated_block(office_pdf: Path) -> None:
    document = load_document(office_pdf)
    contents = [block for block in document.blocks if block.kind is K.CONTENTS]
    assert len(contents) == 1 and not contents[0].translate
    entries = contents[0].text.split("\n")
    assert len(entries) == 5 and entries[0].startswith("Chương 1.") and entries[0].endswith("… 3")
    assert not any("...." in block.text for block in document.blocks)


def test_typeset_footnote_superscripts_headings_and_code(office_pdf: Path) -> None:
    document = load_document(office_pdf)
    blocks = [(block.kind, block.level, block.text) for block in document.blocks]
    note = next(i for i, (kind, _, _) in enumerate(blocks) if kind is K.FOOTNOTE)
    number, text = blocks[note][2].split(" ", 1)
    assert text == NOTE and number.isdigit()
    raised = number.translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
    assert f"văn{raised}" in blocks[note - 1][2]  # right after the paragraph that cites it
    assert any("298,30m² đất và nhà ở" in text for _, _, text in blocks)
    assert (K.HEADING, 1, "Chương I. Quy định chung") in blocks
    assert (K.HEADING, 2, "Điều 1. Phạm vi điều chỉnh") in blocks
    assert (K.CODE, 0, "def main():\n    return 0") in blocks
    tables = [block for block in document.blocks if block.kind is K.TABLE]
    assert len(tables) == 2
    for table in tables:
        assert [[text for text, _ in row] for row in table.table_rows()] == [list(r) for r in TABLE]


def test_real_court_precedent(tmp_path: Path) -> None:
    precedent = SHARED / "samples" / "real" / "an-le-43-2021-AL.pdf"
    if not precedent.exists():
        pytest.skip("needs shared/samples/real")
    document = load_document(precedent)
    blocks = [(block.kind, block.text) for block in document.blocks]
    assert blocks[0] == (K.HEADING, "ÁN LỆ SỐ 43/2021/AL¹")
    assert blocks[1][0] is K.FOOTNOTE and blocks[1][1].startswith("1 Án lệ này do Vụ Pháp chế")
    assert any("298,30m² thuộc thửa 7" in text for _, text in blocks)
    assert not any(text.strip().isdigit() for _, text in blocks)  # page numbers
    prose_blocks = [text for kind, text in blocks if kind is K.PARAGRAPH]
    cut = sum(
        not text.endswith((".", ":", ";", "”", ",")) and following[:1].islower()
        for text, following in itertools.pairwise(prose_blocks)
    )
    assert cut == 0
