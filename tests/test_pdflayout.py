"""The layout rules on hand-made lines: what each rule decides, without a PDF."""

import time

import pytest

from reader.core.documents.importers.pdflayout import (
    Cell,
    Hyphenation,
    Line,
    PageFoot,
    build_document,
    code_text,
    contents_entry,
    drop_page_furniture,
    split_footnotes,
)
from reader.core.documents.model import BlockKind

K = BlockKind
VOCABULARY = "văn bản quản lý nhà nước công tác văn thư hồ sơ lưu trữ điện tử ký số"
LEFT, RIGHT = 72.0, 523.0


def line(
    text: str,
    baseline: float,
    *,
    page: int = 0,
    left: float = LEFT,
    right: float = RIGHT,
    size: float = 11,
    **style,
) -> Line:
    cells = tuple(Cell(piece, left, right) for piece in text.split("\t"))
    return Line(page, cells, baseline + 0.8 * size, baseline - 0.2 * size, baseline, size, **style)


def body(page: int, texts: list[str], top: float = 700, step: float = 14) -> list[Line]:
    """Full-width body lines of a page, one under the other."""
    return [line(text, top - i * step, page=page) for i, text in enumerate(texts)]


def blocks(pages: list[list[Line]]) -> list[tuple[BlockKind, str]]:
    return [(block.kind, block.text) for block in build_document(pages, None).blocks]


def test_running_headers_and_page_numbers_go_and_body_lines_stay() -> None:
    pages = [
        [
            line(f"Báo cáo năm 2024 — chương {n}", 800, page=n, size=9),
            *body(n, [f"Dòng thân bài thứ nhất của trang {n} kết thúc.", "Dòng thứ hai."]),
            line(f"Trang {n + 1}", 40, page=n, size=9),
        ]
        for n in range(4)
    ]
    kept = drop_page_furniture(pages)
    assert [len(page) for page in kept] == [2, 2, 2, 2]
    assert all("Báo cáo" not in line.text and "Trang" not in line.text for p in kept for line in p)


def test_even_and_odd_pages_running_heads_both_go() -> None:
    heads = ["Luật Chuyển giao công nghệ", "Chương II. Hợp đồng chuyển giao"]
    pages = [
        [
            line(heads[n % 2], 800, page=n, size=9),
            *body(n, [f"Thân bài trang {['một', 'hai', 'ba', 'bốn', 'năm'][n]}."]),
            line(str(n + 1), 40, page=n, size=9),
        ]
        for n in range(5)
    ]
    assert [[kept.text for kept in page] for page in drop_page_furniture(pages)] == [
        [page[1].text] for page in pages
    ]


def test_a_symbol_font_bullet_makes_a_list_item() -> None:
    items = ["\uf0b7 Mục thứ nhất của danh sách.", "\uf0b7Mục thứ hai."]
    result = blocks([[line(text, 700 - 20 * i, right=300) for i, text in enumerate(items)]])
    assert result == [(K.LIST_ITEM, "Mục thứ nhất của danh sách."), (K.LIST_ITEM, "Mục thứ hai.")]


def test_a_line_repeated_at_different_heights_is_not_furniture() -> None:
    pages = [
        [line("Điều 1.", 790 - 30 * n, page=n), line("Thân bài.", 400, page=n), line("7", 40)]
        for n in range(3)
    ]
    assert [len(page) for page in drop_page_furniture(pages)] == [2, 2, 2]


def test_a_paragraph_goes_on_across_a_page_break() -> None:
    pages = [
        body(0, ["Đoạn văn đầu tiên của văn bản này được viết khá dài và", "vẫn còn tiếp tục"]),
        body(1, ["sang trang sau rồi mới kết thúc.", "Đoạn mới."], top=760),
    ]
    pages[1][1] = line("Đoạn mới bắt đầu ở đây.", 746, page=1, left=LEFT + 20)
    assert blocks(pages) == [
        (
            K.PARAGRAPH,
            "Đoạn văn đầu tiên của văn bản này được viết khá dài và vẫn còn tiếp tục "
            "sang trang sau rồi mới kết thúc.",
        ),
        (K.PARAGRAPH, "Đoạn mới bắt đầu ở đây."),
    ]


