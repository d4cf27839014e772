import textwrap
import time
from itertools import pairwise

import pytest

from reader.core.documents.importers.text import parse_text
from reader.core.documents.model import BlockKind
from tests.conftest import SAMPLE, SHARED


def test_sample_blocks_have_the_kinds_a_reader_sees() -> None:
    raw = parse_text(SAMPLE.read_text(encoding="utf-8"))
    kinds = [block.kind for block in raw.blocks]
    assert raw.title and raw.title.startswith("Tình hình, kết quả công tác bảo vệ chính trị")
    assert raw.blocks[1].kind is BlockKind.HEADING
    assert raw.blocks[0].text == "Sign In"
    captions = [block.text for block in raw.blocks if block.kind is BlockKind.CAPTION]
    assert len(captions) == 1 and captions[0].endswith("(Ảnh: Phương Hoa/TTXVN)")
    items = [block for block in raw.blocks if block.kind is BlockKind.LIST_ITEM]
    assert items and all(not block.text.startswith("-") for block in items)
    assert kinds.count(BlockKind.HEADING) == 1


def test_each_line_of_unwrapped_text_is_its_own_block() -> None:
    raw = parse_text("08:48 14/01/2024\nCông tác BVCTNB là một bộ phận trọng yếu.\n")
    assert [block.text for block in raw.blocks] == [
        "08:48 14/01/2024",
        "Công tác BVCTNB là một bộ phận trọng yếu.",
    ]


def test_hard_wrapped_paragraphs_are_joined_and_dehyphenated() -> None:
    line = "This is a long line of a hard wrapped text file that goes on and"
    text = (
        "\n".join([line, line, line + " hyph-", "enated words end here."])
        + "\n\n"
        + line
        + "\n"
        + line
    )
    raw = parse_text(text)
    assert len(raw.blocks) == 2
    assert "hyphenated words end here." in raw.blocks[0].text
    assert "\n" not in raw.blocks[0].text


def test_numbered_items_keep_their_numbers() -> None:
    raw = parse_text("1. Đầu tiên là việc này.\n2. Sau đó là việc kia.\n")
    assert [block.kind for block in raw.blocks] == [BlockKind.LIST_ITEM, BlockKind.LIST_ITEM]
    assert raw.blocks[0].text.startswith("1. ")


# Hard-wrapped text ------------------------------------------------------------------------

_SENTENCES = [
    "Người lao động có quyền làm việc, tự do lựa chọn việc làm, nơi làm việc và nghề nghiệp.",
    "Nhà nước bảo đảm quyền và lợi ích hợp pháp của người lao động, người sử dụng lao động.",
    "Hợp đồng lao động phải được giao kết bằng văn bản và được làm thành hai bản.",
    "Chị Dậu rón rén bưng một bát lớn đến chỗ chồng nằm, rồi ngồi xuống bên cạnh mà khóc.",
    "Ngoài đình, mõ đập chan chát, trống cái đánh thùng thùng, tù và thổi như ếch kêu.",
    "Căn cứ vào tình hình thực tế, cơ quan có thẩm quyền quyết định việc gia hạn thời hạn.",
]


def _paragraphs(count: int) -> list[str]:
    """Paragraphs of one to five sentences, each different."""
    return [
        " ".join(_SENTENCES[(start + k) % len(_SENTENCES)] for k in range(start % 5 + 1))
        for start in range(count)
    ]


def _wrapped(paragraphs: list[str], separator: str, indent: str = "") -> str:
    return separator.join(
        "\n".join(textwrap.wrap(paragraph, 72, initial_indent=indent)) for paragraph in paragraphs
    )


def _ends_mid_sentence(blocks: list) -> int:
    texts = [block.text for block in blocks]
    return sum(
        1
        for text, after in pairwise(texts)
        if not text.rstrip('”")').endswith((".", "!", "?", "…", ":", ";")) and after[:1].islower()
    )


@pytest.mark.parametrize(
    ("separator", "indent"),
    [("\n\n", ""), ("\n", "\xa0 \xa0 "), ("\n", "    ")],
    ids=["blank-lines", "no-break-space-indent", "space-indent"],
)
def test_hard_wrapped_paragraphs_are_joined_whole(separator: str, indent: str) -> None:
    paragraphs = _paragraphs(12)
    raw = parse_text(_wrapped(paragraphs, separator, indent))
    assert [block.text for block in raw.blocks] == paragraphs
    assert _ends_mid_sentence(raw.blocks) == 0


