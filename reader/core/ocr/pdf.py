"""Scanned PDF pages: pages without a text layer are rendered and OCR'd, the others keep theirs.

A page is a scan when it draws something (an image; or paths: text turned into outlines) but no
text; an invisible text layer over a scan is a text layer, and is kept. The text-layer importer
reads runs of text pages as PDFs of their own, so its layout analysis needs no knowledge of
OCR; OCR'd pages give Tesseract's paragraphs.
"""

from __future__ import annotations

import itertools
import math
import tempfile
from collections.abc import Callable
from pathlib import Path

from reader.core.documents.importers.base import RawBlock, RawDocument
from reader.core.errors import InputError, warn
from reader.core.ocr.data import find_data
from reader.core.ocr.engine import MAX_PAGE_PIXELS
from reader.core.ocr.options import current_options
from reader.core.ocr.pages import PageImage, flowing, recognise_pages

DEFAULT_RENDER_DPI = 300  # Tesseract's best x-height for body text
MIN_RENDER_DPI, MAX_RENDER_DPI = 200, 400
_FORM_DEPTH = 8  # objects inside forms inside forms...: the text of a page may be nested

TextLayerReader = Callable[[Path], RawDocument]


def read_with_ocr(path: Path, read_text_layer: TextLayerReader) -> RawDocument:
    """The PDF's blocks in page order: text-layer pages by `read_text_layer`, scans by OCR."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        return read_text_layer(path)  # it says what is wrong with the file
    try:
        scanned = [number for number in range(len(document)) if _is_scan(document, number)]
        if not scanned or _text_pages_without_ocr_data(path, len(scanned) < len(document)):
            return read_text_layer(path)
        pages = [PageImage(n, _renderer(document, n)) for n in scanned]
        ocr_blocks = dict(zip(scanned, recognise_pages(path, pages), strict=True))
        return _merge(document, ocr_blocks, read_text_layer)
    finally:
        document.close()


def _text_pages_without_ocr_data(path: Path, has_text_pages: bool) -> bool:
    """A PDF read from its text layer before OCR existed stays readable without OCR data: its
    scanned pages (a cover, a signed last page) are skipped, with a warning naming the fix. A
    PDF of scans only gets `require_data`'s error instead."""
    language = current_options().language
    if not has_text_pages or find_data(language) is not None:
        return False
    warn(
        path,
        f"scanned pages skipped: no OCR data for '{language}' (`bireader ocr install {language}`)",
    )
    return True


def _merge(document, ocr_blocks: dict[int, list[RawBlock]], read_text_layer) -> RawDocument:
    blocks: list[RawBlock] = []
    toc: list[tuple[int, str, int]] = []
    titles = []
    runs = itertools.groupby(range(len(document)), key=lambda number: number in ocr_blocks)
    for is_scan, run in runs:
        numbers = list(run)
        if is_scan:
            blocks.extend(flowing([ocr_blocks[number] for number in numbers]))
            continue
        part = _read_pages(document, numbers, read_text_layer)
        toc.extend((level, title, len(blocks) + index) for level, title, index in part.toc)
        blocks.extend(part.blocks)
        titles.append(part.title)
    title = next((title for title in titles if title), None) or _metadata_title(document)
    return RawDocument(blocks=blocks, title=title, toc=toc)


def _read_pages(document, numbers: list[int], read_text_layer: TextLayerReader) -> RawDocument:
    """Some pages' text layer, read by the text importer from a PDF of those pages alone."""
    import pypdfium2 as pdfium

    part = pdfium.PdfDocument.new()
    try:
        part.import_pages(document, numbers)
        with tempfile.TemporaryDirectory(prefix="bireader-pdf-") as directory:
            pages_path = Path(directory) / "pages.pdf"
            part.save(pages_path)
            try:
                return read_text_layer(pages_path)
            except InputError:
                return RawDocument(blocks=[])  # blank pages (no text, no image): nothing to read
    finally:
        part.close()


def _is_scan(document, number: int) -> bool:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        page = document[number]
    except pdfium.PdfiumError:
        return False  # damaged: the text importer counts it
    try:
        kinds = {item.type for item in page.get_objects(max_depth=_FORM_DEPTH)}
    finally:
        page.close()
    return bool(kinds) and pdfium_c.FPDF_PAGEOBJ_TEXT not in kinds


def _renderer(document, number: int) -> Callable[[], object]:
    def render():
        page = document[number]
        try:
            width, height = page.get_size()  # points
            scale = _scan_dpi(page) / 72
            scale = min(scale, math.sqrt(MAX_PAGE_PIXELS / max(1.0, width * height)))
            return page.render(scale=scale, grayscale=True).to_pil()
        finally:
            page.close()

    return render


def _scan_dpi(page) -> float:
    """The resolution of the page's largest image, within reason: resampling a scan to another
    resolution blurs its diacritics (a 200-dpi scan read at 300 dpi: CER 1.5% -> 1.6%, at 400:
    2.4%). Pages drawn with paths (outlined text) have none: 300 dpi."""
    import pypdfium2.raw as pdfium_c

    best_dpi, best_area = DEFAULT_RENDER_DPI, 0.0
    for image in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=_FORM_DEPTH):
        left, bottom, right, top = image.get_bounds()
        area = (right - left) * (top - bottom)
        if area > best_area and right > left:
            best_area = area
            best_dpi = image.get_px_size()[0] / ((right - left) / 72)
    return min(max(best_dpi, MIN_RENDER_DPI), MAX_RENDER_DPI)


def _metadata_title(document) -> str | None:
    try:
        return (document.get_metadata_dict().get("Title") or "").strip() or None
    except (UnicodeDecodeError, ValueError):
        return None
