"""Running OCR over a document's pages: progress per page, the cache on a second run, a
cancel between pages, and a clear error without data."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.documents.importers.base import RawBlock
from reader.core.documents.model import BlockKind
from reader.core.errors import InputError
from reader.core.ocr import OcrCancelled, OcrOptions, OcrProgress, ocr_options
from reader.core.ocr.pages import PageImage, flowing, recognise_pages
from tests.ocr_support import (
    KNOWN_TEXT,
    OTHER_TEXT,
    character_error_rate,
    text_page,
)


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """The file whose pages these are: its bytes are part of the cache key."""
    path = tmp_path / "scan.tif"
    path.write_bytes(b"a scan's bytes")
    return path


def two_pages(rendered: list[int]) -> list[PageImage]:
    def renderer(number: int, paragraphs: tuple[str, ...]):
        def render():
            rendered.append(number)
            return text_page(paragraphs)

        return render

    return [PageImage(0, renderer(0, KNOWN_TEXT)), PageImage(1, renderer(1, OTHER_TEXT))]


def run(source: Path, pages: list[PageImage], **options) -> tuple[list, list[OcrProgress]]:
    reports: list[OcrProgress] = []
    with ocr_options(OcrOptions(progress=reports.append, **options)):
        return recognise_pages(source, pages), reports


def test_pages_give_blocks_in_order_with_their_confidence(source: Path, vie_installed) -> None:
    results, reports = run(source, two_pages([]))
    assert [len(blocks) for blocks in results] == [len(KNOWN_TEXT), len(OTHER_TEXT)]
    assert character_error_rate(OTHER_TEXT[0], results[1][0].text) < 0.10
    assert all(block.ocr_confidence > 50 for blocks in results for block in blocks)
    assert reports == [OcrProgress(1, 2, cached=False), OcrProgress(2, 2, cached=False)]


def test_a_second_run_comes_from_the_cache_without_drawing_a_page(
    source: Path, vie_installed
) -> None:
    first, _ = run(source, two_pages([]))
    rendered: list[int] = []
    again, reports = run(source, two_pages(rendered))
    assert again == first
    assert rendered == []
    assert [report.cached for report in reports] == [True, True]


def test_another_file_is_recognised_again(source: Path, tmp_path: Path, vie_installed) -> None:
    run(source, two_pages([]))
    other = tmp_path / "other.tif"
    other.write_bytes(b"another scan")
    _, reports = run(other, two_pages([]))
    assert [report.cached for report in reports] == [False, False]


def test_cancel_stops_between_pages_and_keeps_the_pages_done(source: Path, vie_installed) -> None:
    rendered: list[int] = []
    reports: list[OcrProgress] = []
    with (
        pytest.raises(OcrCancelled, match="after 1 of 2 pages"),
        ocr_options(OcrOptions(progress=reports.append, cancelled=lambda: bool(reports))),
    ):
        recognise_pages(source, two_pages(rendered))
    assert rendered == [0]
    _, resumed = run(source, two_pages(rendered))
    assert [report.cached for report in resumed] == [True, False]


def test_without_data_nothing_is_drawn_and_the_error_says_what_to_do(
    source: Path, no_system_tessdata
) -> None:
    rendered: list[int] = []
    with pytest.raises(InputError, match="bireader ocr install vie"):
        run(source, two_pages(rendered))
    assert rendered == []


def ocr_block(text: str, confidence: float = 90.0, low=()) -> RawBlock:
    return RawBlock(BlockKind.PARAGRAPH, text, ocr_confidence=confidence, ocr_low_confidence=low)


def test_a_paragraph_cut_by_a_page_break_is_joined_again() -> None:
    first = ocr_block("Nhà nước bảo đảm và phát huy quyền làm", 80.0, ((35, 38),))
    second = ocr_block("chủ của Nhân dân.", 100.0, ((0, 3),))
    (joined, after) = flowing([[first], [second, ocr_block("Điều 4.")]])
    assert joined.text == "Nhà nước bảo đảm và phát huy quyền làm chủ của Nhân dân."
    assert [joined.text[start:end] for start, end in joined.ocr_low_confidence] == ["làm", "chủ"]
    assert 80 < joined.ocr_confidence < 100
    assert after.text == "Điều 4."


@pytest.mark.parametrize(
    ("end", "start"),
    [("Điều 3 kết thúc.", "tiếp theo"), ("Đoạn chưa hết", "Điều 4. Chữ hoa")],
)
def test_a_finished_paragraph_or_a_capitalised_start_stays_apart(end: str, start: str) -> None:
    assert len(flowing([[ocr_block(end)], [ocr_block(start)]])) == 2


def test_page_numbers_at_a_page_top_or_bottom_go() -> None:
    pages = [
        [ocr_block("- 1 -"), ocr_block("Điều 1."), ocr_block("Trang 1/2")],
        [ocr_block("2"), ocr_block("Điều 2."), ocr_block("2020"), ocr_block("Hết.")],
    ]
    assert [block.text for block in flowing(pages)] == ["Điều 1.", "Điều 2.", "2020", "Hết."]