def test_a_paragraph_per_line_keeps_its_lines_even_short_ones() -> None:
    lines = [*_paragraphs(8), "Xem thêm", "tác giả: Ngô Tất Tố", *_paragraphs(3)]
    raw = parse_text("\n".join(lines))
    assert [block.text for block in raw.blocks] == lines


def test_verse_keeps_its_lines() -> None:
    verse = [
        "Trăm năm trong cõi người ta,",
        "Chữ tài chữ mệnh khéo là ghét nhau.",
        "Trải qua một cuộc bể dâu,",
        "Những điều trông thấy mà đau đớn lòng.",
    ]
    text = _wrapped(_paragraphs(3), "\n\n") + "\n\n" + "\n".join(verse)
    assert [block.text for block in parse_text(text).blocks][-4:] == verse


def test_a_citation_wrapped_onto_a_new_line_is_not_a_heading() -> None:
    text = (
        "Điều này có nội dung liên quan đến những quy định của Luật Dầu khí và\n"
        "Điều 4. của Luật Chuyển giao công nghệ, được áp dụng cho cả các hợp đồng\n"
        "đã giao kết trước ngày Luật này có hiệu lực thi hành mà còn thời hạn.\n\n"
        + _wrapped(_paragraphs(4), "\n\n")
    )
    first = parse_text(text).blocks[0]
    assert first.kind is BlockKind.PARAGRAPH and first.text.endswith("còn thời hạn.")


# Vietnamese official layout ---------------------------------------------------------------

_DECREE_HEAD = """\
CHÍNH PHỦ                          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
-------                                Độc lập - Tự do - Hạnh phúc
                                       ---------------
Số: 145/2020/NĐ-CP                     Hà Nội, ngày 14 tháng 12 năm 2020

NGHỊ ĐỊNH
QUY ĐỊNH CHI TIẾT VÀ HƯỚNG DẪN THI HÀNH MỘT SỐ ĐIỀU CỦA BỘ LUẬT LAO ĐỘNG
VỀ ĐIỀU KIỆN LAO ĐỘNG VÀ QUAN HỆ LAO ĐỘNG

Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ
sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền
địa phương ngày 22 tháng 11 năm 2019;
Căn cứ Bộ luật Lao động ngày 20 tháng 11 năm 2019;
"""
_DECREE_BODY = """\
Chương I
QUY ĐỊNH CHUNG

Điều 1. Phạm vi điều chỉnh
Nghị định này quy định chi tiết và hướng dẫn thi hành một số điều của Bộ
luật Lao động về điều kiện lao động và quan hệ lao động, gồm:
1. Hợp đồng lao động quy định tại khoản 3 Điều 21 và khoản 3 Điều 24 của
Bộ luật Lao động.
a) người lao động làm việc theo hợp đồng lao động;
đ) người học nghề, tập nghề và người thử việc.
Điều 2. Đối tượng áp dụng
Người lao động, người học nghề, người tập nghề, người làm việc không có
quan hệ lao động.

Nơi nhận:
- Ban Bí thư Trung ương Đảng;
- Lưu: VT, KGVX (2).
TM. CHÍNH PHỦ
THỦ TƯỚNG
Nguyễn Xuân Phúc
"""


def _decree() -> list:
    return parse_text(_DECREE_HEAD + "\n" + _DECREE_BODY).blocks


def test_the_letterhead_is_one_header_block_with_its_lines() -> None:
    header = _decree()[0]
    assert header.kind is BlockKind.HEADER
    lines = header.text.split("\n")
    assert lines[0].startswith("CHÍNH PHỦ") and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in lines[0]
    assert lines[-1].startswith("Số: 145/2020/NĐ-CP") and "Hà Nội, ngày 14" in lines[-1]


def test_the_type_and_summary_are_headings_and_the_legal_bases_are_unwrapped() -> None:
    blocks = _decree()
    assert [(block.kind, block.text) for block in blocks[1:3]] == [
        (BlockKind.HEADING, "NGHỊ ĐỊNH"),
        (
            BlockKind.HEADING,
            "QUY ĐỊNH CHI TIẾT VÀ HƯỚNG DẪN THI HÀNH MỘT SỐ ĐIỀU CỦA BỘ LUẬT LAO ĐỘNG "
            "VỀ ĐIỀU KIỆN LAO ĐỘNG VÀ QUAN HỆ LAO ĐỘNG",
        ),
    ]
    assert blocks[3].text.startswith("Căn cứ Luật Tổ chức Chính phủ")
    assert blocks[3].text.endswith("địa phương ngày 22 tháng 11 năm 2019;")
    assert blocks[4].text == "Căn cứ Bộ luật Lao động ngày 20 tháng 11 năm 2019;"


