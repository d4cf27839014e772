"""Finding the abbreviations a text defines, counting them, writing them out for the model."""

from __future__ import annotations

import unicodedata

import pytest

from reader.core.documents import load_document
from reader.core.terms.abbreviations import (
    Expander,
    Source,
    builtin_abbreviations,
    count_occurrences,
    document_abbreviations,
    find_definitions,
)
from tests.conftest import SAMPLE


def defined(text: str) -> dict[str, str]:
    return {d.abbreviation: d.expansion for d in find_definitions(text)}


@pytest.mark.parametrize(
    ("text", "abbreviation", "expansion"),
    [
        ("công tác bảo vệ chính trị nội bộ (BVCTNB) Đảng", "BVCTNB", "bảo vệ chính trị nội bộ"),
        ("đội ngũ cán bộ, đảng viên (CB,ĐV).", "CB,ĐV", "cán bộ, đảng viên"),
        ("UBND (Ủy ban nhân dân) tỉnh", "UBND", "Ủy ban nhân dân"),
        ("Bộ Khoa học và Công nghệ (BKHCN) ban hành", "BKHCN", "Bộ Khoa học và Công nghệ"),
        ("kinh tế - xã hội (KT-XH)", "KT-XH", "kinh tế - xã hội"),
        ("Hội đồng nhân dân (sau đây gọi tắt là HĐND)", "HĐND", "Hội đồng nhân dân"),
        ("Quỹ đổi mới công nghệ (viết tắt là “QĐMCN”)", "QĐMCN", "Quỹ đổi mới công nghệ"),
        ("the World Health Organization (WHO) said", "WHO", "World Health Organization"),
        ("the Food and Agriculture Organization (FAO)", "FAO", "Food and Agriculture Organization"),
    ],
)
def test_a_definition_gives_the_long_form_its_initials_spell(text, abbreviation, expansion):
    assert defined(text) == {abbreviation: expansion}


@pytest.mark.parametrize(
    "text",
    [
        "Cục Bảo vệ Chính trị nội bộ. (Ảnh: Phương Hoa/TTXVN)",
        "nghị quyết của Trung ương (khóa XIII) gắn với",
        "nhiệm kỳ (2021-2025)",
        "Đại hội (XIII) của Đảng",
        "tờ bản đồ số 93 (BĐĐC) tọa lạc",  # the long form is not written: nothing to expand to
        "Quỹ đổi mới (sau đây gọi tắt là Quỹ)",  # a short name, not an abbreviation
        "hai người (AB) đến",  # initials that do not spell it
        "chính trị và (CV) nội bộ",  # a function word may not start the long form
    ],
)
def test_other_parentheses_define_nothing(text):
    assert defined(text) == {}


def test_skipped_words_are_only_function_words_and_few():
    assert defined("Bộ Lao động - Thương binh và Xã hội (BLĐTBXH)") == {
        "BLĐTBXH": "Bộ Lao động - Thương binh và Xã hội"
    }
    assert defined("Bộ Lao động mới Thương binh (BLĐTB)") == {}


def test_case_and_unicode_form_do_not_hide_a_definition():
    decomposed = unicodedata.normalize("NFD", "ủy ban nhân dân (UBND)")
    assert defined(decomposed) == {"UBND": "ủy ban nhân dân"}
    assert defined("Ủy Ban Nhân Dân (UBND)") == {"UBND": "Ủy Ban Nhân Dân"}


def test_occurrences_are_whole_tokens_never_inside_a_code():
    text = (
        "BVCTNB và CB,ĐV; theo 58-QĐ/TW, Điều 19.2.TT.1. và TW, đảng,CB,ĐV, BVCTNBX, "
        "KT-XH, UBND/HĐND cấp xã, Phương Hoa/TTXVN."
    )
    names = ["BVCTNB", "CB,ĐV", "TW", "QĐ", "TT", "XH", "UBND", "HĐND", "TTXVN"]
    counts = count_occurrences([text], names)
    assert counts == {
        **dict.fromkeys(names, 1),
        **{"CB,ĐV": 2, "QĐ": 0, "TT": 0, "XH": 0},
    }


def test_expansion_writes_out_every_occurrence_and_drops_the_definition():
    expander = Expander({"BVCTNB": "bảo vệ chính trị nội bộ", "TW": "Trung ương"})
    text = "Công tác bảo vệ chính trị nội bộ (BVCTNB) của TW; BVCTNB theo 58-QĐ/TW."
    assert expander.expand(text) == (
        "Công tác bảo vệ chính trị nội bộ của Trung ương; bảo vệ chính trị nội bộ theo 58-QĐ/TW."
    )
    assert Expander({"UBND": "Ủy ban nhân dân"}).expand("UBND (Ủy ban nhân dân) tỉnh") == (
        "Ủy ban nhân dân tỉnh"
    )


def test_the_sample_document_defines_its_two_and_uses_shipped_ones():
    found = {a.abbreviation: a for a in document_abbreviations(load_document(SAMPLE))}
    assert found["BVCTNB"].source is Source.DOCUMENT
    assert found["BVCTNB"].expansion == "bảo vệ chính trị nội bộ"
    assert found["CB,ĐV"].expansion == "cán bộ, đảng viên"
    assert found["UVTW"].source is Source.BUILTIN
    text = SAMPLE.read_text(encoding="utf-8")
    assert found["BVCTNB"].count == text.count("BVCTNB")
    assert found["TTXVN"].count == 2  # in "Phương Hoa/TTXVN": a slash between names is no code
    assert "XIII" not in found


def test_a_definition_in_the_document_wins_over_the_shipped_one(tmp_path):
    assert builtin_abbreviations()["TW"] == "Trung ương"
    path = tmp_path / "doc.txt"
    path.write_text("Tổ Web (TW) họp.\n\nTW làm việc, TW nghỉ.\n", encoding="utf-8")
    (found,) = [a for a in document_abbreviations(load_document(path, language="vi"))]
    assert (found.abbreviation, found.expansion, found.source) == ("TW", "Tổ Web", "document")
    assert (found.block_index, found.count) == (0, 3)


def test_the_shipped_list_is_for_vietnamese_documents(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_text("The UBND met. The TW said so.\n", encoding="utf-8")
    assert document_abbreviations(load_document(path, language="en")) == []


def test_a_sentence_saying_what_an_abbreviation_stands_for_defines_it():
    text = (
        "DA là ký hiệu chữ viết tắt của dự án; ĐK là ký hiệu chữ viết tắt của nhiệm vụ định kỳ; "
        "XY là ký hiệu chữ viết tắt của nhiệm vụ mới."
    )
    # Said outright, a run of the long form's words may spell it; XY's words do not.
    assert defined(text) == {"DA": "dự án", "ĐK": "nhiệm vụ định kỳ"}
    assert defined("WHO stands for World Health Organization.") == {
        "WHO": "World Health Organization"
    }
    expander = Expander({"DA": "dự án"})
    assert expander.expand("DA là ký hiệu chữ viết tắt của dự án. Mỗi DA một mã.") == (
        "DA là ký hiệu chữ viết tắt của dự án. Mỗi dự án một mã."
    )
