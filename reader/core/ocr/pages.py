"""OCR the pages of a document one by one: cached, reported, cancellable between pages, as
the caller's `ocr_options` say; then their blocks made one flow across page breaks."""

from __future__ import annotations

import re
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

# A line that is only a page number: "12", "- 12 -", "Trang 12", "12/40".
_PAGE_NUMBER = re.compile(
    r"[-–—]?\s*(?:(?:trang|page)\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?\s*[-–—]?", re.IGNORECASE
)
_SENTENCE_END = tuple(".!?:;…”\"')»")


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


def flowing(pages: list[list[RawBlock]]) -> list[RawBlock]:
    """Consecutive OCR'd pages as one flow of blocks: page numbers at a page's top or bottom go,
    and a paragraph cut by a page break (no sentence end, the next page going on in lower case)
    is joined again, so that its sentences are not cut in two."""
    blocks: list[RawBlock] = []
    for page in pages:
        page = _without_page_numbers(page)
        if blocks and page and _goes_on(blocks[-1], page[0]):
            blocks[-1] = _joined(blocks[-1], page[0])
            page = page[1:]
        blocks.extend(page)
    return blocks


def _without_page_numbers(page: list[RawBlock]) -> list[RawBlock]:
    edges = {0, len(page) - 1}
    return [
        block
        for position, block in enumerate(page)
        if position not in edges or not _PAGE_NUMBER.fullmatch(block.text.strip())
    ]


def _goes_on(previous: RawBlock, block: RawBlock) -> bool:
    return not previous.text.rstrip().endswith(_SENTENCE_END) and block.text[:1].islower()


def _joined(first: RawBlock, second: RawBlock) -> RawBlock:
    offset = len(first.text) + 1
    total = len(first.text) + len(second.text)
    confidence = (
        first.ocr_confidence * len(first.text) + second.ocr_confidence * len(second.text)
    ) / total
    spans = first.ocr_low_confidence + tuple(
        (start + offset, end + offset) for start, end in second.ocr_low_confidence
    )
    return RawBlock(
        first.kind,
        f"{first.text} {second.text}",
        ocr_confidence=round(confidence, 1),
        ocr_low_confidence=spans,
    )
