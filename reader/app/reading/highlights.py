"""Annotation highlights as the reading view paints them: each resolved against the text shown
(a translation may have changed since the note was made), and the notes to show on hover."""

from __future__ import annotations

from dataclasses import dataclass

from reader.app.reading.aligned_text import AlignedText
from reader.core.side import Side


@dataclass(frozen=True)
class PaintedMark:
    start: int
    end: int
    colour: str  # a palette name
    strong: bool  # False: the light tint on the other side of an annotated sentence
    note: str = ""  # the note's Markdown, empty for a plain highlight

    def as_tuple(self) -> tuple[int, int, str, bool]:
        return self.start, self.end, self.colour, self.strong


class Highlights:
    """The annotations of the open document by block (`reader.core.notes.service.Highlight`:
    side, colour, start, end, sentences, quote, note)."""

    def __init__(self) -> None:
        self._by_block: dict[int, list] = {}

    def set(self, by_block: dict[int, list]) -> None:
        self._by_block = by_block

    def clear(self) -> None:
        self._by_block = {}

    def marks(self, text: AlignedText | None, side: Side, block_index: int) -> list[PaintedMark]:
        """What is painted for annotations in one side of a block."""
        found = self._by_block.get(block_index)
        if not found or text is None:
            return []
        ranges = text.ranges(side, block_index)
        marks = []
        for mark in found:
            if mark.side == side:
                span = _shown_span(text, side, block_index, mark, ranges)
                if span is not None and span[1] > span[0]:
                    marks.append(PaintedMark(*span, mark.colour, True, getattr(mark, "note", "")))
                continue
            for sentence in mark.sentences:  # the counterpart sentences: a light tint
                if sentence < len(ranges) and _sentence_shown(text, side, block_index, sentence):
                    marks.append(PaintedMark(*ranges[sentence], mark.colour, False))
        return marks

    def notes_at(
        self, text: AlignedText | None, side: Side, block_index: int, position: int
    ) -> list[str]:
        """The notes of the highlights under a character of one side."""
        return [
            mark.note
            for mark in self.marks(text, side, block_index)
            if mark.strong and mark.note.strip() and mark.start <= position < mark.end
        ]


def _shown_span(
    text: AlignedText, side: Side, block_index: int, mark, ranges: tuple[tuple[int, int], ...]
) -> tuple[int, int] | None:
    if side == Side.ORIGINAL:
        return mark.start, mark.end
    sentence = mark.sentences[0]  # offsets in that sentence's translation
    if not _sentence_shown(text, side, block_index, sentence):
        return None
    from reader.core.notes.service import translation_highlight_span  # loads the database layer

    shown = text.sentences[(block_index, sentence)].translation
    placed = translation_highlight_span(mark, shown)  # None: its words are gone
    return placed and _in_sentence(ranges, sentence, *placed)


def _sentence_shown(text: AlignedText, side: Side, block_index: int, sentence: int) -> bool:
    if side == Side.ORIGINAL:
        return True
    target = text.target(block_index)
    return (
        target is not None
        and sentence < len(target.states)
        and target.states[sentence] != "missing"
    )


def _in_sentence(
    ranges: tuple[tuple[int, int], ...], sentence: int, start: int, end: int
) -> tuple[int, int] | None:
    """Offsets within one sentence's translation as offsets in the shown block text, clipped
    to that sentence (its translation may have changed since the note was made)."""
    if not 0 <= sentence < len(ranges):
        return None
    first, last = ranges[sentence]
    return min(first + start, last), min(first + end, last)
