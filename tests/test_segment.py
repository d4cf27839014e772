"""Sentence segmentation: the constructs of real Vietnamese official texts and of English,
span invariants on arbitrary text, and accuracy floors on two gold corpora."""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.segment import split_sentences
from reader.core.segment.abbreviations import language_data, parse_data

REPO = Path(__file__).resolve().parents[1]
F1_FLOOR = 0.98


def sentences(text: str, lang: str = "vi") -> list[str]:
    return [text[start:end] for start, end in split_sentences(text, lang)]


# --- Vietnamese ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Công tác tuyên truyền của các cấp ủy, tổ chức đảng,CB,ĐV chưa đầy đủ.",
        "Tham mưu ban hành Thông báo số 32-TB/TW, ngày 18/8/2023 của Bộ Chính trị.",
        "Nguồn trích từ Báo cáo số 259-BC/BTCTW ngày 29/12/2023 của Ban Tổ chức Trung ương.",
        "Tổng thu đạt 1.234,5 tỷ đồng, tăng 12,5% so với năm 2022.",
        "Đoàn công tác đã đến TP. Hồ Chí Minh và Tp. Cần Thơ trong tháng 3.",
        "Theo PGS.TS. Nguyễn Văn Minh và GS.TSKH. Trần Văn Bình, kết quả là tốt.",
        "Ông Nguyễn V. A. cho biết như vậy.",
        "Hội thảo có sự tham dự của ThS. Lê Thị Hoa, BS. Trần An và KS. Phạm Bình.",
        "Xem thêm tr. 15 và Nxb. Chính trị quốc gia.",
        "Lúc 08:48 ngày 14/01/2024, buổi lễ bắt đầu.",
        "Hàng hóa, dịch vụ... đều tăng giá.",
        "Đầu tư vào tỉnh Bà Rịa-Vũng Tàu đạt 2.000 tỷ đồng (tăng 5%) trong năm.",
        'Ông hỏi: "Anh có đi không?" - tôi trả lời ngay.',
        "Bộ Chính trị ban hành Quy định số 58-QĐ/TW (thay thế Quy định số 126-QĐ/TW).",
        "Điều 5. Phạm vi điều chỉnh",
        "Chương II. QUY ĐỊNH CHUNG",
        "CHƯƠNG I. NHỮNG QUY ĐỊNH CHUNG",
        "Chị N.T.H. (30 tuổi, ngụ TP.HCM) cho biết đã nộp đơn.",
        "1. Tham mưu ban hành văn bản hướng dẫn",
    ],
)
def test_vietnamese_constructs_stay_one_sentence(text: str) -> None:
    assert sentences(text) == [text]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            # the end goes after the closing quote when the period follows it...
            "Theo Quy định số 58-QĐ/TW của Bộ Chính trị “Một số vấn đề về BVCTNB Đảng”. "
            "Ban hành Hướng dẫn số 02-HD/BTCTW.",
            [
                "Theo Quy định số 58-QĐ/TW của Bộ Chính trị “Một số vấn đề về BVCTNB Đảng”.",
                "Ban hành Hướng dẫn số 02-HD/BTCTW.",
            ],
        ),
        (
            # ... and after the closing quote or bracket when it follows the period
            "Anh ấy nói: “Tôi sẽ đến.” Sau đó anh đi (tối hôm đó.) Mọi người về.",
            ["Anh ấy nói: “Tôi sẽ đến.”", "Sau đó anh đi (tối hôm đó.)", "Mọi người về."],
        ),
        (
            "đội ngũ cán bộ, đảng viên (CB,ĐV). Năm 2023, năm thứ ba triển khai.",
            ["đội ngũ cán bộ, đảng viên (CB,ĐV).", "Năm 2023, năm thứ ba triển khai."],
        ),
        (
            "Trương Thị Mai trao Huân chương Lao động hạng Ba. (Ảnh: Phương Hoa/TTXVN)",
            ["Trương Thị Mai trao Huân chương Lao động hạng Ba.", "(Ảnh: Phương Hoa/TTXVN)"],
        ),
        (
            "Phó Trưởng Ban Tổ chức Trung ương phát biểu. Ảnh: Phương Hoa/TTXVN",
            ["Phó Trưởng Ban Tổ chức Trung ương phát biểu.", "Ảnh: Phương Hoa/TTXVN"],
        ),
        (
            "- Tăng cường công tác bảo vệ Cương lĩnh. Sơ kết 05 năm thực hiện Quyết định.",
            ["- Tăng cường công tác bảo vệ Cương lĩnh.", "Sơ kết 05 năm thực hiện Quyết định."],
        ),
        (
            "Ông sống ở TP. Hồ Chí Minh. 10 năm sau, ông về Hà Nội.",
            ["Ông sống ở TP. Hồ Chí Minh.", "10 năm sau, ông về Hà Nội."],
        ),
        (
            "Chúng tôi chờ mãi... Rồi anh ấy đến. Mọi người im lặng... chờ đợi.",
            ["Chúng tôi chờ mãi...", "Rồi anh ấy đến.", "Mọi người im lặng... chờ đợi."],
        ),
        (
            "Các mặt hàng như gạo, cà phê, v.v. Các doanh nghiệp cần chú ý.",
            ["Các mặt hàng như gạo, cà phê, v.v.", "Các doanh nghiệp cần chú ý."],
        ),
        (
            "Vì sao vậy? Ai chịu trách nhiệm! Câu hỏi vẫn còn đó.",
            ["Vì sao vậy?", "Ai chịu trách nhiệm!", "Câu hỏi vẫn còn đó."],
        ),
        (
            "Diện tích còn lại vẫn đang chờ kiểm điểm (?). Và thành quả vẫn còn.",
            ["Diện tích còn lại vẫn đang chờ kiểm điểm (?).", "Và thành quả vẫn còn."],
        ),
        (
            'Ông kể lại chuyện cũ. "Đó là năm 1975", ông nói.',
            ["Ông kể lại chuyện cũ.", '"Đó là năm 1975", ông nói.'],
        ),
        (
            # an initial ends a sentence only before a word that usually starts one
            "Theo lời kể của ông H. Ông này cho biết vụ việc đã được báo cáo.",
            ["Theo lời kể của ông H.", "Ông này cho biết vụ việc đã được báo cáo."],
        ),
        (
            # sloppy web text: a space before the closing quote
            "Anh hỏi: “Vậy sao? ” Tôi gật đầu. Họ nói “không bình thường ”. Sau đó về.",
            ["Anh hỏi: “Vậy sao? ”", "Tôi gật đầu.", "Họ nói “không bình thường ”.", "Sau đó về."],
        ),
        (
            "1. Tham mưu ban hành văn bản. 2. Phối hợp thẩm định.",
            ["1. Tham mưu ban hành văn bản.", "2. Phối hợp thẩm định."],
        ),
    ],
)
def test_vietnamese_sentence_ends(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_lower_case_after_a_period_does_not_start_a_sentence() -> None:
    text = "Ông H. thủng thẳng nói. ông ấy cười."
    assert sentences(text) == [text]


def test_blank_line_and_new_list_item_end_a_sentence_without_punctuation() -> None:
    text = "Nhiệm vụ năm 2024\n- Tăng cường kiểm tra\n- Đẩy mạnh đào tạo\n\nKết luận chung"
    assert sentences(text) == [
        "Nhiệm vụ năm 2024",
        "- Tăng cường kiểm tra",
        "- Đẩy mạnh đào tạo",
        "Kết luận chung",
    ]


def test_a_single_line_break_is_only_a_space() -> None:
    text = "Công tác BVCTNB là một bộ phận\ntrọng yếu của công tác xây dựng Đảng."
    assert sentences(text) == [text]


# --- Dialogue dashes -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Tôi vẽ một con cừu... - Phải, tôi nói. – Không, nó ốm rồi! — Vẽ con khác đi.",
            [
                "Tôi vẽ một con cừu...",
                "- Phải, tôi nói.",
                "– Không, nó ốm rồi!",
                "— Vẽ con khác đi.",
            ],
        ),
        ("Con chờ u mãi… — U về rồi đây!", ["Con chờ u mãi…", "— U về rồi đây!"]),
        (
            # a dash against the word, even with no space after the terminal's run
            "Ông hỏi: “Anh có đi không?” -Tôi đi.",
            ["Ông hỏi: “Anh có đi không?”", "-Tôi đi."],
        ),
        (
            "Các mặt hàng như gạo, cà phê, v.v. - Các doanh nghiệp cần chú ý.",
            ["Các mặt hàng như gạo, cà phê, v.v.", "- Các doanh nghiệp cần chú ý."],
        ),
        (
            # a turn on a line of its own, its dash against the word
            "Anh đi đâu đấy?\n-Tôi đi chợ.\n—Ừ.",
            ["Anh đi đâu đấy?", "-Tôi đi chợ.", "—Ừ."],
        ),
    ],
)
def test_a_dialogue_dash_after_a_sentence_end_starts_a_turn(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc",
        "Kế hoạch giai đoạn 2020-2025 của thành phố Hà Nội - Việt Nam đã được duyệt.",
        "Sổ ấy có tên thằng Hợi - lúc ấy nó còn chưa chết - khi đệ lên tỉnh.",
        "Chúng tôi chờ mãi... - tôi nói.",  # lower case after the dash: an attribution
        "Nhiệt độ đêm qua giảm xuống tới\n-5 độ ở vùng núi.",  # a negative number
        "Tổng số vụ năm 2023. - 5 vụ so với năm trước.",
    ],
)
def test_a_dash_that_is_not_a_turn_of_dialogue_does_not_split(text: str) -> None:
    assert sentences(text) == [text]


