"""PDF pages without a text layer are OCR'd in place; pages with one keep it."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from reader.core.documents import load_document
from reader.core.errors import InputError
from reader.core.ocr import OcrOptions, OcrProgress, ocr_options
from tests.documents_helpers import DOCUMENTS
from tests.ocr_support import (
    KNOWN_TEXT,
    character_error_rate,
    text_page,
)


def image_only_pdf(path: Path, paragraphs=KNOWN_TEXT, resolution: int = 200) -> Path:
    text_page(paragraphs).save(path, "PDF", resolution=resolution)
    return path


def text_then_scan_pdf(tmp_path: Path) -> Path:
    """Page 1: the first page of a PDF with a text layer; page 2: a scanned page."""
    text = pdfium.PdfDocument(DOCUMENTS / "sample.pdf")
    scan = pdfium.PdfDocument(image_only_pdf(tmp_path / "scan.pdf"))
    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(text, [0])
    mixed.import_pages(scan)
    path = tmp_path / "mixed.pdf"
    mixed.save(path)
    for document in (mixed, scan, text):
        document.close()
    return path


def first_page_text() -> list[str]:
    single = pdfium.PdfDocument(DOCUMENTS / "sample.pdf")
    try:
        page = single[0]
        return page.get_textpage().get_text_range().split()[:5]
    finally:
        single.close()


def load_reporting(path: Path) -> tuple[object, list[OcrProgress]]:
    reports: list[OcrProgress] = []
    with ocr_options(OcrOptions(progress=reports.append)):
        return load_document(path), reports


def test_a_text_page_keeps_its_layer_and_a_scanned_page_is_ocrd(
    tmp_path: Path, vie_installed
) -> None:
    document, reports = load_reporting(text_then_scan_pdf(tmp_path))
    assert document.ocr and document.format == "pdf"
    read = [block for block in document.blocks if block.ocr_confidence is None]
    ocrd = [block for block in document.blocks if block.ocr_confidence is not None]
    assert read and document.blocks[: len(read)] == tuple(read)  # page 1 first, as in the file
    assert " ".join(read[0].text.split()[:5]) == " ".join(first_page_text())
    assert character_error_rate("\n".join(KNOWN_TEXT), "\n".join(b.text for b in ocrd)) < 0.10
    assert reports == [OcrProgress(1, 1, cached=False)]  # only the scanned page


def test_reopening_a_scan_uses_the_cache(tmp_path: Path, vie_installed) -> None:
    path = text_then_scan_pdf(tmp_path)
    first, _ = load_reporting(path)
    again, reports = load_reporting(path)
    assert again.blocks == first.blocks
    assert reports == [OcrProgress(1, 1, cached=True)]


def test_a_pdf_with_a_text_layer_needs_no_ocr_data(no_system_tessdata) -> None:
    document, reports = load_reporting(DOCUMENTS / "sample.pdf")
    assert not document.ocr and reports == []


def test_a_scanned_pdf_without_data_says_how_to_get_it(tmp_path: Path, no_system_tessdata) -> None:
    with pytest.raises(InputError, match="bireader ocr install vie"):
        load_document(image_only_pdf(tmp_path / "scan.pdf"))


@pytest.mark.parametrize(("resolution", "drawn_at"), [(200, 200), (250, 250), (600, 400)])
def test_a_scanned_page_is_drawn_at_its_own_resolution_within_bounds(
    tmp_path: Path, resolution: int, drawn_at: int
) -> None:
    from reader.core.ocr.pdf import _scan_dpi

    document = pdfium.PdfDocument(image_only_pdf(tmp_path / "scan.pdf", resolution=resolution))
    try:
        assert _scan_dpi(document[0]) == pytest.approx(drawn_at, rel=0.01)
    finally:
        document.close()


def test_without_data_a_pdf_with_text_pages_keeps_them_and_warns(
    tmp_path: Path, no_system_tessdata
) -> None:
    document = load_document(text_then_scan_pdf(tmp_path))
    assert not document.ocr
    assert " ".join(document.blocks[0].text.split()[:5]) == " ".join(first_page_text())
    assert any("bireader ocr install vie" in warning for warning in document.warnings)
