"""Anchoring and re-anchoring, measured on real documents edited the way people edit them:
paragraphs inserted, deleted and moved, sentences inserted, typos fixed. The ground truth comes
from tracking where every original character went through the edits."""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest

from reader.core.documents import load_document
from reader.core.errors import ReaderError
from reader.core.notes.anchoring import (
    AmbiguousQuoteError,
    Anchor,
    DocumentText,
    QuoteNotFoundError,
    Reanchorer,
    Resolution,
    anchor_quote,
    reanchor,
    reanchor_in_text,
)
from tests.conftest import SAMPLE, SHARED

UD_CORPUS = SHARED / "data" / "ud-vi-vtb" / "vi_vtb-ud-dev.conllu"
KNOWN_TYPOS = {"cản bộ": "cán bộ", "tiêu chỉ": "tiêu chí", "bổ trí": "bố trí"}


class EditedText:
    """Blocks of characters, each remembering its offset in the original document text (None for
    inserted characters), so the right place of any original span is known after the edits."""

    def __init__(self, blocks: list[str]):
        text = DocumentText(blocks)
        self.blocks: list[list[tuple[str, int | None]]] = [
            [(char, start + i) for i, char in enumerate(block)]
            for block, start in zip(blocks, text.block_starts, strict=True)
        ]

    def fix(self, wrong: str, right: str) -> int:
        """Replace every occurrence (same length: the characters keep their origin)."""
        assert len(wrong) == len(right)
        count = 0
        for block in self.blocks:
            text = "".join(char for char, _ in block)
            start = text.find(wrong)
            while start != -1:
                for i, char in enumerate(right):
                    block[start + i] = (char, block[start + i][1])
                count += 1
                start = text.find(wrong, start + 1)
        return count

    def insert_block(self, index: int, text: str) -> None:
        self.blocks.insert(index, [(char, None) for char in text])

    def insert_text(self, block_index: int, offset: int, text: str) -> None:
        self.blocks[block_index][offset:offset] = [(char, None) for char in text]

    def delete_block(self, index: int) -> None:
        del self.blocks[index]

    def move_block(self, source: int, destination: int) -> None:
        self.blocks.insert(destination, self.blocks.pop(source))

    def result(self) -> tuple[DocumentText, dict[int, int]]:
        """The new text, and {original offset: new offset} for the characters that survived."""
        new = DocumentText(["".join(char for char, _ in block) for block in self.blocks])
        where: dict[int, int] = {}
        for block, start in zip(self.blocks, new.block_starts, strict=True):
            for i, (_, origin) in enumerate(block):
                if origin is not None:
                    where[origin] = start + i
        return new, where


@dataclass
class Score:
    correct: int = 0
    lost_text_orphaned: int = 0
    orphaned_but_present: int = 0
    misplaced: int = 0
    present: int = 0

    @property
    def rate(self) -> float:
        return self.correct / self.present


def expected_span(where: dict[int, int], start: int, end: int) -> tuple[int, int] | None:
    moved = [where.get(offset) for offset in range(start, end)]
    if None in moved:
        return None  # some of the quoted text is gone: the annotation must become an orphan
    return moved[0], moved[-1] + 1


def score_reanchoring(old: DocumentText, spans, edited: EditedText) -> Score:
    new, where = edited.result()
    reanchorer = Reanchorer(new, old)
    score = Score()
    for start, end in spans:
        got = reanchorer.resolve(old.anchor(start, end)).anchor
        expected = expected_span(where, start, end)
        got_span = (got.doc_start, got.doc_end) if got else None
        if expected is not None:
            score.present += 1
        if got_span is None:
            if expected is None:
                score.lost_text_orphaned += 1
            else:
                score.orphaned_but_present += 1
        elif got_span == expected:
            score.correct += 1
        else:
            score.misplaced += 1
    return score