def test_chapters_and_articles_are_headings_with_their_titles_and_levels() -> None:
    headings = [(b.level, b.text) for b in _decree() if b.kind is BlockKind.HEADING][2:]
    assert headings == [
        (1, "Chương I\nQUY ĐỊNH CHUNG"),
        (2, "Điều 1. Phạm vi điều chỉnh"),
        (2, "Điều 2. Đối tượng áp dụng"),
    ]


def test_clauses_and_points_are_list_items_joined_across_lines() -> None:
    items = [b.text for b in _decree() if b.kind is BlockKind.LIST_ITEM]
    assert items[:3] == [
        "1. Hợp đồng lao động quy định tại khoản 3 Điều 21 và khoản 3 Điều 24 của "
        "Bộ luật Lao động.",
        "a) người lao động làm việc theo hợp đồng lao động;",
        "đ) người học nghề, tập nghề và người thử việc.",
    ]


def test_signature_and_recipients_lines_stay_whole() -> None:
    texts = [block.text for block in _decree()]
    assert texts[-6:] == [
        "Nơi nhận:",
        "Ban Bí thư Trung ương Đảng;",
        "Lưu: VT, KGVX (2).",
        "TM. CHÍNH PHỦ",
        "THỦ TƯỚNG",
        "Nguyễn Xuân Phúc",
    ]


def test_legal_code_article_numbers_are_headings() -> None:
    raw = parse_text("Điều 36.3.LQ.1. Thanh niên\nThanh niên là công dân Việt Nam từ đủ 16 tuổi.\n")
    assert (raw.blocks[0].kind, raw.blocks[0].text) == (
        BlockKind.HEADING,
        "Điều 36.3.LQ.1. Thanh niên",
    )
    assert raw.blocks[1].kind is BlockKind.PARAGRAPH


def test_an_official_document_leaves_its_title_to_the_loader() -> None:
    assert parse_text(_DECREE_HEAD + "\n" + _DECREE_BODY).title is None


def test_dialogue_keeps_its_dash() -> None:
    raw = parse_text("— Ông Trương ơi, mở cổng cho tôi!\n— Không được.\n")
    assert [(b.kind, b.text) for b in raw.blocks] == [
        (BlockKind.PARAGRAPH, "— Ông Trương ơi, mở cổng cho tôi!"),
        (BlockKind.PARAGRAPH, "— Không được."),
    ]


# Tables drawn in text ---------------------------------------------------------------------


def test_a_table_drawn_with_pipes_is_a_table_block() -> None:
    text = (
        "Danh mục ngành, nghề:\n\n"
        "| STT | Ngành, nghề  | Mức |\n"
        "|-----|--------------|-----|\n"
        "| 1   | Khai thác mỏ | A   |\n"
        "| 2   | Luyện kim    | B   |\n"
    )
    table = parse_text(text).blocks[1]
    assert table.kind is BlockKind.TABLE
    assert table.rows == (
        ("STT", "Ngành, nghề", "Mức"),
        ("1", "Khai thác mỏ", "A"),
        ("2", "Luyện kim", "B"),
    )


def test_a_table_drawn_with_aligned_columns_is_a_table_block() -> None:
    text = "STT   Ngành, nghề      Mức\n1     Khai thác mỏ     A\n2     Luyện kim        B\n"
    (table,) = parse_text(text).blocks
    assert table.kind is BlockKind.TABLE and table.rows[2] == ("2", "Luyện kim", "B")


def test_prose_with_double_spaces_is_not_a_table() -> None:
    text = "Câu thứ nhất.  Câu thứ hai rất dài.\nMột dòng khác,  có hai dấu cách ở chỗ khác.\n"
    assert all(block.kind is BlockKind.PARAGRAPH for block in parse_text(text).blocks)


# The constitution, as published -----------------------------------------------------------