# --- Closing punctuation -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Anh thấy quen quen?". Rồi anh đi.', ['Anh thấy quen quen?".', "Rồi anh đi."]),
        # spaced, as tokenised corpora have it
        ('Anh thấy quen quen ? " . Rồi anh đi .', ['Anh thấy quen quen ? " .', "Rồi anh đi ."]),
        ("Họ nói “quen lắm!” . Rồi về.", ["Họ nói “quen lắm!” .", "Rồi về."]),
        ("Họ nói «quen lắm!» . Rồi về.", ["Họ nói «quen lắm!» .", "Rồi về."]),
        ("Họ nói 'quen lắm!'. Rồi về.", ["Họ nói 'quen lắm!'.", "Rồi về."]),
        ("Họ nói (rất nhỏ: “Đi đi!” ) Rồi về.", ["Họ nói (rất nhỏ: “Đi đi!” )", "Rồi về."]),
        # spaced on both sides, a straight quote closes when it is the second of a pair...
        ('Anh hỏi " quen không ? " Rồi anh đi .', ['Anh hỏi " quen không ? "', "Rồi anh đi ."]),
        # ... and opens when it holds on to the next word
        (
            'Anh hỏi "quen không?" "Không." Rồi đi.',
            ['Anh hỏi "quen không?"', '"Không."', "Rồi đi."],
        ),
    ],
)
def test_closing_quotes_and_what_follows_them_stay_with_their_sentence(
    text: str, expected: list[str]
) -> None:
    assert sentences(text) == expected


