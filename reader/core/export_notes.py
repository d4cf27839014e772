"""The reader's annotations in a bilingual export: each highlight a mark on the words of the side
it was made on, each note a footnote numbered in reading order.

A translation-side highlight is placed on the translation as exported (the user's edit, or the
model's output), like the window paints it: where its words are gone it is left out, never put on
other words. Overlapping highlights are cut where the earlier one ends (formats nest no marks),
and a note keeps its footnote even when its words were all covered by another highlight.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from markdown_it import MarkdownIt
from sqlalchemy import select

from reader.core.documents.model import Block, Document
from reader.core.notes.service import (
    Annotation,
    Highlight,
    highlights,
    list_annotations,
    translation_highlight_span,
)
from reader.core.side import Side
from reader.core.storage.db import Database
from reader.core.storage.models import DocumentRow
from reader.core.translate.service import TranslatedSentence

SentenceKey = tuple[int, int, Side]  # block index, sentence index, side


@dataclass(frozen=True, slots=True)
class Mark:
    """A highlighted span of one sentence's text on one side (offsets in that text)."""

    start: int
    end: int
    colour: str
    footnote: int | None = None  # the number of the note shown after it


@dataclass(frozen=True, slots=True)
class Footnote:
    number: int
    block_index: int
    quote: str
    text: str  # Markdown, as the reader wrote it


@dataclass(frozen=True)
class ExportNotes:
    marks: Mapping[SentenceKey, tuple[Mark, ...]]
    footnotes: tuple[Footnote, ...]

    def of(self, block_index: int, sentence_index: int, side: Side) -> tuple[Mark, ...]:
        return self.marks.get((block_index, sentence_index, side), ())


NO_NOTES = ExportNotes({}, ())


def stored_annotations(database: Database, document: Document) -> list[Annotation]:
    """The library's annotations of this very text (a file read again by the CLI): none when the
    library holds no document with its content, whose anchors would point into another text."""
    with database.reading() as session:
        document_id = session.scalars(
            select(DocumentRow.id).where(DocumentRow.content_hash == document.content_hash)
        ).first()
    return [] if document_id is None else list_annotations(database, document_id)


def place_notes(
    document: Document,
    translations: Mapping[tuple[int, int], TranslatedSentence],
    annotations: Iterable[Annotation],
) -> ExportNotes:
    """The marks and footnotes of `annotations` (anchored ones; orphans have no place)."""
    by_uuid = {note.uuid: note for note in annotations}
    placed = []
    for block_index, found in highlights(document, by_uuid.values()).items():
        block = document.blocks[block_index]
        for highlight in found:
            spans = list(_spans(block, highlight, translations))
            if spans:
                placed.append((spans, highlight, by_uuid[highlight.uuid]))
    placed.sort(key=lambda item: _reading_order(item[0][0]))
    marks: dict[SentenceKey, list[Mark]] = {}
    footnotes: list[Footnote] = []
    for spans, highlight, note in placed:
        number = None
        if note.note.strip():
            number = len(footnotes) + 1
            footnotes.append(Footnote(number, highlight.block_index, note.quote, note.note.strip()))
        for position, (key, start, end) in enumerate(spans, 1):
            last = position == len(spans)
            mark = Mark(start, end, note.colour, number if last else None)
            marks.setdefault(key, []).append(mark)
    ordered = {key: tuple(sorted(found, key=lambda m: m.start)) for key, found in marks.items()}
    return ExportNotes(ordered, tuple(footnotes))


def _reading_order(span: tuple[SentenceKey, int, int]) -> tuple[int, int, int, int]:
    (block, sentence, side), start, _ = span
    return block, sentence, side.index, start


def _spans(
    block: Block, highlight: Highlight, translations: Mapping[tuple[int, int], TranslatedSentence]
) -> Iterator[tuple[SentenceKey, int, int]]:
    """Where a highlight lies, sentence by sentence, as offsets in each sentence's text."""
    if highlight.side == Side.TRANSLATION:
        sentence_index = highlight.sentences[0]
        translated = translations.get((block.index, sentence_index))
        if translated is None or not block.translate:
            return
        span = translation_highlight_span(highlight, translated.translation)
        if span is not None and span[0] < span[1]:
            yield (block.index, sentence_index, Side.TRANSLATION), *span
        return
    for sentence in block.sentences:
        if sentence.index not in highlight.sentences:
            continue
        start = max(highlight.start, sentence.start) - sentence.start
        end = min(highlight.end, sentence.end) - sentence.start
        if start < end:
            yield (block.index, sentence.index, Side.ORIGINAL), start, end


def marked_segments(text: str, marks: Iterable[Mark]) -> list[tuple[str, Mark | None]]:
    """`text` cut into plain and marked pieces, in order; a mark whose words an earlier one
    took is an empty piece (still carrying its footnote)."""
    pieces: list[tuple[str, Mark | None]] = []
    at = 0
    for mark in marks:
        end = min(max(mark.end, at), len(text))
        start = min(max(mark.start, at), end)
        if start > at:
            pieces.append((text[at:start], None))
        pieces.append((text[start:end], mark))
        at = end
    if at < len(text) or not pieces:
        pieces.append((text[at:], None))
    return pieces


_MARKDOWN = MarkdownIt("commonmark", {"html": False})  # a note's raw HTML is shown, not run


def note_html(footnote: Footnote) -> str:
    """The note's Markdown as (X)HTML: no raw HTML passes, so the export stays well-formed."""
    return _MARKDOWN.render(footnote.text)
