"""OCR the pages of a document one by one: cached, reported, cancellable between pages, as
the caller's `ocr_options` say."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.core.documents.importers.base import RawBlock
from reader.core.documents.model import BlockKind
from reader.core.errors import InputError
from reader.core.ocr.cache import cached_page, page_key, store_page
from reader.core.ocr.data import data_digest, require_data
from reader.core.ocr.engine import OcrEngine, OcrParagraph
from reader.core.ocr.options import OcrCancelled, OcrProgress, current_options
from reader.core.translate.download import file_sha256


@dataclass(frozen=True)
class PageImage:
    """A page to OCR: its number in the file and how to draw it (only on a cache miss)."""

    number: int
    render: Callable[[], object]  # -> PIL.Image.Image


def recognise_pages(path: Path, pages: Sequence[PageImage]) -> list[list[RawBlock]]:
    """Each page's paragraphs as blocks carrying their OCR confidence, in page order."""
    options = current_options()
    data = require_data(options.language, path)
    file_digest, language_digest = file_sha256(path), data_digest(data)
    engine: OcrEngine | None = None  # loaded on the first cache miss: a reopen never loads it
    results = []
    try:
        for done, page in enumerate(pages, 1):
            if options.cancelled is not None and options.cancelled():
                raise OcrCancelled(f"{path}: OCR cancelled after {done - 1} of {len(pages)} pages")
            key = page_key(file_digest, page.number, options.language, language_digest)
            paragraphs = cached_page(key)
            cached = paragraphs is not None
            if paragraphs is None:
                engine = engine or OcrEngine(data)
                paragraphs = _recognise(engine, page, path)
                store_page(key, paragraphs)
            results.append([_block(paragraph) for paragraph in paragraphs])
            if options.progress is not None:
                options.progress(OcrProgress(done, len(pages), cached))
    finally:
        if engine is not None:
            engine.close()
    return results


def _recognise(engine: OcrEngine, page: PageImage, path: Path) -> list[OcrParagraph]:
    try:
        return engine.recognise(page.render())
    except RuntimeError as error:  # Tesseract refused the image
        raise InputError(path, f"page {page.number + 1} cannot be OCR'd ({error})") from error


def _block(paragraph: OcrParagraph) -> RawBlock:
    return RawBlock(
        BlockKind.PARAGRAPH,
        paragraph.text,
        ocr_confidence=paragraph.confidence,
        ocr_low_confidence=paragraph.low_confidence,
    )
