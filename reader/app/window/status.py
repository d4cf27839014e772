"""The status bar's permanent part: the translation's progress (with Cancel) and how far
through the document the reader is; and the document's size in reader words."""

from __future__ import annotations

from itertools import accumulate

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QToolButton


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


class StatusArea(QObject):
    cancel_clicked = Signal()

    def __init__(self, bar: QStatusBar) -> None:
        super().__init__(bar)
        self.progress_label = QLabel()
        self.progress_bar = QProgressBar(objectName="translationProgress")
        self.progress_bar.setMaximumWidth(180)
        self.progress_bar.setTextVisible(False)
        self.cancel_button = QToolButton(text="Cancel", objectName="cancelTranslation")
        self.cancel_button.setToolTip("Stop translating this document")
        self.cancel_button.clicked.connect(self.cancel_clicked)
        self.reading_label = QLabel(objectName="readingProgress")
        self.reading_label.setToolTip("How far through the document the current sentence is")
        for widget in (self.progress_label, self.progress_bar, self.cancel_button):
            bar.addPermanentWidget(widget)
        bar.addPermanentWidget(self.reading_label)
        self.show_translating(False)
        self.show_reading(None)
        self.progress = ReadingProgress([])

    def show_translating(self, visible: bool) -> None:
        for widget in (self.progress_label, self.progress_bar, self.cancel_button):
            widget.setVisible(visible)

    def translated(self, done: int, total: int) -> None:
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)
        self.progress_label.setText(f"Translating: {done} / {total} sentences")

    def cancelling(self) -> None:
        self.progress_label.setText("Cancelling…")

    def show_reading(self, at: tuple[int, int] | None) -> None:
        """The reader is at (block, sentence) of the document `progress` counts; None: no
        document."""
        self.reading_percent = None if at is None else self.progress.percent(*at)
        self.reading_label.setText("" if at is None else f"{self.reading_percent} %")
        self.reading_label.setVisible(at is not None)