def test_the_constitution_has_its_letterhead_chapters_and_whole_sentences() -> None:
    path = SHARED / "samples" / "real" / "hien-phap-2013.txt"
    if not path.exists():
        pytest.skip("shared samples are not here")
    text = path.read_text(encoding="utf-8")
    blocks = parse_text(text).blocks
    assert blocks[0].kind is BlockKind.HEADER and "Độc lập - Tự do - Hạnh phúc" in blocks[0].text
    chapters = [b for b in blocks if b.kind is BlockKind.HEADING and b.text.startswith("Chương")]
    assert (
        len(chapters) == text.count("\nChương ")
        and chapters[0].text == "Chương I.\nCHẾ ĐỘ CHÍNH TRỊ"
    )
    articles = [b for b in blocks if b.kind is BlockKind.HEADING and b.text.startswith("Điều")]
    assert len(articles) == text.count("\nĐiều ")
    assert {b.level for b in articles} == {chapters[0].level + 1}
    assert _ends_mid_sentence(blocks) == 0


@pytest.mark.parametrize(
    "signature",
    [
        "Nơi nhận:                          TM. CHÍNH PHỦ\n"
        "- Ban Bí thư Trung ương Đảng;       THỦ TƯỚNG\n"
        "- Lưu: VT, KGVX (2).               Nguyễn Xuân Phúc\n",
        "Nơi nhận:\n- Ban Bí thư Trung ương Đảng;\n- Lưu: VT, KGVX (2).\tTM. CHÍNH PHỦ\n"
        "THỦ TƯỚNG\n\n\n\nNguyễn Xuân Phúc\n",
    ],
    ids=["side-by-side", "cell-after-cell"],
)
def test_a_signature_beside_the_recipients_is_read_column_by_column(signature: str) -> None:
    texts = [block.text for block in parse_text(_DECREE_HEAD + "\n" + signature).blocks]
    assert texts[-6:] == [
        "Nơi nhận:",
        "Ban Bí thư Trung ương Đảng;",
        "Lưu: VT, KGVX (2).",
        "TM. CHÍNH PHỦ",
        "THỦ TƯỚNG",
        "Nguyễn Xuân Phúc",
    ]


def test_a_number_broken_at_a_slash_is_joined_without_a_space() -> None:
    line = "Căn cứ Luật Chuyển giao công nghệ số 07/2017/QH14 và Nghị định số 76/2018/"
    text = f"{line}\nNĐ-CP ngày 15/05/2018 của Chính phủ quy định chi tiết thi hành một số điều.\n"
    raw = parse_text(f"{text}\n{text}\n{text}")
    assert "số 76/2018/NĐ-CP ngày" in raw.blocks[0].text and len(raw.blocks) == 3


def test_a_table_after_the_signature_is_not_split_at_the_signature_column() -> None:
    """The signature's column was remembered to the end of the text: a later table with a
    column at the same place had that column read as signature lines."""
    signature = (
        "Nơi nhận:                          TM. CHÍNH PHỦ\n"
        "- Ban Bí thư Trung ương Đảng;       THỦ TƯỚNG\n"
        "- Lưu: VT, KGVX (2).               Nguyễn Xuân Phúc\n"
    )
    prices = (
        "STT   Mặt hàng                     Giá (đồng)\n"
        "1     Gạo tẻ                       15.000\n"
        "2     Thịt lợn                     120.000\n"
    )
    blocks = parse_text(f"{_DECREE_HEAD}\n{signature}\nPHỤ LỤC\n\n{prices}").blocks
    assert blocks[-1].kind is BlockKind.TABLE
    assert blocks[-1].rows == (
        ("STT", "Mặt hàng", "Giá (đồng)"),
        ("1", "Gạo tẻ", "15.000"),
        ("2", "Thịt lợn", "120.000"),
    )
    texts = [block.text for block in blocks]
    assert texts[-6:-2] == ["Lưu: VT, KGVX (2).", "TM. CHÍNH PHỦ", "THỦ TƯỚNG", "Nguyễn Xuân Phúc"]


def test_two_very_long_lines_in_columns_are_compared_in_linear_time() -> None:
    """Each column start of one line was compared with every one of the other (2 s for two
    lines of 8,000 columns; 30,000 here)."""
    count = 30_000
    started = time.perf_counter()
    (table,) = parse_text(f"{'ab  ' * count}\n{'cd  ' * count}\n").blocks
    assert time.perf_counter() - started < 5
    assert table.kind is BlockKind.TABLE and len(table.rows[1]) == count
