"""Turn a file into a `Document`: pick the importer, then normalise, detect the language and
split every block into sentences the same way for every format."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from pathlib import Path

from reader.core.documents import legal
from reader.core.documents.decoding import normalise
from reader.core.documents.files import (
    MAX_FILE_BYTES,
    MAX_TEXT_FILE_BYTES,
    TEXT_FILE_LIMIT,
    opened,
    read_failure,
)
from reader.core.documents.importers import Importer, RawBlock, RawDocument, importer_for
from reader.core.documents.importers.text import TextImporter
from reader.core.documents.model import (
    CELL_SEPARATOR,
    ROW_SEPARATOR,
    UNTRANSLATED_KINDS,
    Block,
    BlockKind,
    Document,
    Sentence,
    content_hash,
    table_cell_spans,
)
from reader.core.documents.titles import choose_title
from reader.core.errors import InputError, collecting_warnings
from reader.core.segment import detect_language, split_sentences

__all__ = ["MAX_FILE_BYTES", "MAX_TEXT_FILE_BYTES", "build_document", "load_document"]

_SNIFF_BYTES = 8192
_TEXT_FORMATS = frozenset({"txt", "md", "html"})
_LANGUAGE_SAMPLE_CHARS = 20_000
# The language of a text (given its `content_hash`) if already known, else None.
KnownLanguage = Callable[[str], "str | None"]
LanguageDecided = Callable[[str, str], None]  # (language, content hash)


def load_document(
    path: str | Path,
    language: str = "auto",
    *,
    known_language: KnownLanguage | None = None,
    language_decided: LanguageDecided | None = None,
) -> Document:
    """Read, parse and segment a document. Raises `InputError` naming the file and the problem.

    `language` "auto" detects it, unless `known_language` (given the text's `content_hash`)
    knows it already: a library that stored the same text keeps its language, and the
    identifier's model need not even be loaded. `language_decided(language, content_hash)` is
    called before the text is segmented (the longest step): a caller can get ready to translate
    it meanwhile."""
    path = Path(path)
    size, head = _check_readable(path)
    # An unknown format is read as text, which refuses binary data with a clear message.
    importer = importer_for(path, head) or TextImporter()
    _check_text_size(path, size, importer.name)
    with collecting_warnings() as warnings:
        raw = _read(importer, path)
    document = build_document(
        raw,
        path=path,
        format=importer.name,
        language=language,
        known_language=known_language,
        language_decided=language_decided,
    )
    return dataclasses.replace(document, warnings=tuple(warnings))


def _read(importer: Importer, path: Path) -> RawDocument:
    """The importer's reading, with the file's own troubles (deleted meanwhile, unreadable
    disk) told as such; the importers' checks of their format raise `InputError` already."""
    try:
        return importer.read(path)
    except OSError as error:
        raise read_failure(path, error) from error


def build_document(
    raw: RawDocument,
    *,
    path: Path | None,
    format: str,
    language: str = "auto",
    known_language: KnownLanguage | None = None,
    language_decided: LanguageDecided | None = None,
) -> Document:
    kept = _kept_blocks(raw)
    texts = [(kind, level, text) for _, kind, level, text in kept]
    if not texts:
        raise InputError(path or "<text>", "contains no text")
    digest = content_hash(texts)
    if language == "auto" and known_language is not None:
        language = known_language(digest) or "auto"
    if language == "auto":
        # What the text is beats what the file declares (templates say lang="en" on any page);
        # the declaration decides only when the text cannot.
        language = detect_language(_language_sample(texts))
        if language == "und" and raw.language_hint:
            language = raw.language_hint
    if language_decided is not None:
        language_decided(language, digest)
    blocks = tuple(
        Block(
            index,
            kind,
            text,
            _block_sentences(kind, text, language),
            level,
            *_ocr_marks(raw.blocks[raw_index], text),
        )
        for index, (raw_index, kind, level, text) in enumerate(kept)
    )
    title = choose_title(raw.title, texts, path.stem if path else "Untitled")
    return Document(
        title=normalise(title).strip(),
        language=language,
        blocks=blocks,
        content_hash=digest,
        source_path=path.resolve() if path else None,
        format=format,
        toc=tuple(_reindex_toc(raw, kept)),
        ocr=any(block.ocr_confidence is not None for block in blocks),
    )


def _ocr_marks(raw: RawBlock, text: str) -> tuple[float | None, tuple[tuple[int, int], ...]]:
    """An OCR'd block's confidence and unsure spans; the spans only if they still point at the
    same characters (OCR text comes normalised, so it always should)."""
    spans = raw.ocr_low_confidence if raw.text == text else ()
    return raw.ocr_confidence, spans


def _kept_blocks(raw: RawDocument) -> list[tuple[int, BlockKind, int, str]]:
    """(raw index, kind, level, text) of the blocks with text, in the form offsets refer to."""
    kept = []
    for raw_index, block in enumerate(raw.blocks):
        kind, text = _block_text(block)
        if text.strip():
            kept.append((raw_index, kind, block.level, text))
    return _legal_headings(kept)


def _legal_headings(kept: list[tuple[int, BlockKind, int, str]]) -> list:
    """Paragraphs that are a legal division's heading (`Chương II`, `Điều 5. Phạm vi…`) become
    headings whatever the format: a web page or a DOCX often writes them as plain paragraphs.
    Their levels come below the headings the file itself marks."""
    ranks = {
        position: rank
        for position, (_, kind, _, text) in enumerate(kept)
        if kind is BlockKind.PARAGRAPH
        and "\n" not in text
        and (rank := legal.heading_level(text)) is not None
    }
    if not ranks:
        return kept
    marked = {level for _, kind, level, _ in kept if kind is BlockKind.HEADING}
    base = len(marked)
    levels = legal.compact_levels(ranks.values())
    for position, rank in ranks.items():
        raw_index, _, _, text = kept[position]
        kept[position] = (raw_index, BlockKind.HEADING, min(6, base + levels[rank]), text)
    return kept


def _block_text(block: RawBlock) -> tuple[BlockKind, str]:
    if block.kind is BlockKind.CODE:
        # Indentation and line breaks are the code: only blank lines around it go.
        return block.kind, normalise(block.text).strip("\n").rstrip()
    if block.kind is not BlockKind.TABLE:
        return block.kind, normalise(block.text).strip()
    rows = [[" ".join(normalise(cell).split()) for cell in row] for row in block.rows]
    rows = [row for row in rows if any(row)]
    if len(rows) == 1 and len(rows[0]) == 1:
        return BlockKind.PARAGRAPH, rows[0][0]  # a one-cell "table" is layout, not a table
    return block.kind, ROW_SEPARATOR.join(CELL_SEPARATOR.join(row) for row in rows)


def _block_sentences(kind: BlockKind, text: str, language: str) -> tuple[Sentence, ...]:
    if kind in UNTRANSLATED_KINDS:
        return (Sentence.of(text, 0, 0, len(text)),)
    if kind is not BlockKind.TABLE:
        return _sentences(text, language)
    spans = [
        (cell_start + start, cell_start + end)
        for row in table_cell_spans(text)
        for cell_start, cell_end in row
        for start, end in split_sentences(text[cell_start:cell_end], language)
    ]
    return tuple(Sentence.of(text, index, start, end) for index, (start, end) in enumerate(spans))


def _check_readable(path: Path) -> tuple[int, bytes]:
    """The file's size and first bytes, once it is known to be a file that can be a document."""
    with opened(path) as stream:
        size = os.fstat(stream.fileno()).st_size
        head = stream.read(_SNIFF_BYTES)
    if not head:
        raise InputError(path, "file is empty")
    return size, head


def _check_text_size(path: Path, size: int, format: str) -> None:
    """Refuse a large text file before reading it; a text importer still reads within the
    limit (the file may grow meanwhile)."""
    if format in _TEXT_FORMATS and size > TEXT_FILE_LIMIT.bytes:
        raise InputError(path, TEXT_FILE_LIMIT.refusal(size))


def _sentences(text: str, language: str) -> tuple[Sentence, ...]:
    return tuple(
        Sentence.of(text, index, start, end)
        for index, (start, end) in enumerate(split_sentences(text, language))
    )


def _language_sample(texts: list[tuple[object, int, str]]) -> str:
    sample, length = [], 0
    for kind, _, text in texts:
        if kind in UNTRANSLATED_KINDS:
            continue  # code and letterheads say little about the language of the prose
        sample.append(text)
        length += len(text)
        if length > _LANGUAGE_SAMPLE_CHARS:
            break
    return "\n".join(sample)


def _reindex_toc(raw: RawDocument, kept: list) -> list[tuple[int, str, int]]:
    """Map table-of-contents entries from raw block positions to kept block positions."""
    kept_index = {raw_index: position for position, (raw_index, *_) in enumerate(kept)}
    return [
        (level, normalise(title).strip(), kept_index[index])
        for level, title, index in raw.toc
        if index in kept_index
    ]