def test_a_spaced_ellipsis_after_a_period_starts_the_next_sentence() -> None:
    text = "Cuộc chiến đã qua. ... Rồi cũng chính con sông này chứng kiến."
    assert sentences(text) == ["Cuộc chiến đã qua.", "... Rồi cũng chính con sông này chứng kiến."]


# --- Legal numbering and signatures --------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Điều 36.3.LQ.1. Thanh niên là công dân Việt Nam từ đủ 16 tuổi đến 30 tuổi.",
        "Điều 19.2.NĐ.1.1. Phạm vi điều chỉnh",
        "ĐIỀU 5. PHẠM VI ĐIỀU CHỈNH",
        "Khoản 2 Điều 3. Nội dung quản lý nhà nước",
        "điểm a khoản 1 Điều 5. Trường hợp được miễn",
        "Mục 1. QUY ĐỊNH CHUNG",
        "Phụ lục I. THỂ THỨC VĂN BẢN",
        "1.2.3. Yêu cầu chung về trình bày",
        "Việc chuyển giao thực hiện theo quy định tại Điều 36.3.LQ.1. của Luật Thanh niên.",
        "(Điều này có nội dung liên quan đến Điều 19.2.LQ.52. Chuyển giao công nghệ)",
        "(Điều này có nội dung liên quan đến Điều 4. của Luật 18-L/CTN Dầu khí; Điều 3.3.LQ.38. "
        "Khuyến khích nghiên cứu - phát triển công nghệ thông tin; Điều 7. Nội dung hợp tác)",
        "1. Sửa đổi Điều 5 như sau: “Điều 5. Giải thích từ ngữ Trong Luật này, các từ ngữ dưới "
        "đây được hiểu như sau:”",
        "Số: 145/2020/NĐ-CP Hà Nội, ngày 05 tháng 3 năm 2020",
        "Thực hiện Thông báo số 32-TB/TW ngày 18/8/2023 của Bộ Chính trị.",
        "Thửa đất số 12 có diện tích 298,30 m² đất ở tại nông thôn.",
        "TM. ỦY BAN NHÂN DÂN",
        "KT. BỘ TRƯỞNG",
        "TL. BỘ TRƯỞNG",
        "TUQ. CHỦ TỊCH",
        "Q. GIÁM ĐỐC",
        "P. GIÁM ĐỐC",
    ],
)
def test_legal_numbers_and_signing_abbreviations_stay_with_their_text(text: str) -> None:
    assert sentences(text) == [text]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            # a plain number inside a sentence may end it
            "Việc xử phạt thực hiện theo quy định tại Điều 5. Các cơ quan phối hợp thực hiện.",
            ["Việc xử phạt thực hiện theo quy định tại Điều 5.", "Các cơ quan phối hợp thực hiện."],
        ),
        (
            "Việc này thực hiện theo khoản 2 Điều 3. Bộ Tài chính hướng dẫn.",
            ["Việc này thực hiện theo khoản 2 Điều 3.", "Bộ Tài chính hướng dẫn."],
        ),
        (
            # after a colon only a labelled number is a heading, not a count
            "Số lượng: 12. Các xã đều đã báo cáo.",
            ["Số lượng: 12.", "Các xã đều đã báo cáo."],
        ),
        (
            "Thửa đất có diện tích 298,30 m². Phần còn lại giao cho UBND xã.",
            ["Thửa đất có diện tích 298,30 m².", "Phần còn lại giao cho UBND xã."],
        ),
        (
            "Điều 5. Phạm vi điều chỉnh. Nghị định này quy định về công tác văn thư.",
            ["Điều 5. Phạm vi điều chỉnh.", "Nghị định này quy định về công tác văn thư."],
        ),
    ],
)
def test_numbers_that_end_a_sentence_still_end_it(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


# --- English -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Mr. Smith met Dr. Jones and Mrs. Brown at St. Mary's church.",
        "Prices rose, e.g. rents and food, i.e. the basics of life.",
        "The U.S. economy grew 2.5% last year.",
        "The meeting starts at 10:30 a.m. on Monday and ends at 5 p.m. sharp.",
        "He paid $3.50 for 1,234.5 grams.",
        "See Fig. 3 and p. 12 of Vol. 2 for details.",
        "John F. Kennedy was elected in 1960.",
    ],
)
def test_english_constructs_stay_one_sentence(text: str) -> None:
    assert sentences(text, "en") == [text]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Is it true? Yes! It is.", ["Is it true?", "Yes!", "It is."]),
        ("Apples, pears, etc. The list goes on.", ["Apples, pears, etc.", "The list goes on."]),
        (
            "He moved to the U.S. The weather was nice.",
            ["He moved to the U.S.", "The weather was nice."],
        ),
        ('She said "Go home." Then she left.', ['She said "Go home."', "Then she left."]),
        ("It cost 3.5 million. No. 5 was cheaper.", ["It cost 3.5 million.", "No. 5 was cheaper."]),
    ],
)
def test_english_sentence_ends(text: str, expected: list[str]) -> None:
    assert sentences(text, "en") == expected


