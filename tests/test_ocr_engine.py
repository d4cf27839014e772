"""Recognising a page image: Tesseract's paragraphs, clean text, confidences, unsure words."""

from __future__ import annotations

import sys

import pytest
from PIL import Image

from reader.core.errors import ReaderError
from reader.core.ocr.engine import (
    LOW_CONFIDENCE,
    OcrEngine,
    OcrParagraph,
    _ParagraphBuilder,
    _paragraphs,
    _Word,
)
from tests.ocr_support import (
    KNOWN_TEXT,
    OTHER_TEXT,
    as_scanned,
    character_error_rate,
    text_page,
)


def test_a_page_of_vietnamese_gives_its_paragraphs_close_to_the_text(vie_installed) -> None:
    with OcrEngine(vie_installed) as engine:
        paragraphs = engine.recognise(text_page())
    assert len(paragraphs) == len(KNOWN_TEXT)
    for paragraph, expected in zip(paragraphs, KNOWN_TEXT, strict=True):
        assert character_error_rate(expected, paragraph.text) < 0.10
        assert "\n" not in paragraph.text  # the lines of a paragraph are joined
        assert 80 < paragraph.confidence <= 100


def test_a_skewed_noisy_scan_is_straightened_before_it_is_read(vie_installed) -> None:
    """Two degrees askew, Tesseract alone loses most lines of a page of long lines."""
    paragraphs = KNOWN_TEXT + OTHER_TEXT + KNOWN_TEXT + OTHER_TEXT
    page = as_scanned(text_page(paragraphs, line_chars=100), skew_degrees=-2)
    with OcrEngine(vie_installed) as engine:
        found = "\n".join(paragraph.text for paragraph in engine.recognise(page))
    assert character_error_rate("\n".join(paragraphs), found) < 0.05


def test_a_blank_page_has_no_paragraphs(vie_installed) -> None:
    with OcrEngine(vie_installed) as engine:
        assert engine.recognise(Image.new("L", (800, 600), 255)) == []


def test_unsure_words_are_spans_of_the_clean_text() -> None:
    builder = _ParagraphBuilder()
    for word, confidence, new_line in [
        ("Điều", 95.0, True),
        ("lu?t", LOW_CONFIDENCE - 20, False),
        ("này", 90.0, False),
        ("quy", LOW_CONFIDENCE - 1, True),
    ]:
        builder.add(word, confidence, new_line)
    paragraph = builder.build()
    assert paragraph.text == "Điều lu?t này quy"
    assert [paragraph.text[start:end] for start, end in paragraph.low_confidence] == [
        "lu?t",
        "quy",
    ]
    assert LOW_CONFIDENCE - 20 < paragraph.confidence < 95


def test_a_word_hyphenated_at_a_line_end_is_joined_again() -> None:
    builder = _ParagraphBuilder()
    for word, new_line in [("trans-", True), ("lation", True), ("2020-", False), ("2025", True)]:
        builder.add(word, 90.0, new_line)
    assert builder.build().text == "translation 2020- 2025"


def test_paragraphs_survive_a_json_round_trip() -> None:
    paragraph = OcrParagraph("Hà Nội", 71.5, ((3, 6),))
    assert OcrParagraph.from_json(paragraph.to_json()) == paragraph


def test_a_huge_image_is_read_at_a_size_tesseract_can_afford(monkeypatch) -> None:
    from reader.core.ocr import engine as engine_module

    monkeypatch.setattr(engine_module, "MAX_PAGE_PIXELS", 1_000_000)
    reduced = engine_module._within_size(Image.new("L", (3000, 2000), 255))
    assert reduced.width * reduced.height <= 1_000_000
    assert reduced.width / reduced.height == pytest.approx(1.5, rel=0.01)
    small = Image.new("L", (1000, 1000), 255)
    assert engine_module._within_size(small) is small


def test_an_unsure_word_joined_across_a_line_end_keeps_its_span_on_its_letters() -> None:
    builder = _ParagraphBuilder()
    builder.add("trans-", LOW_CONFIDENCE - 10, True)
    builder.add("lation", 95.0, True)
    paragraph = builder.build()
    assert [paragraph.text[start:end] for start, end in paragraph.low_confidence] == ["trans"]


def test_damaged_installed_data_is_a_clear_error(vie_installed) -> None:
    vie_installed.path.write_bytes(vie_installed.path.read_bytes()[:100_000])
    with pytest.raises(ReaderError, match="bireader ocr install vie"):
        OcrEngine(vie_installed)


def test_words_make_paragraphs_where_tesseract_starts_them() -> None:
    words = [
        _Word("Điều", 90.0, starts_paragraph=True, starts_line=True),
        _Word("1.", 90.0, starts_paragraph=False, starts_line=False),
        _Word("Phạm", 90.0, starts_paragraph=True, starts_line=True),
        _Word("vi", 90.0, starts_paragraph=False, starts_line=False),
        _Word("áp", 90.0, starts_paragraph=False, starts_line=True),
        _Word("", 0.0, starts_paragraph=True, starts_line=True),  # nothing: no empty paragraph
    ]
    assert [paragraph.text for paragraph in _paragraphs(words)] == ["Điều 1.", "Phạm vi áp"]


def test_without_tesserocr_ocr_is_a_clear_error(vie_installed, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "tesserocr", None)  # what a failed install leaves
    with pytest.raises(ReaderError, match="pip install tesserocr"):
        OcrEngine(vie_installed)
