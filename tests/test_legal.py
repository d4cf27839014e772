import pytest

from reader.core.documents import legal


@pytest.mark.parametrize(
    ("line", "rank"),
    [
        ("Phần thứ nhất", 1),
        ("PHẦN I. NHỮNG QUY ĐỊNH CHUNG", 1),
        ("Chương II", 2),
        ("CHƯƠNG III: HỢP ĐỒNG LAO ĐỘNG", 2),
        ("Mục 1. GIAO KẾT HỢP ĐỒNG", 3),
        ("II. CÁC THÀNH PHẦN THỂ THỨC CHÍNH", 3),
        ("Điều 5.", 4),
        ("Điều 12a. Quyền của người lao động", 4),
        ("Điều 36.3.LQ.1. Thanh niên", 4),
        ("Điều 19.2.NĐ.1.1. Phạm vi điều chỉnh", 4),
    ],
)
def test_structural_headings_have_their_rank(line: str, rank: int) -> None:
    assert legal.heading_level(line) == rank


@pytest.mark.parametrize(
    "line",
    [
        "Điều 10 Nghị định số 163/2006/NĐ-CP ngày 29/12/2006 của Chính phủ.",  # a citation
        "Điều 4. của Luật Dầu khí",  # a citation wrapped onto a line of its own
        "Chương 3 của cuốn sách kể về làng quê.",
        "Chương 3 đã kể về làng quê.",
        "Mục lục",
        "II. Quy định chung về những việc khác",  # Roman numbers head sections in capitals
        "Điều " + "rất dài " * 40,
    ],
)
def test_prose_is_not_a_heading(line: str) -> None:
    assert legal.heading_level(line) is None


def test_levels_are_compacted_to_the_ranks_a_document_uses() -> None:
    assert legal.compact_levels([2, 4, 4, 2]) == {2: 1, 4: 2}


def test_a_bare_heading_number_waits_for_its_title() -> None:
    assert legal.is_bare_heading_number("Chương I.")
    assert legal.is_bare_heading_number("Điều 36.3.LQ.1.")
    assert not legal.is_bare_heading_number("Điều 1. Phạm vi điều chỉnh")


@pytest.mark.parametrize(
    "line", ["1. Khoản một", "12) Khoản", "a) điểm a", "đ) điểm đ", "1.2. Tiểu mục"]
)
def test_clauses_and_points_are_list_items(line: str) -> None:
    assert legal.is_list_item(line)


def test_a_year_ending_a_sentence_is_not_a_clause() -> None:
    assert not legal.is_list_item("2020. Năm đó mưa nhiều.")


@pytest.mark.parametrize(
    "line",
    [
        "TM. ỦY BAN NHÂN DÂN",
        "KT. BỘ TRƯỞNG",
        "Q. CHÁNH ÁN",
        "TL. BỘ TRƯỞNG",
        "TUQ. GIÁM ĐỐC",
        "Nơi nhận:",
    ],
)
def test_signature_lines(line: str) -> None:
    assert legal.is_signature_line(line)


def test_a_sentence_starting_with_an_abbreviation_is_not_a_signature() -> None:
    assert not legal.is_signature_line("TP. Hồ Chí Minh là thành phố lớn nhất.")
    assert not legal.is_signature_line("Q. Ông ấy đi vắng.")


@pytest.mark.parametrize(
    "line",
    [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 145/2020/NĐ-CP",
        "Số:      /QĐ-UBND",
        "Luật số: 45/2019/QH14",
        "Hà Nội, ngày 14 tháng 12 năm 2020",
        "TP. Hồ Chí Minh, ngày    tháng    năm 2020",
        "---------------",
        "CHÍNH PHỦ          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    ],
)
def test_letterhead_lines(line: str) -> None:
    assert legal.is_header_line(line)


def test_body_lines_are_not_letterhead_lines() -> None:
    assert not legal.is_header_line(
        "Nhà nước Cộng hòa xã hội chủ nghĩa Việt Nam là nhà nước pháp quyền."
    )
    assert not legal.is_header_line("Số lượng người lao động: 120 người, ngày làm việc 8 giờ.")


def test_only_the_national_name_motto_and_number_are_lines_only_a_letterhead_has() -> None:
    for line in (
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 145/2020/NĐ-CP",
        "BỘ TÀI CHÍNH     Số: 12/BTC",
    ):
        assert legal.is_letterhead_line(line)
    for line in ("Hà Nội, ngày 14 tháng 12 năm 2020", "---------------"):
        assert legal.is_header_line(line) and not legal.is_letterhead_line(line)
    assert not legal.is_letterhead_line("Số lượng người lao động: 120 người.")


def test_the_subject_of_a_letter() -> None:
    assert legal.is_letter_subject("V/v triển khai thực hiện Nghị định số 145/2020/NĐ-CP")
    assert legal.is_letter_subject("  v/v: góp ý dự thảo")
    assert not legal.is_letter_subject("Về việc triển khai thực hiện Nghị định")
    assert not legal.is_letter_subject("V/vệ sinh")


@pytest.mark.parametrize(
    ("text", "capitals"),
    [
        ("CHÍNH PHỦ", True),
        ("II. CÁC THÀNH PHẦN", True),
        ("Chính phủ", False),
        ("2020 - 2025", False),
    ],
)
def test_capitals_are_text_with_letters_all_capitals(text: str, capitals: bool) -> None:
    assert legal.is_capitals(text) is capitals


def test_the_letterhead_runs_to_its_last_header_line() -> None:
    lines = [
        "QUỐC HỘI",
        "-------",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Hà Nội, ngày 28 tháng 11 năm 2013",
        "HIẾN PHÁP",
        "NƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    ]
    assert legal.letterhead_length(lines) == 5


def test_a_rule_and_a_date_alone_are_no_letterhead() -> None:
    assert legal.letterhead_length(["-----", "Hà Nội, ngày 2 tháng 3 năm 2020", "Thư gửi bạn"]) == 0


def test_document_types_and_numbers() -> None:
    assert legal.document_type("NGHỊ ĐỊNH") == ("NGHỊ ĐỊNH", None)
    assert legal.document_type("ÁN LỆ SỐ 43/2021/AL") == ("ÁN LỆ", "43/2021/AL")
    assert legal.document_type("Phụ lục I") == ("Phụ lục", "I")
    assert legal.document_type("QUY ĐỊNH CHI TIẾT THI HÀNH") is None
    assert legal.document_type("Luật") is None
    assert legal.document_number("Số: 145/2020/NĐ-CP      Hà Nội, ngày 14 tháng 12 năm 2020") == (
        "145/2020/NĐ-CP"
    )
    assert legal.document_number("Số:      /QĐ-UBND") is None