def test_a_sentence_ending_with_the_page_ends_its_paragraph() -> None:
    pages = [
        body(0, ["Dòng đầy đủ đầu tiên của đoạn văn trên trang này,", "và câu kết thúc ở đây."]),
        body(1, ["Đoạn mới ở đầu trang sau, không thụt đầu dòng.", "Câu thứ hai."], top=760),
    ]
    assert [text[:8] for _, text in blocks(pages)] == ["Dòng đầy", "Đoạn mới"]


@pytest.mark.parametrize(
    ("second", "joined"),
    [
        # A short line that does not end a sentence, then one in lower case: the same paragraph.
        (line("tiếp tục câu.", 686, right=200), True),
        # A short line ending a sentence: the paragraph ends.
        (line("Câu mới.", 686), False),
        # An indented first line: a new paragraph.
        (line("Đoạn thụt đầu dòng.", 686, left=LEFT + 20), False),
        # A blank line's worth of space: a new paragraph.
        (line("Đoạn cách dòng.", 660), False),
    ],
)
def test_paragraph_ends(second: Line, joined: bool) -> None:
    first_lines = body(0, ["Dòng đầy đủ của một đoạn văn bản rất dài, kéo đến lề phải."] * 2)
    ending = line("Dòng ngắn cuối", 700, right=250)
    ending_sentence = line("Dòng ngắn cuối.", 700, right=250)
    previous = ending if second.text[0].islower() else ending_sentence
    pages = [[*body(0, [first_lines[0].text] * 2, top=728), previous, second]]
    assert (len(blocks(pages)) == 1) is joined


def test_footnotes_are_cut_from_the_foot_and_follow_the_citing_paragraph() -> None:
    page = [
        *body(0, ["Đoạn thứ nhất nói về độ dài của trường trong cơ sở dữ liệu.¹¹", "Đoạn hai."]),
        line("11 Độ dài của trường không quá 255 ký tự.", 90, size=8, note_mark="11"),
        line("tính cả khoảng trắng.", 80, size=8),
    ]
    page[0].refs = ("11",)
    page[1].cells = (
        Cell("Đoạn thứ hai của trang, viết dài hơn ghi chú bên dưới.", LEFT + 20, 400),
    )
    foot = split_footnotes(page, 11)
    assert foot.body == page[:2]
    assert foot.notes == ["11 Độ dài của trường không quá 255 ký tự. tính cả khoảng trắng."]
    kinds = [kind for kind, _ in blocks([page])]
    assert kinds == [K.PARAGRAPH, K.FOOTNOTE, K.PARAGRAPH]


def test_small_text_above_the_body_is_not_a_footnote() -> None:
    page = [line("1 Ghi chú nhỏ", 750, size=8), *body(0, ["Thân bài."], top=700)]
    assert split_footnotes(page[::-1], 11) == PageFoot(page[::-1])


def test_a_footnote_going_on_under_the_next_page_is_joined() -> None:
    text = ["Thân bài của trang {} kéo dài đến lề phải, viết bằng cỡ chữ của thân bài."] * 3
    first = [
        *body(0, [row.format("đầu") for row in text]),
        line("7 Ghi chú dài, bắt đầu ở trang này", 90, size=8, note_mark="7"),
    ]
    second = [
        *body(1, [row.format("sau") for row in text]),
        line("và kết thúc ở trang sau.", 90, page=1, size=8),
    ]
    assert split_footnotes(second, 11) == PageFoot(second)  # no note before: small text stays
    notes = [b.text for b in build_document([first, second], None).blocks if b.kind is K.FOOTNOTE]
    assert notes == ["7 Ghi chú dài, bắt đầu ở trang này và kết thúc ở trang sau."]


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        ("Chương I. Quy định chung ........................ 5", ("Chương I. Quy định chung", "5")),
        ("Điều 1. Phạm vi…………12", ("Điều 1. Phạm vi", "12")),
        ("Lời nói đầu\tiii", ("Lời nói đầu", "iii")),  # a wide gap, no leader
        ("Năm 2020 tăng 5", None),  # prose ending in a number
        ("....... 5", None),
    ],
)
def test_contents_entries(text: str, entry: tuple[str, str] | None) -> None:
    assert contents_entry(line(text, 700)) == entry


