import pickle

import pytest

from reader.core.documents.model import Sentence

BLOCK = "Điều 1. Phạm vi điều chỉnh. Nghị định này quy định về công tác văn thư."


def _sentences_of(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for end in (i + 1 for i, char in enumerate(text) if char == "."):
        spans.append((start, end))
        start = end + 1
    return spans


def test_a_sentence_of_its_block_is_the_block_text_between_its_offsets() -> None:
    for index, (start, end) in enumerate(_sentences_of(BLOCK)):
        shared = Sentence.of(BLOCK, index, start, end)
        alone = Sentence(index, start, end, BLOCK[start:end])
        assert shared.text == BLOCK[start:end] == alone.text
        assert shared == alone and hash(shared) == hash(alone)
        assert repr(shared) == repr(alone)
        assert pickle.loads(pickle.dumps(shared)) == shared


def test_sentences_differing_in_text_or_offsets_differ() -> None:
    first = Sentence.of(BLOCK, 0, 0, 7)
    assert first != Sentence(0, 0, 7, "Điều 2.")
    assert first != Sentence.of(BLOCK, 1, 0, 7)
    assert first != Sentence.of(BLOCK, 0, 0, 6)


def test_a_sentence_cannot_be_changed() -> None:
    sentence = Sentence.of(BLOCK, 0, 0, 7)
    with pytest.raises(AttributeError):
        sentence.end = 3
    with pytest.raises(AttributeError):
        sentence.text = "Khác."
    with pytest.raises(AttributeError):
        del sentence.start
    assert (sentence.start, sentence.end, sentence.text) == (0, 7, "Điều 1.")
