"""What both panes of the reading view show, without Qt: the document with the translations
received so far (`AlignedText`) and the row geometry both panes share (`RowGeometry`)."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.core.side import Side

if TYPE_CHECKING:  # importing reader.core.documents loads the segmenter (numpy): not at start-up
    from reader.core.documents.model import Block, Document

PLACEHOLDER = "…"  # stands in for a sentence of a partly translated block


@dataclass(frozen=True)
class TargetBlock:
    """A block's translation as shown: its sentences joined, with each one's character range."""

    text: str
    ranges: tuple[tuple[int, int], ...]
    # per sentence: "machine", "edited", "term_missing" (a glossary term lacking) or "missing"
    states: tuple[str, ...]

    def ranges_in(self, state: str) -> tuple[tuple[int, int], ...]:
        """The character ranges of the sentences in `state`."""
        return tuple(
            span for span, each in zip(self.ranges, self.states, strict=True) if each == state
        )


class AlignedText:
    """The document and the translations received so far (no Qt: easy to test and fast)."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.sentences: dict[
            tuple[int, int], object
        ] = {}  # (block, sentence) -> TranslatedSentence
        self._targets: dict[int, TargetBlock | None] = {}

    def add(self, sentences: Iterable) -> set[int]:
        """Record translated sentences; return the blocks whose translation changed."""
        changed = set()
        for sentence in sentences:
            key = (sentence.block_index, sentence.sentence_index)
            old = self.sentences.get(key)
            if old is not None and (old == sentence or (old.edited and not sentence.edited)):
                continue  # the user's own translation wins over a late machine one
            self.sentences[key] = sentence
            changed.add(sentence.block_index)
        for block_index in changed:
            self._targets.pop(block_index, None)
        return changed

    def clear(self) -> None:
        self.sentences.clear()
        self._targets.clear()

    def block(self, index: int) -> Block:
        return self.document.blocks[index]

    def target(self, block_index: int) -> TargetBlock | None:
        """The translated block, or None while none of its sentences is translated."""
        if block_index not in self._targets:
            self._targets[block_index] = self._assemble(block_index)
        return self._targets[block_index]

    def _assemble(self, block_index: int) -> TargetBlock | None:
        block = self.document.blocks[block_index]
        if not block.sentences:  # nothing to translate (e.g. "***"): show it as it is
            return TargetBlock(block.text, (), ())
        pieces, states = [], []
        for sentence in block.sentences:
            translated = self.sentences.get((block_index, sentence.index))
            if translated is None:
                pieces.append(PLACEHOLDER)
                states.append("missing")
            else:
                pieces.append(translated.translation)
                states.append(_state(translated))
        if "missing" in states and len(set(states)) == 1:
            return None
        text, ranges = _joined(block, pieces)
        return TargetBlock(text, ranges, tuple(states))

    def missing_terms(self, block_index: int, sentence_index: int) -> tuple[str, ...]:
        """The glossary terms the machine translation of a sentence lacks (none once edited)."""
        translated = self.sentences.get((block_index, sentence_index))
        if translated is None or translated.edited:
            return ()
        return tuple(translated.glossary_missing)

    def text(self, side: Side, block_index: int) -> str | None:
        if side == Side.ORIGINAL:
            return self.document.blocks[block_index].text
        target = self.target(block_index)
        return target.text if target else None

    def ranges(self, side: Side, block_index: int) -> tuple[tuple[int, int], ...]:
        if side == Side.ORIGINAL:
            return tuple((s.start, s.end) for s in self.document.blocks[block_index].sentences)
        target = self.target(block_index)
        return target.ranges if target else ()

    def sentence_at(self, side: Side, block_index: int, position: int) -> int | None:
        """The sentence holding character `position` (a gap belongs to the sentence before)."""
        ranges = self.ranges(side, block_index)
        if not ranges:
            return None
        starts = [start for start, _ in ranges]
        index = bisect.bisect_right(starts, position) - 1
        return max(index, 0)

    def is_translated(self, block_index: int) -> bool:
        block = self.document.blocks[block_index]
        return all((block_index, s.index) in self.sentences for s in block.sentences)

    @property
    def translated_count(self) -> int:
        return len(self.sentences)


def _state(translated) -> str:
    if translated.edited:  # the user's own words: the glossary check was the machine's
        return "edited"
    return "term_missing" if translated.glossary_missing else "machine"


def _joined(block: Block, pieces: list[str]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A block's sentence translations joined as its sentences are: by a space, or in a table
    by the cell and row separators between them (so the translation is a table too)."""
    separators = [" "] * (len(pieces) - 1)
    if block.kind == "table":
        sentences = block.sentences
        for index in range(len(separators)):
            between = block.text[sentences[index].end : sentences[index + 1].start]
            breaks = "".join(char for char in between if char in "\t\n")
            separators[index] = breaks or " "
        text_before = block.text[: sentences[0].start] if sentences else ""
        text_after = block.text[sentences[-1].end :] if sentences else ""
        lead = "".join(char for char in text_before if char in "\t\n")
        tail = "".join(char for char in text_after if char in "\t\n")
    else:
        lead = tail = ""
    parts, ranges, position = [lead], [], len(lead)
    for index, piece in enumerate(pieces):
        ranges.append((position, position + len(piece)))
        parts.append(piece)
        position += len(piece)
        if index < len(separators):
            parts.append(separators[index])
            position += len(separators[index])
    parts.append(tail)
    return "".join(parts), tuple(ranges)


class RowGeometry:
    """Heights of each side's blocks, the row heights (the taller side plus a gap) and their
    prefix sums, so both panes agree on where every row starts."""

    def __init__(self) -> None:
        self.side_heights: list[list[float]] = [[], []]
        self.gap = 0.0
        self.tops: list[float] = [0.0]

    def reset(self, count: int) -> None:
        self.side_heights = [[0.0] * count, [0.0] * count]
        self.tops = [0.0] * (count + 1)

    def rebuild(self) -> None:
        gap = self.gap
        heights = (max(a, b) + gap for a, b in zip(*self.side_heights, strict=True))
        self.tops = [0.0, *itertools.accumulate(heights)]

    @property
    def count(self) -> int:
        return len(self.tops) - 1

    @property
    def total(self) -> float:
        return self.tops[-1]

    def top(self, row: int) -> float:
        return self.tops[row]

    def height(self, row: int) -> float:
        return self.tops[row + 1] - self.tops[row]

    def row_at(self, y: float) -> int:
        if self.count == 0:
            return -1
        return min(max(bisect.bisect_right(self.tops, y) - 1, 0), self.count - 1)