def test_a_contents_page_is_one_block_and_a_lone_entry_is_prose() -> None:
    entries = [f"Chương {n}. Nội dung chương {n} ........ {n * 4}" for n in range(1, 6)]
    prose = ["Thân bài của văn bản kéo dài đến lề phải, không ngắt giữa chừng"] * 4
    pages = [[*body(0, entries), *body(0, [*prose, "và kết thúc bằng dấu chấm .... 3"], top=600)]]
    result = blocks(pages)
    assert result[0] == (
        K.CONTENTS,
        "\n".join(f"Chương {n}. Nội dung chương {n} … {n * 4}" for n in range(1, 6)),
    )
    assert result[1][0] is K.PARAGRAPH


@pytest.mark.parametrize(
    ("lines", "words", "joined"),
    [
        (["hyphen-", "ated word"], frozenset(), "hyphenated word"),
        (["well-", "known fact"], frozenset({"well-known"}), "well-known fact"),
        (["co-", "operate"], frozenset({"cooperate"}), "cooperate"),
        (["kinh tế-", "xã hội"], frozenset(), "kinh tế-xã hội"),  # Vietnamese: never hyphenated
        (["nhiệm kỳ 2020-", "2025 này"], frozenset(), "nhiệm kỳ 2020-2025 này"),
        (["Hà Nội -", "Hải Phòng"], frozenset(), "Hà Nội -Hải Phòng"),
        (["first line", "second line"], frozenset(), "first line second line"),
        (["soft\u00ad", "hyphen"], frozenset(), "softhyphen"),
        (["pdfium\ufffe", "marks"], frozenset(), "pdfiummarks"),
    ],
)
def test_line_end_hyphens(lines: list[str], words: frozenset[str], joined: str) -> None:
    assert Hyphenation(words).join(lines) == joined


def test_a_long_paragraph_of_hyphenated_lines_is_joined_in_linear_time() -> None:
    """The whole text so far was copied and scanned at each hyphen (41 s for 8,000 lines)."""
    lines = ["cuối dòng này ngắt giữa một từ tiếng Anh hy-", "phen rồi tiếp tục"] * 4000
    started = time.perf_counter()
    joined = Hyphenation().join(lines)
    assert time.perf_counter() - started < 5
    assert joined == " ".join(
        ["cuối dòng này ngắt giữa một từ tiếng Anh hyphen rồi tiếp tục"] * 4000
    )


def test_code_keeps_its_indentation_and_blank_lines() -> None:
    width = 6.0  # a monospaced character at 10 points
    code = [
        line("def main():", 700, size=10, right=LEFT + 11 * width, mono=True),
        line("return 0", 688, size=10, left=LEFT + 4 * width, right=LEFT + 12 * width, mono=True),
        line("main()", 664, size=10, right=LEFT + 6 * width, mono=True),
    ]
    assert code_text(code) == "def main():\n    return 0\n\nmain()"
    assert blocks([code]) == [(K.CODE, "def main():\n    return 0\n\nmain()")]


def test_headings_by_size_then_weight() -> None:
    page = [
        line("Chương I", 760, size=16, bold=True, right=200),
        line("Điều 1. Phạm vi điều chỉnh", 730, bold=True, right=260),
        line("- Tình huống áp dụng:", 716, bold=True, italic=True, right=200),
        *body(
            0,
            ["Nghị định này quy định về công tác văn thư và quản lý nhà nước về văn thư."] * 4,
            top=700,
        ),
        line("Một câu in đậm dài hơn tám từ để nhấn mạnh nội dung.", 630, bold=True),
    ]
    result = build_document([page], "Nghị định 30/2020/NĐ-CP")
    assert result.title == "Nghị định 30/2020/NĐ-CP"  # the metadata's, not a heading
    assert [(b.kind, b.level) for b in result.blocks] == [
        (K.HEADING, 1),
        (K.HEADING, 2),
        (K.HEADING, 3),  # bold italic ranks under bold; its dash is a bullet's, not text
        (K.PARAGRAPH, 0),
        (K.PARAGRAPH, 0),
    ]
    assert result.toc == [
        (1, "Chương I", 0),
        (2, "Điều 1. Phạm vi điều chỉnh", 1),
        (3, "Tình huống áp dụng:", 2),
    ]


