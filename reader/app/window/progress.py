"""How far through the document the reader is, and the document's size in reader words."""

from __future__ import annotations

from itertools import accumulate


class ReadingProgress:
    """Sentence positions by block, as prefix sums: `percent(block, sentence)` is how much of
    the document's sentences come before that one (0 at the first sentence, 100 at the last)."""

    def __init__(self, sentences_per_block: list[int]) -> None:
        self._before = [0, *accumulate(sentences_per_block)]  # sentences before each block
        self.total = self._before[-1]

    @classmethod
    def of(cls, document) -> ReadingProgress:
        return cls([len(block.sentences) for block in document.blocks])

    def percent(self, block_index: int, sentence_index: int = 0) -> int:
        if self.total <= 1:
            return 100 if self.total and block_index >= 0 else 0
        block_index = min(max(block_index, 0), len(self._before) - 2)
        before = self._before[block_index] + sentence_index
        return round(100 * min(before, self.total - 1) / (self.total - 1))


def document_summary(document) -> str:
    """'37 sentences in 22 paragraphs': what a reader counts (headings and table rows are
    paragraphs too for this purpose)."""
    sentences, blocks = document.sentence_count, len(document.blocks)
    return f"{_count(sentences, 'sentence')} in {_count(blocks, 'paragraph')}"


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