# --- Other languages and language codes ----------------------------------------------------


def test_generic_rules_for_languages_without_data() -> None:
    assert sentences("Das ist gut. Wir gehen jetzt.", "de") == ["Das ist gut.", "Wir gehen jetzt."]
    assert sentences("今日は晴れです。明日は雨です。", "ja") == [
        "今日は晴れです。",
        "明日は雨です。",
    ]


def test_abbreviations_depend_on_the_language() -> None:
    text = "Đoàn đến TP. Huế hôm qua."
    assert sentences(text, "vi") == [text]
    assert sentences(text, "de") == ["Đoàn đến TP.", "Huế hôm qua."]


@pytest.mark.parametrize("code", ["vi-VN", "VI", "vi_VN"])
def test_regional_and_upper_case_codes_use_the_base_language(code: str) -> None:
    assert sentences("Ông sống ở TP. Hồ Chí Minh. Bà ở Huế.", code) == [
        "Ông sống ở TP. Hồ Chí Minh.",
        "Bà ở Huế.",
    ]


def test_empty_and_blank_text_have_no_sentences() -> None:
    assert split_sentences("", "vi") == []
    assert split_sentences(" \n\t ", "en") == []


def test_spans_are_offsets_into_the_given_text() -> None:
    text = "  Câu một.   Câu hai.  "
    assert split_sentences(text, "vi") == [(2, 10), (13, 21)]


# --- Abbreviation data ---------------------------------------------------------------------


def test_shipped_data_is_loaded_by_section() -> None:
    vietnamese = language_data("vi")
    assert {"TP", "PGS", "TS", "ThS"} <= vietnamese.never
    assert "v.v" in vietnamese.maybe
    assert "Điều" in vietnamese.labels
    assert {"Mr", "Dr", "e.g", "i.e"} <= language_data("en").never
    assert language_data("xx").never == frozenset()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_an_abbreviation_is_either_never_or_maybe_a_sentence_end(language: str) -> None:
    data = language_data(language)
    assert data.never and data.starters
    assert not data.never & data.maybe