def sentence_spans(document, text: DocumentText) -> list[tuple[int, int]]:
    return [
        (text.block_starts[block.index] + s.start, text.block_starts[block.index] + s.end)
        for block, s in document.iter_sentences()
    ]


def random_spans(text: DocumentText, count: int, seed: int) -> list[tuple[int, int]]:
    """Random selections inside one block, 3 to 80 characters, starting and ending on a word."""
    rng = random.Random(seed)
    spans = []
    while len(spans) < count:
        block = rng.randrange(len(text.blocks))
        words = [
            i
            for i, char in enumerate(text.blocks[block])
            if i == 0 or text.blocks[block][i - 1] == " "
        ]
        if len(words) < 3:
            continue
        first = rng.randrange(len(words) - 1)
        last = min(len(words) - 1, first + rng.randint(1, 12))
        start, end = words[first], words[last] - 1
        if end - start >= 3:
            base = text.block_starts[block]
            spans.append((base + start, base + end))
    return spans


def ud_paragraphs(first_sentence: int, count: int, per_paragraph: int = 4) -> list[str]:
    sentences = [
        line.removeprefix("# text = ").strip()
        for line in UD_CORPUS.read_text(encoding="utf-8").splitlines()
        if line.startswith("# text = ")
    ]
    chosen = sentences[first_sentence : first_sentence + count * per_paragraph]
    return [" ".join(chosen[i : i + per_paragraph]) for i in range(0, len(chosen), per_paragraph)]


def test_sample_document_reanchors_through_realistic_edits():
    document = load_document(SAMPLE)
    old = DocumentText.of(document)
    spans = sentence_spans(document, old) + random_spans(old, 300, seed=7)
    edited = EditedText(old.blocks)
    for wrong, right in KNOWN_TYPOS.items():
        assert edited.fix(wrong, right) >= 1, wrong
    edited.move_block(10, 3)  # a long paragraph moved up
    edited.move_block(len(old.blocks) - 2, 6)  # a short one-line paragraph moved
    edited.insert_block(8, "Đoạn văn mới được thêm vào để giải thích thêm về công tác cán bộ.")
    edited.insert_block(0, "Bản cập nhật ngày 20/01/2024.")
    edited.delete_block(14)  # annotations on it must orphan
    edited.insert_text(5, 0, "Câu mở đầu được chèn thêm. ")  # a sentence inserted in a paragraph

    score = score_reanchoring(old, spans, edited)

    assert score.misplaced == 0, score
    assert score.lost_text_orphaned > 0, "the deleted paragraph's notes are orphans"
    assert score.rate >= 0.95, score


def test_other_real_text_reanchors_through_realistic_edits():
    old = DocumentText(ud_paragraphs(0, 120))
    spans = random_spans(old, 600, seed=11)
    edited = EditedText(old.blocks)
    rng = random.Random(5)
    extra = ud_paragraphs(600, 10)
    for insertion in extra[:6]:
        edited.insert_block(rng.randrange(len(edited.blocks)), insertion)
    for _ in range(6):
        edited.delete_block(rng.randrange(len(edited.blocks)))
    for _ in range(6):
        edited.move_block(rng.randrange(len(edited.blocks)), rng.randrange(len(edited.blocks)))
    for wrong, right in (("nói", "nối"), ("được", "đươc"), ("của", "cùa"), (" ủy", " uỷ")):
        edited.fix(wrong, right)  # accent slips, fixed or made: same length, the text moves on
    score = score_reanchoring(old, spans, edited)

    assert score.misplaced == 0, score
    assert score.lost_text_orphaned > 0
    assert score.rate >= 0.95, score


