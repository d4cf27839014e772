"""Find in the reading view: accent- and case-insensitive as library search, quotes folded,
matches highlighted on the text as shown even where folding drops characters."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.app.reading.aligned_text import AlignedText
from reader.app.reading.find import FindController, FoldedText, fold_for_find
from reader.app.reading.view import DocumentView
from reader.core.side import Side
from tests.reading_support import make_document, many_blocks, translated

PARTY = "Đảng lãnh đạo, nhân dân làm chủ; Nhà nước đang quản lý."


def spans_of(text: str, needle: str) -> list[str]:
    return [text[start:end] for start, end in FoldedText.of(text).find_all(fold_for_find(needle))]


def test_dang_finds_both_dang_words_whatever_their_accents() -> None:
    assert spans_of(PARTY, "dang") == ["Đảng", "đang"]
    assert spans_of(PARTY, "ĐANG") == ["Đảng", "đang"]


def test_typographic_quotes_match_straight_ones() -> None:
    text = "Điều gọi là “hợp đồng” và ‘bên’ được hiểu như sau."
    assert spans_of(text, '"hop dong"') == ["“hợp đồng”"]
    assert spans_of(text, "'ben'") == ["‘bên’"]


def test_a_match_in_decomposed_text_covers_its_accents() -> None:
    decomposed = unicodedata.normalize("NFD", PARTY)
    assert len(decomposed) > len(PARTY)  # folding this text drops the combining marks
    found = spans_of(decomposed, "dang")
    assert [unicodedata.normalize("NFC", each) for each in found] == ["Đảng", "đang"]
    # And a decomposed query finds the composed text.
    assert spans_of(PARTY, unicodedata.normalize("NFD", "đảng")) == ["Đảng", "đang"]


@given(st.text(alphabet="aăâeêioôơuưyđdAĐ \u0300\u0301\u0303\u0309\u0323“”", max_size=40))
def test_every_span_found_folds_back_to_the_needle(text: str) -> None:
    folded = FoldedText.of(text)
    needle = folded.folded[:3].strip()
    if not needle:
        return
    for start, end in folded.find_all(needle):
        assert FoldedText.of(text[start:end]).folded == needle


def test_controller_goes_round_the_matches_and_keeps_its_place() -> None:
    document = make_document([["Đảng ta.", "Đang học."], ["Không có."], ["Đăng ký."]])
    aligned = AlignedText(document)
    finder = FindController()
    first = finder.find(aligned, "dang", backward=False, top_block=0)
    assert (first.block, first.side) == (0, Side.ORIGINAL) and finder.status() == "1 of 3"
    assert finder.find(aligned, "dang", backward=False, top_block=0).start == len("Đảng ta. ")
    assert finder.find(aligned, "dang", backward=False, top_block=0).block == 2
    assert finder.find(aligned, "dang", backward=False, top_block=0) == first  # round again
    assert finder.find(aligned, "dang", backward=True, top_block=0).block == 2
    # Translations arriving add their matches without losing the current one.
    aligned.add(translated(document, lambda text: text))
    finder.recompute(aligned, keep_position=True)
    assert finder.current.block == 2 and len(finder.matches) == 6
    assert finder.find(aligned, "khong tim thay", backward=False, top_block=0) is None
    assert finder.status() == "no match"


@pytest.fixture
def view(qtbot) -> DocumentView:
    widget = DocumentView()
    qtbot.addWidget(widget)
    widget.resize(900, 500)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_find_paints_the_accented_words_on_the_original(view: DocumentView) -> None:
    decomposed = unicodedata.normalize("NFD", PARTY)
    document = make_document([[decomposed]])
    view.set_document(document, translated(document))
    assert view.find("dang")
    painted = {
        decomposed[item.start : item.start + item.length]
        for item in view.painter.selections(Side.ORIGINAL, 0)
    }
    assert {unicodedata.normalize("NFC", each) for each in painted} >= {"Đảng", "đang"}
    assert view.find_bar.status.text() == f"1 of {view.match_count}"


def test_a_new_search_starts_from_the_screen(view: DocumentView) -> None:
    document = many_blocks(120)
    view.set_document(document, translated(document))
    view.scroll_to_block(60)
    assert view.find("doan")  # "Đoạn" in every block
    assert view.finder.current.block >= 60
    assert view.top_block() <= view.finder.current.block <= view.visible_blocks()[-1]


def test_an_open_search_finds_its_matches_in_the_next_document(view: DocumentView) -> None:
    first = make_document([["Đảng ta."]])
    view.set_document(first, translated(first))
    assert view.find("dang") and view.match_count == 2
    second = make_document([["Không có."], ["Đang học, đang làm."]])
    view.set_document(second)
    assert [(m.block, m.side) for m in view.finder.matches] == [(1, Side.ORIGINAL)] * 2
    view.clear_find()
    view.set_document(first)
    assert view.match_count == 0
