"""Fuzzing the anchoring code (`reader.core.notes.anchoring`) and the search folding it relies on:
any text, any selection, any edit of the text. Anchors are always valid spans whose quote is the
text at their offsets; re-anchoring never raises and never returns an invalid span; unchanged
text keeps every anchor in place; quote lookups fail only with our clear errors."""

from __future__ import annotations

import unicodedata

from hypothesis import assume, example, given
from hypothesis import strategies as st

from reader.core.errors import ReaderError
from reader.core.notes.anchoring import (
    BLOCK_SEPARATOR,
    FUZZY_MIN_CHARS,
    Anchor,
    DocumentText,
    anchor_quote,
    reanchor,
)
from reader.core.notes.search import fold, query_terms
from reader.core.notes.service import TranslationQuote, place_translation_quote
from tests.fuzz_support import collecting, count, fuzz_settings

_ALPHABET = st.sampled_from(
    [
        *'aăâbcdđeêghiklmnoôơpqrstuưvxyAĐ .,;:!?…"“”()-–\n\t0123456789',
        "Việt Nam",
        "Điều 1.",
        "TP. Hà Nội",
        "thủ tướng",
        "\u0300",
        "\u00a0",
        "𝒳",
        "\r\n",
    ]
)
block_text = st.lists(_ALPHABET, min_size=1, max_size=30).map("".join)
blocks = st.lists(block_text, min_size=1, max_size=8)
# An edit of a list of blocks: (kind, which block, where in it, length, inserted text)
edit = st.tuples(
    st.sampled_from(["insert", "delete", "replace", "drop", "duplicate", "swap", "split"]),
    st.integers(0, 50),
    st.integers(0, 200),
    st.integers(0, 20),
    block_text,
)


def apply_edit(texts: list[str], change: tuple) -> list[str]:
    kind, which, where, length, inserted = change
    texts = list(texts)
    index = which % len(texts)
    text = texts[index]
    at = where % (len(text) + 1)
    if kind == "insert":
        texts[index] = text[:at] + inserted + text[at:]
    elif kind == "delete":
        texts[index] = text[:at] + text[at + length :]
    elif kind == "replace":
        texts[index] = text[:at] + inserted + text[at + len(inserted) :]
    elif kind == "drop" and len(texts) > 1:
        del texts[index]
    elif kind == "duplicate":
        texts.insert(index, text)
    elif kind == "swap" and len(texts) > 1:
        other = (index + 1) % len(texts)
        texts[index], texts[other] = texts[other], texts[index]
    elif kind == "split" and 0 < at < len(text):
        texts[index : index + 1] = [text[:at], text[at:]]
    return [text for text in texts if text] or ["x"]


def assert_valid(anchor: Anchor, text: DocumentText) -> None:
    assert 0 <= anchor.doc_start < anchor.doc_end <= len(text.text)
    assert anchor.exact == text.text[anchor.doc_start : anchor.doc_end]
    assert text.block_starts[anchor.block_index] + anchor.start == anchor.doc_start
    assert anchor.end - anchor.start == anchor.doc_end - anchor.doc_start
    assert text.text.endswith(anchor.suffix, 0, None) or anchor.suffix in text.text


@st.composite
def text_and_span(draw):
    """A selection as the window and the CLI make them: it starts inside a block (never in the
    blank line between two) and may run on into later blocks."""
    texts = draw(blocks)
    text = DocumentText(texts)
    block = draw(st.integers(0, len(texts) - 1))
    start = text.block_starts[block] + draw(st.integers(0, len(texts[block]) - 1))
    end = draw(st.integers(start + 1, len(text.text)))
    return texts, start, end


@fuzz_settings(3)
@given(case=text_and_span())
def test_anchor_of_any_span_is_valid(case) -> None:
    count("anchor")
    texts, start, end = case
    text = DocumentText(texts)
    anchor = text.anchor(start, end)
    assert_valid(anchor, text)
    assert anchor.prefix == text.text[max(0, start - 32) : start]
    assert text.block_at(start) == anchor.block_index


@fuzz_settings(3)
@given(case=text_and_span())
def test_unchanged_text_keeps_every_anchor_in_place(case) -> None:
    count("reanchor-unchanged")
    texts, start, end = case
    text = DocumentText(texts)
    anchor = text.anchor(start, end)
    with collecting(repr((texts, start, end))):
        resolution = reanchor(anchor, DocumentText(texts), old=DocumentText(texts))
        assert resolution.anchor == anchor, resolution


