"""The document model shared by every importer, the translator, the window and the notes.

A document is a sequence of blocks (paragraphs, headings, list items, captions...); a block's
text is split into sentences given as character offsets into that text, so a sentence can be
found again in the block, highlighted, and paired with its translation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class BlockKind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    CAPTION = "caption"
    QUOTE = "quote"
    TABLE_CELL = "table_cell"
    FOOTNOTE = "footnote"
    CODE = "code"
    TABLE = "table"  # text: cells joined by TAB, rows by LF (cell texts hold neither)
    CONTENTS = "contents"  # a printed table of contents: navigation, not prose
    HEADER = "header"  # a document's letterhead (an official document's motto, number, date)


# Blocks shown verbatim on both sides and never sent to the model: code is not language, a printed
# contents page repeats the headings, a letterhead is a form. Each is one whole-block sentence.
UNTRANSLATED_KINDS = frozenset({BlockKind.CODE, BlockKind.CONTENTS, BlockKind.HEADER})
CELL_SEPARATOR = "\t"
ROW_SEPARATOR = "\n"


class Sentence:
    """A sentence of a block: `text == block.text[start:end]`.

    Made with `Sentence.of(block_text, ...)` it keeps a reference to the block's text and slices
    its own text when asked: a long book has hundreds of thousands of sentences, and a copy of
    each one's text would double the document's memory. `Sentence(index, start, end, text)`
    keeps the text given (a sentence made without its block). Immutable, compared by value."""

    __slots__ = ("_source", "_source_start", "end", "index", "start")

    index: int
    start: int
    end: int

    def __init__(self, index: int, start: int, end: int, text: str) -> None:
        self._set(index, start, end, text, start)

    @classmethod
    def of(cls, block_text: str, index: int, start: int, end: int) -> Sentence:
        """The sentence at `block_text[start:end]`, sharing the block's text."""
        sentence = cls.__new__(cls)
        sentence._set(index, start, end, block_text, 0)
        return sentence

    def _set(self, index: int, start: int, end: int, source: str, source_start: int) -> None:
        set_slot = object.__setattr__  # past the immutability guard below
        set_slot(self, "index", index)
        set_slot(self, "start", start)
        set_slot(self, "end", end)
        set_slot(self, "_source", source)
        set_slot(self, "_source_start", source_start)

    @property
    def text(self) -> str:
        # A full slice of a str is the str itself: a sentence made with its text copies nothing.
        return self._source[self.start - self._source_start : self.end - self._source_start]

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Sentence is immutable: cannot set {name}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Sentence is immutable: cannot delete {name}")

    def _key(self) -> tuple[int, int, int, str]:
        return self.index, self.start, self.end, self.text

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sentence):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"Sentence(index={self.index}, start={self.start}, end={self.end}, text={self.text!r})"
        )

    def __reduce__(self):
        return Sentence, self._key()


@dataclass(frozen=True, slots=True)
class Block:
    index: int
    kind: BlockKind
    text: str
    sentences: tuple[Sentence, ...]
    level: int = 0  # heading level (1-6) or list depth; 0 where it does not apply
    # Read by OCR: mean word confidence (0-100) and the (start, end) spans of unsure words;
    # None and () for text the file itself holds. Not stored in the library (a reimport, from
    # the OCR cache, brings them back).
    ocr_confidence: float | None = None
    ocr_low_confidence: tuple[tuple[int, int], ...] = ()

    @property
    def id(self) -> str:
        return f"b{self.index}"

    @property
    def translate(self) -> bool:
        """Whether the block's sentences go to the model (else its translation is its text)."""
        return self.kind not in UNTRANSLATED_KINDS

    def cell_spans(self) -> tuple[tuple[tuple[int, int], ...], ...]:
        """A table's rows of cells as (start, end) offsets into `text`; () for other kinds."""
        if self.kind is not BlockKind.TABLE:
            return ()
        return table_cell_spans(self.text)

    def table_rows(self) -> list[list[tuple[str, list[Sentence]]]]:
        """A table's rows of cells, each cell its text and its sentences; [] for other kinds."""
        rows = []
        for row in self.cell_spans():
            rows.append(
                [
                    (
                        self.text[start:end],
                        [s for s in self.sentences if start <= s.start and s.end <= end],
                    )
                    for start, end in row
                ]
            )
        return rows


def table_cell_spans(text: str) -> tuple[tuple[tuple[int, int], ...], ...]:
    rows, row_start = [], 0
    for row_text in text.split(ROW_SEPARATOR):
        cells, cell_start = [], row_start
        for cell_text in row_text.split(CELL_SEPARATOR):
            cells.append((cell_start, cell_start + len(cell_text)))
            cell_start += len(cell_text) + 1
        rows.append(tuple(cells))
        row_start += len(row_text) + 1
    return tuple(rows)


def sentence_id(block_index: int, sentence_index: int) -> str:
    """Stable id of a sentence: the same content imported again gives the same ids."""
    return f"b{block_index}.s{sentence_index}"


@dataclass(frozen=True)
class Document:
    title: str
    language: str
    blocks: tuple[Block, ...]
    content_hash: str
    source_path: Path | None = None
    format: str = "txt"
    toc: tuple[tuple[int, str, int], ...] = field(default=())  # (level, title, block index)
    # Problems in the file that did not stop it being read ("FILE: invalid UTF-8 at byte 12").
    warnings: tuple[str, ...] = field(default=(), compare=False)
    ocr: bool = False  # some of its text was read by OCR (a scan, or an image)

    def iter_sentences(self) -> Iterator[tuple[Block, Sentence]]:
        for block in self.blocks:
            for sentence in block.sentences:
                yield block, sentence

    @property
    def sentence_count(self) -> int:
        return sum(len(block.sentences) for block in self.blocks)


def content_hash(blocks: list[tuple[BlockKind, int, str]]) -> str:
    """Hash of what a reader sees (kinds, levels, normalised text), not of the file's bytes:
    the same text saved in another encoding is the same document."""
    digest = hashlib.sha256()
    for kind, level, text in blocks:
        digest.update(f"{kind}\x1f{level}\x1f{text}\x1e".encode())
    return digest.hexdigest()
