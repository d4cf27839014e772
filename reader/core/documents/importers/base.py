"""The importer interface: what an importer is and what it returns (the list of importers is
`registry.py`).

An importer reads one format and returns blocks of plain text with their kinds; decoding of
characters, Unicode normalisation, language detection and sentence segmentation happen once,
in the loader, so every format gets them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from reader.core.documents.model import BlockKind


@dataclass(frozen=True, slots=True)
class RawBlock:
    kind: BlockKind
    text: str
    level: int = 0
    # A table's cells, row by row (kind TABLE; `text` is then ignored): the loader joins them.
    rows: tuple[tuple[str, ...], ...] = ()
    # Read by OCR: mean word confidence (0-100) and the (start, end) spans of unsure words.
    ocr_confidence: float | None = None
    ocr_low_confidence: tuple[tuple[int, int], ...] = ()


@dataclass
class RawDocument:
    blocks: list[RawBlock]
    title: str | None = None
    language_hint: str | None = None  # a language the file declares (e.g. <html lang>), if any
    toc: list[tuple[int, str, int]] = field(default_factory=list)  # (level, title, raw block index)


class Importer(Protocol):
    name: str  # short format name stored with the document: "txt", "md", "html"...
    extensions: tuple[str, ...]  # lower-case, with the dot

    def sniff(self, path: Path, head: bytes) -> bool:
        """True if the file looks like this format whatever its extension."""
        ...

    def read(self, path: Path) -> RawDocument:
        """Parse the file; raise `InputError` for a file that is not valid in this format."""
        ...