@fuzz_settings(3)
@given(case=text_and_span(), changes=st.lists(edit, min_size=1, max_size=4), with_old=st.booleans())
# Found by bench/fuzz_long.py: a typo fixed (one letter fewer) in a quote that ends the document.
@example(case=(["aaaaaaaaaa"], 0, 10), changes=[("delete", 0, 0, 1, "a")], with_old=True)
def test_reanchoring_after_any_edit_returns_a_valid_anchor_or_an_orphan(
    case, changes, with_old
) -> None:
    count("reanchor-edited")
    texts, start, end = case
    old = DocumentText(texts)
    anchor = old.anchor(start, end)
    new_texts = texts
    for change in changes:
        new_texts = apply_edit(new_texts, change)
    new = DocumentText(new_texts)
    with collecting(repr((texts, start, end, new_texts, with_old))):
        resolution = reanchor(anchor, new, old=old if with_old else None)
        assert resolution.method in {"position", "quote", "unique-quote", "fuzzy", "orphan"}
        if resolution.anchor is None:
            assert resolution.method == "orphan"
            return
        assert_valid(resolution.anchor, new)
        if resolution.method != "fuzzy":
            assert resolution.anchor.exact == anchor.exact or resolution.method == "position"
        if len(anchor.exact) < FUZZY_MIN_CHARS and anchor.exact not in new.text:
            assert resolution.method == "position"  # short quotes never move approximately


@fuzz_settings(3)
@given(
    texts=blocks, quote=st.text(max_size=12) | block_text, occurrence=st.none() | st.integers(-2, 5)
)
def test_anchor_quote_finds_it_or_says_why(texts, quote, occurrence) -> None:
    count("anchor-quote")
    text = DocumentText(texts)
    with collecting(repr((texts, quote, occurrence))):
        try:
            anchor = anchor_quote(text, quote, occurrence=occurrence)
        except ReaderError as error:
            assert str(error) and "\n" not in str(error)
            return
        assert_valid(anchor, text)
        assert anchor.exact == quote.strip()


@fuzz_settings(3)
@given(texts=blocks, block=st.integers(-3, 10), start=st.integers(-5, 40), end=st.integers(-5, 40))
def test_anchor_in_block_rejects_what_is_outside(texts, block, start, end) -> None:
    count("anchor-in-block")
    text = DocumentText(texts)
    inside = 0 <= block < len(texts) and 0 <= start < end <= len(texts[block])
    assume(inside or block >= len(texts) or block < 0 or start >= end)
    try:
        anchor = text.anchor_in_block(block, start, end)
    except (ReaderError, ValueError):
        assert not inside
        return
    assert inside or BLOCK_SEPARATOR in anchor.exact or end > len(texts[block])
    assert_valid(anchor, text)


@fuzz_settings(3)
@given(value=st.text())
def test_folding_keeps_every_offset(value: str) -> None:
    count("fold")
    folded = fold(value)
    assert len(folded) == len(value)
    assert fold(folded) == folded
    for term in query_terms(value):
        assert term and term == fold(term)


@st.composite
def sentence_and_span(draw):
    """A sentence's translation (any characters, several lines even) and a span of it, as a
    translation-side annotation stores its quote."""
    text = draw(st.lists(_ALPHABET, min_size=1, max_size=40).map("".join))
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, len(text)))
    return text, start, end


def _quote(text: str, start: int, end: int) -> TranslationQuote:
    return TranslationQuote(
        0,
        start,
        end,
        text[start:end],
        text[max(0, start - 32) : start],
        text[end : end + 32],
        "edited",
    )


def _word_edges(text: str, start: int, end: int) -> tuple[bool, bool]:
    def word(character: str) -> bool:
        return character.isalnum() or unicodedata.category(character).startswith("M")

    return (
        start > 0 and word(text[start - 1]) and word(text[start]),
        end < len(text) and word(text[end - 1]) and word(text[end]),
    )


@fuzz_settings(3)
@given(case=sentence_and_span(), changes=st.lists(edit, max_size=3))
@example(case=("I saw a cat yesterday.", 8, 11), changes=[("insert", 0, 11, 0, "alogue")])
def test_translation_quote_is_placed_on_its_words_or_nowhere(case, changes) -> None:
    """Whatever became of the sentence's translation, its quote is placed on a valid span with
    its context, never starting or ending inside a word unless it did, or nowhere; and exactly
    where it was when nothing changed."""
    count("translation-quote")
    text, start, end = case
    quote = _quote(text, start, end)
    new = text
    for change in changes:
        new = " ".join(apply_edit([new], change))
    with collecting(repr((text, start, end, new))):
        assert place_translation_quote(quote, text) == quote
        placed = place_translation_quote(quote, new)
        if placed is None:
            return
        assert placed == _quote(new, placed.start, placed.end)
        assert _word_edges(new, placed.start, placed.end) == _word_edges(text, start, end)