def test_cells_kept_in_columns_make_a_table_with_wrapped_cells_joined() -> None:
    def row(baseline: float, *cells: tuple[str, float, float]) -> Line:
        shown = tuple(Cell(text, left, right) for text, left, right in cells)
        return Line(0, shown, baseline + 9, baseline - 2, baseline, 11)

    lines = [
        *body(0, ["Bảng dưới đây liệt kê các trường."], top=740),
        row(720, ("Năm", 72, 95), ("Kết quả", 271, 318)),
        row(706, ("2023", 72, 98), ("Hoàn thành tốt", 271, 360)),
        row(692, ("nhiệm vụ.", 275, 330)),
        row(678, ("2024", 72, 98), ("Tiếp tục.", 271, 320)),
        *body(0, ["Đoạn sau bảng."], top=650),
    ]
    result = build_document([lines], None).blocks
    assert [block.kind for block in result] == [K.PARAGRAPH, K.TABLE, K.PARAGRAPH]
    assert result[1].rows == (
        ("Năm", "Kết quả"),
        ("2023", "Hoàn thành tốt nhiệm vụ."),
        ("2024", "Tiếp tục."),
    )


def test_cells_that_do_not_keep_to_columns_are_prose() -> None:
    def row(baseline: float, *cells: tuple[str, float, float]) -> Line:
        shown = tuple(Cell(text, left, right) for text, left, right in cells)
        return Line(0, shown, baseline + 9, baseline - 2, baseline, 11)

    lines = [
        row(720, ("Một", 72, 95), ("hai", 150, 200), ("ba", 300, 320)),
        row(706, ("Bốn năm sáu bảy tám chín", 72, 320), ("mười.", 400, 430)),
    ]
    assert all(block.kind is not K.TABLE for block in build_document([lines], None).blocks)


def test_two_tables_one_under_the_other_on_different_grids() -> None:
    def row(baseline: float, *spans: tuple[float, float]) -> Line:
        cells = tuple(Cell(f"ô {left:.0f}", left, right) for left, right in spans)
        return Line(0, cells, baseline + 9, baseline - 2, baseline, 11)

    wide = ((72, 100), (150, 330))  # a second column as wide as the next table's last two
    narrow = ((72, 100), (150, 180), (300, 330))
    lines = [row(720, *wide), row(706, *wide), row(692, *narrow), row(678, *narrow)]
    result = build_document([lines], None).blocks
    assert [(block.kind, len(block.rows), len(block.rows[0])) for block in result] == [
        (K.TABLE, 2, 2),
        (K.TABLE, 2, 3),
    ]


def test_bold_makes_no_heading_in_a_document_set_in_bold() -> None:
    lines = [line(f"Dòng ngắn in đậm số {n}", 700 - 20 * n, bold=True, right=250) for n in range(5)]
    assert {kind for kind, _ in blocks([lines])} == {K.PARAGRAPH}


def test_five_hundred_pages_lay_out_in_linear_time() -> None:
    """20,000 lines: quadratic work in any step would take minutes, not a second."""
    words = VOCABULARY.split()

    def text(page: int, row: int) -> str:
        return " ".join(words[(page * 7 + row * 3 + i) % len(words)] for i in range(12)) + (
            "." if row % 5 == 4 else ""
        )

    pages = [
        [
            line("Báo cáo tổng hợp", 800, page=p, size=9),
            *(line(text(p, r), 760 - 14 * r, page=p) for r in range(40)),
            line(f"7 Ghi chú của trang {p}.", 90, page=p, size=8, note_mark="7"),
            line(str(p + 1), 40, page=p, size=9),
        ]
        for p in range(500)
    ]
    started = time.process_time()
    document = build_document(pages, None)
    assert time.process_time() - started < 20
    assert sum(block.kind is K.FOOTNOTE for block in document.blocks) == 500