@pytest.mark.parametrize("seed", range(8))
def test_random_edit_scripts_never_misplace(seed):
    """Paragraphs of 1-5 sentences; up to 8 insertions, deletions and moves of paragraphs,
    words inserted inside paragraphs, accent slips made or fixed: all at random."""
    rng = random.Random(seed)
    first = rng.randrange(0, 500)
    old = DocumentText(ud_paragraphs(first, 60, per_paragraph=rng.randint(1, 5)))
    spans = random_spans(old, 200, seed=seed)
    edited = EditedText(old.blocks)
    extra = ud_paragraphs(first + 400, 8)
    for text in extra[: rng.randint(0, 8)]:
        edited.insert_block(rng.randrange(len(edited.blocks)), text)
    for _ in range(rng.randint(0, 8)):
        edited.delete_block(rng.randrange(len(edited.blocks)))
    for _ in range(rng.randint(0, 8)):
        edited.move_block(rng.randrange(len(edited.blocks)), rng.randrange(len(edited.blocks)))
    for _ in range(rng.randint(0, 5)):
        block = rng.randrange(len(edited.blocks))
        starts = [i + 1 for i, (char, _) in enumerate(edited.blocks[block]) if char == " "]
        edited.insert_text(block, rng.choice(starts or [0]), "thêm chữ ")
    for wrong, right in (("nói", "nối"), ("được", "đươc"), ("của", "cùa"), ("người", "ngươi")):
        if rng.random() < 0.5:
            edited.fix(wrong, right)
    score = score_reanchoring(old, spans, edited)
    assert score.misplaced == 0, score
    assert score.rate >= 0.95, score


def test_unchanged_text_keeps_every_anchor_by_position():
    document = load_document(SAMPLE)
    text = DocumentText.of(document)
    for start, end in sentence_spans(document, text):
        resolution = reanchor(text.anchor(start, end), text, old=text)
        assert resolution.method == "position"
        assert (resolution.anchor.doc_start, resolution.anchor.doc_end) == (start, end)


def test_short_quote_whose_text_is_deleted_is_not_moved_to_another_occurrence():
    old = DocumentText(["Một câu về Đảng ở đây.", "Câu khác nói về Đảng nữa."])
    start = old.text.index("Đảng")
    anchor = old.anchor(start, start + len("Đảng"))
    new = DocumentText(["Câu khác nói về Đảng nữa."])
    assert reanchor(anchor, new, old=old).anchor is None


def test_fixed_typo_inside_the_quote_is_followed_and_the_quote_updated():
    old = DocumentText(["Mở đầu.", "Xác định tiêu chuẩn chính trị đối với cản bộ khi xem xét."])
    start = old.text.index("tiêu chuẩn")
    anchor = old.anchor(start, old.text.index(" khi"))
    in_place = DocumentText(["Mở đầu.", old.blocks[1].replace("cản", "cán")])
    resolution = reanchor(anchor, in_place, old=old)
    assert resolution.method == "position"  # same paragraph, same offset, same neighbours
    assert resolution.anchor.exact == "tiêu chuẩn chính trị đối với cán bộ"
    shifted = DocumentText(["Mở đầu.", "Nay, x" + in_place.blocks[1][1:]])
    resolution = reanchor(anchor, shifted, old=old)
    assert resolution.method == "fuzzy"
    assert resolution.anchor.exact == "tiêu chuẩn chính trị đối với cán bộ"


def test_typo_fixed_in_place_with_a_letter_fewer_or_more_keeps_the_whole_quote():
    old = DocumentText(["Mở đầu.", "Internal political protection is a key part of the work."])
    anchor = old.anchor_in_block(1, 0, len("Internal political protection"))
    for fixed in ("Internal politcal protection", "Internal politicall protection"):
        new = DocumentText(
            ["Mở đầu.", old.blocks[1].replace("Internal political protection", fixed)]
        )
        resolution = reanchor(anchor, new, old=old)
        assert (resolution.method, resolution.anchor.exact) == ("position", fixed)


def test_short_quote_with_a_typo_fixed_elsewhere_than_in_place_is_orphaned():
    old = DocumentText(["Mở đầu.", "Đối với cản bộ."])
    anchor = old.anchor(old.text.index("cản"), old.text.index(" bộ.") + 3)
    new = DocumentText(["Mở đầu.", "Một đoạn mới.", "Về cán bộ và việc khác nữa."])
    assert reanchor(anchor, new, old=old).anchor is None


