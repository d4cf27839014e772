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


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a block: `text == block.text[start:end]`."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Block:
    index: int
    kind: BlockKind
    text: str
    sentences: tuple[Sentence, ...]
    level: int = 0  # heading level (1-6) or list depth; 0 where it does not apply

    @property
    def id(self) -> str:
        return f"b{self.index}"


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
