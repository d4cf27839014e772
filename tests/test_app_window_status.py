"""The status bar's reading progress and the document's size in reader words."""

from __future__ import annotations

from types import SimpleNamespace

from reader.app.window.status import ReadingProgress, document_summary


def test_progress_runs_from_the_first_sentence_to_the_last() -> None:
    progress = ReadingProgress([2, 0, 3, 5])  # an empty block (e.g. a table) counts nothing
    assert progress.percent(0, 0) == 0
    assert progress.percent(2, 0) == round(100 * 2 / 9)
    assert progress.percent(1, 0) == progress.percent(2, 0)
    assert progress.percent(3, 4) == 100
    assert progress.percent(99, 0) == progress.percent(3, 0)  # out of range: clamped


def test_a_document_of_one_sentence_or_none() -> None:
    assert ReadingProgress([1]).percent(0, 0) == 100
    assert ReadingProgress([]).percent(0, 0) == 0


def test_the_size_is_said_in_reader_words() -> None:
    def document(sentences: int, blocks: int):
        return SimpleNamespace(sentence_count=sentences, blocks=[None] * blocks)

    assert document_summary(document(37, 22)) == "37 sentences in 22 paragraphs"
    assert document_summary(document(1, 1)) == "1 sentence in 1 paragraph"
    assert document_summary(document(3318, 3118)) == "3,318 sentences in 3,118 paragraphs"