def test_anchor_records_block_and_document_positions_and_context():
    text = DocumentText(["Tiêu đề", "Một đoạn văn có nội dung dài hơn một chút."])
    anchor = text.anchor_in_block(1, 4, 12)
    assert anchor.exact == "đoạn văn"
    assert anchor.block_index == 1
    assert text.text[anchor.doc_start : anchor.doc_end] == "đoạn văn"
    assert anchor.prefix == "Tiêu đề\n\nMột "
    assert anchor.suffix == " có nội dung dài hơn một chút."


def test_anchor_quote_reports_missing_and_ambiguous_quotes():
    text = DocumentText(["cán bộ và cán bộ", "đảng viên"])
    with pytest.raises(QuoteNotFoundError, match="does not occur"):
        anchor_quote(text, "không có")
    with pytest.raises(AmbiguousQuoteError, match=r"occurs 2 times.*--occurrence"):
        anchor_quote(text, "cán bộ")
    second = anchor_quote(text, "cán bộ", occurrence=2)
    assert (second.start, second.end) == (10, 16)
    with pytest.raises(ReaderError, match="occurs 2"):
        anchor_quote(text, "cán bộ", occurrence=3)


# --- a quote in one sentence's translation (translation-side annotations) ----------------------


def sentence_anchor(text: str, quote: str, occurrence: int = 1) -> Anchor:
    """As a translation-side annotation stores its quote: a span of that one text."""
    start = -1
    for _ in range(occurrence):
        start = text.index(quote, start + 1)
    return DocumentText([text]).anchor(start, start + len(quote))


def placed(anchor: Anchor, text: str) -> tuple[str, str | None]:
    resolution = reanchor_in_text(anchor, text)
    found = resolution.anchor
    return resolution.method, None if found is None else text[found.start : found.end]


TRANSLATION = "Internal political protection is a key part of the Party's work in 2023."


def test_unchanged_translation_keeps_the_quote_where_it_is():
    anchor = sentence_anchor(TRANSLATION, "key part")
    resolution = reanchor_in_text(anchor, TRANSLATION)
    assert resolution == Resolution(anchor, "position")


def test_quote_follows_its_words_through_an_edited_translation():
    edited = "In 2023, a key part of the Party's work is the protection of internal politics."
    anchor = sentence_anchor(TRANSLATION, "key part of the Party's work")
    assert placed(anchor, edited)[1] == "key part of the Party's work"  # both neighbours new
    short = sentence_anchor(TRANSLATION, "key part")
    assert placed(short, "Today, " + TRANSLATION) == ("quote", "key part")  # words before added
    # A word changed inside a long quote: found approximately, its new words quoted.
    reworded = TRANSLATION.replace("key part", "main part")
    long_quote = sentence_anchor(TRANSLATION, "a key part of the Party's work")
    assert placed(long_quote, "Today, " + reworded) == ("fuzzy", "a main part of the Party's work")


def test_short_words_moved_with_both_neighbours_changed_are_found_once_there_once_here():
    anchor = sentence_anchor("I saw a cat yesterday.", "cat")
    assert placed(anchor, "Yesterday, a cat was seen by me.") == ("unique-quote", "cat")
    # Not inside another word, and not the other copy when the annotated one was deleted.
    assert placed(anchor, "Yesterday I saw a catalogue.") == ("orphan", None)
    twice = sentence_anchor("the cat and the dog", "the", occurrence=2)
    assert placed(twice, "a cat and a dog, the end") == ("orphan", None)


def test_quote_whose_words_are_gone_from_the_translation_is_an_orphan():
    anchor = sentence_anchor(TRANSLATION, "Internal political protection")
    assert placed(anchor, "Protecting internal politics matters to the Party.") == ("orphan", None)
    assert placed(anchor, "") == ("orphan", None)
