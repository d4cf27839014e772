from pathlib import Path

import pytest

from reader.core.documents.loader import load_document
from reader.core.documents.model import BlockKind
from reader.core.documents.titles import choose_title, is_plausible_title

H, P, HEADER = BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.HEADER
_LETTERHEAD = (
    "CHÍNH PHỦ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
    "Số: 145/2020/NĐ-CP\nHà Nội, ngày 14 tháng 12 năm 2020"
)
_DECREE = [
    (HEADER, 0, _LETTERHEAD),
    (H, 1, "NGHỊ ĐỊNH"),
    (H, 1, "QUY ĐỊNH CHI TIẾT VÀ HƯỚNG DẪN THI HÀNH MỘT SỐ ĐIỀU CỦA BỘ LUẬT LAO ĐỘNG"),
    (H, 1, "VỀ ĐIỀU KIỆN LAO ĐỘNG VÀ QUAN HỆ LAO ĐỘNG"),
    (P, 0, "Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;"),
    (H, 1, "Chương I\nQUY ĐỊNH CHUNG"),
]
_DECREE_TITLE = (
    "Nghị định 145/2020/NĐ-CP — Quy định chi tiết và hướng dẫn thi hành một số điều của "
    "Bộ luật Lao động về điều kiện lao động và quan hệ lao động"
)


def test_a_plausible_declared_title_is_kept() -> None:
    assert choose_title("Bộ luật Lao động 2019", _DECREE, "nd145") == "Bộ luật Lao động 2019"


@pytest.mark.parametrize(
    "declared",
    [
        None,
        "",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Contents",
        "Mục lục",
        "Untitled",
        "Microsoft Word - ND 145 2020.doc",
        "nd-145-2020-ND-CP.pdf",
        "nd_145_2020",
        "Phần I",
        "nd145",
        "CHÍNH PHỦ",  # the issuing body, from the letterhead
    ],
)
def test_a_decree_is_titled_by_its_type_number_and_summary(declared: str | None) -> None:
    assert choose_title(declared, _DECREE, "nd145") == _DECREE_TITLE


def test_the_number_of_a_precedent_is_on_its_type_line() -> None:
    blocks = [
        (P, 0, "ÁN LỆ SỐ 43/2021/AL"),
        (P, 0, "Về hiệu lực của hợp đồng thế chấp trong trường hợp tài sản thế chấp là nhà đất"),
        (
            P,
            0,
            "Được Hội đồng Thẩm phán Tòa án nhân dân tối cao thông qua ngày 24 tháng 02 năm 2021",
        ),
    ]
    assert choose_title(None, blocks, "x") == (
        "Án lệ 43/2021/AL — Về hiệu lực của hợp đồng thế chấp trong trường hợp tài sản thế chấp "
        "là nhà đất"
    )


def test_a_letterhead_laid_out_in_a_table_gives_its_number() -> None:
    blocks = [
        (
            BlockKind.TABLE,
            0,
            "BỘ TÀI CHÍNH\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 12/2021/TT-BTC\t",
        ),
        (P, 0, "THÔNG TƯ"),
        (P, 0, "Hướng dẫn quản lý thuế"),
    ]
    assert choose_title(None, blocks, "x") == "Thông tư 12/2021/TT-BTC — Hướng dẫn quản lý thuế"


def test_proper_names_keep_their_capitals_when_a_summary_is_sentence_cased() -> None:
    blocks = [
        (H, 1, "HIẾN PHÁP"),
        (H, 1, "NƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        (H, 1, "LỜI NÓI ĐẦU"),
    ]
    assert choose_title(None, blocks, "x") == "Hiến pháp — Nước Cộng hòa xã hội chủ nghĩa Việt Nam"


def test_without_an_official_title_the_first_heading_then_the_file_name() -> None:
    blocks = [(HEADER, 0, _LETTERHEAD), (P, 0, "Lời mở đầu."), (H, 2, "Chợ quê\nngày Tết")]
    assert choose_title("Contents", blocks, "cho-que") == "Chợ quê ngày Tết"
    assert choose_title(None, [(P, 0, "Một đoạn văn.")], "cho-que") == "cho-que"


def test_a_mention_of_a_law_in_running_text_is_no_type_line() -> None:
    blocks = [(P, 0, "Luật"), (P, 0, "Văn bản này nói về luật.")]
    assert choose_title(None, blocks, "ghi-chu") == "ghi-chu"


def test_plausible_titles() -> None:
    assert is_plausible_title("Tắt đèn")
    assert is_plausible_title("Án lệ số 43/2021/AL")
    assert is_plausible_title("COVID-19")
    assert not is_plausible_title("   ")
    assert not is_plausible_title("Microsoft PowerPoint - bao-cao")


def test_the_loader_titles_a_text_decree(tmp_path: Path) -> None:
    path = tmp_path / "nd145.txt"
    text = _LETTERHEAD + "\n\nNGHỊ ĐỊNH\nQUY ĐỊNH CHI TIẾT THI HÀNH BỘ LUẬT LAO ĐỘNG\n\n"
    path.write_text(text + "Căn cứ Bộ luật Lao động ngày 20 tháng 11 năm 2019;\n", encoding="utf-8")
    document = load_document(path, language="vi")
    assert (
        document.title == "Nghị định 145/2020/NĐ-CP — Quy định chi tiết thi hành Bộ luật Lao động"
    )
    assert document.blocks[0].kind is BlockKind.HEADER and not document.blocks[0].translate


def test_a_long_summary_is_shortened_at_a_word() -> None:
    blocks = [(P, 0, "QUYẾT ĐỊNH"), (P, 0, "Về việc " + "phê duyệt kế hoạch " * 40)]
    title = choose_title(None, blocks, "x")
    assert title.startswith("Quyết định — Về việc phê duyệt") and title.endswith(" …")
    assert title[:-2].split()[-1] in {"phê", "duyệt", "kế", "hoạch"}  # whole words only
    assert len(title) < 340


def test_footnotes_contents_and_division_headings_are_not_titles() -> None:
    blocks = [
        (BlockKind.HEADING, 1, "MỤC LỤC"),
        (BlockKind.CONTENTS, 0, "Chương I. Quy định chung ..... 3"),
        (BlockKind.HEADING, 1, "ÁN LỆ SỐ 43/2021/AL¹"),
        (BlockKind.FOOTNOTE, 0, "1 Án lệ này do Vụ Pháp chế đề xuất."),
        (BlockKind.HEADING, 2, "Về hiệu lực của hợp đồng thế chấp"),
    ]
    assert choose_title(None, blocks, "x") == "Án lệ 43/2021/AL — Về hiệu lực của hợp đồng thế chấp"
    divisions = [(BlockKind.HEADING, 1, "MỤC LỤC"), (BlockKind.HEADING, 1, "Chương I. Quy định")]
    assert choose_title(None, divisions, "office") == "office"