def test_data_files_reject_unknown_sections() -> None:
    with pytest.raises(ValueError, match="unknown section"):
        parse_data("[sometimes]\nTP\n")
    with pytest.raises(ValueError, match="before any"):
        parse_data("TP\n")
    assert parse_data("# comment\n[never]\nTP.  # trailing\n").never == {"TP"}


# --- Properties on arbitrary text ----------------------------------------------------------

_PIECES = [*"aAzĐđ1. !?…\"“”'()[]-–\n\t,;:。", "TP.", "v.v.", "Mr.", "Điều", "\u00a0", "Ông", "..."]
_TRICKY = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)
_LANGUAGES = st.sampled_from(["vi", "en", "de", "und", "auto", ""])


def assert_valid_spans(text: str, spans: list[tuple[int, int]]) -> None:
    covered = 0
    for start, end in spans:
        assert covered <= start < end <= len(text)  # in order, non-empty, not overlapping
        assert not text[start].isspace() and not text[end - 1].isspace()  # trimmed
        assert text[covered:start].isspace() or covered == start  # nothing left out
        covered = end
    assert text[covered:].isspace() or covered == len(text)


@settings(max_examples=300, deadline=None)
@given(text=st.text(), lang=_LANGUAGES)
def test_spans_are_valid_for_any_unicode_text(text: str, lang: str) -> None:
    assert_valid_spans(text, split_sentences(text, lang))


@settings(max_examples=500, deadline=None)
@given(text=_TRICKY, lang=_LANGUAGES)
def test_spans_are_valid_for_punctuation_heavy_text(text: str, lang: str) -> None:
    assert_valid_spans(text, split_sentences(text, lang))


_CLOSING_PUNCTUATION = frozenset("”’»)].,;:!?")
_ONE_LINE = st.lists(
    st.sampled_from([*_PIECES, " ”", " »", " )", ' "', " .", "- ", " — Anh"]), max_size=40
).map(lambda pieces: "".join(pieces).replace("\n", " "))


@settings(max_examples=500, deadline=None)
@given(text=_ONE_LINE, lang=_LANGUAGES)
def test_no_sentence_after_a_break_starts_with_closing_punctuation(text: str, lang: str) -> None:
    later_starts = [start for start, _ in split_sentences(text, lang)[1:]]
    assert not [text[start:] for start in later_starts if text[start] in _CLOSING_PUNCTUATION]


@settings(max_examples=200, deadline=None)
@given(text=_TRICKY)
def test_surrounding_whitespace_only_shifts_the_spans(text: str) -> None:
    shifted = split_sentences(f"  {text}\n ", "vi")
    assert shifted == [(start + 2, end + 2) for start, end in split_sentences(text, "vi")]


# --- Accuracy on gold corpora --------------------------------------------------------------


@cache
def _bench_module():
    """bench/segmentation_f1.py: the same measure as the figures we report."""
    spec = importlib.util.spec_from_file_location(
        "bench_segmentation_f1", REPO / "bench" / "segmentation_f1.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_f1_on_the_ud_vietnamese_treebank() -> None:
    bench = _bench_module()
    assert bench.UD_DEV == bench.SHARED / "data" / "ud-vi-vtb" / "vi_vtb-ud-dev.conllu"
    assert bench.UD_DEV.is_file(), f"missing gold data {bench.UD_DEV}"
    *halves, total, _tokenised = bench.ud_scores()
    assert total.gold_boundaries > 1000
    for result in [*halves, total]:
        assert result.f1 >= F1_FLOOR, result.line()


def test_f1_on_the_sample_document() -> None:
    result = _bench_module().sample_score()
    assert result.gold_boundaries >= 15
    assert result.f1 >= F1_FLOOR, result.line()


def test_detokenised_treebank_sentences_do_not_reveal_their_ends() -> None:
    detokenise = _bench_module().detokenise
    assert detokenise('ông H. LBKT xin giấu tên RBKT nói : " Cũng được .') == (
        'ông H. (xin giấu tên) nói: "Cũng được.'
    )
    assert detokenise('số 2554 / QĐ - UB ngày 24 - 7 - 1962 , " tốt " .') == (
        'số 2554/QĐ-UB ngày 24-7-1962, "tốt".'
    )


def test_the_hand_split_dialogue_is_the_novels_own_text() -> None:
    from reader.core.documents.loader import load_document

    bench = _bench_module()
    turns = [block.text for block in bench.read_gold(bench.DIALOGUE_GOLD)]
    novel = load_document(bench.REAL_SAMPLES / "ngo-tat-to-tat-den.epub", "vi")
    paragraphs = {block.text for block in novel.blocks}
    assert len(turns) >= 100
    assert [turn for turn in turns if turn not in paragraphs] == []
