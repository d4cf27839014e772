"""Sentence boundary precision / recall / F1 of `reader.core.segment.split_sentences`.

Three corpora:

* UD Vietnamese VTB, dev split (`<repo>/../shared/data/ud-vi-vtb/vi_vtb-ud-dev.conllu`). Its
  `# text` lines are tokenised (spaces around punctuation) and the file has no `# newdoc` or
  `# newpar` markers (its sentences are not even in document order), so paragraphs are rebuilt
  as runs of `PARAGRAPH_SIZE` consecutive sentences (by sent_id order). Each sentence is
  detokenised on its own, with rules that look only at the tokens (never at where the
  sentence ends): no space before closing punctuation, none after opening brackets, straight
  quotes alternate open/close within the sentence, LBKT/RBKT become brackets, `a / b` becomes
  `a/b`, and `12 - 7` or `QĐ - UB` (digits or capitals on both sides) lose their spaces. The
  sentences of a paragraph are then joined with one space, so an end looks like any other
  period followed by a space (`TP. HCM` and `khu vực. Họ` both look like `x. Y`).
  Rules were developed on the first half of the sentences (`dev-1`..`dev-561`); the second half
  is reported separately as held-out data. The whole treebank is also scored as published,
  tokenised, as tokenised corpora come: spaced closing quotes (`quen ? " .`) are then the test.
* The sample document `resources/samples/bvctnb-2023.vi.txt` against the hand-written gold
  `tests/data/bvctnb-2023.gold.txt` (one sentence a line, blocks separated by a blank line).
  Blocks are the sample's non-empty lines, stripped (as the text importer makes them).
* The dialogue of the novel "Tắt đèn" (`../shared/samples/real/ngo-tat-to-tat-den.epub`): 102 turns
  split by hand in `tests/data/tat-den-dialogue.gold.txt` (same format, `#` lines are comments).
  Scored three ways: one turn a block, as the EPUB gives them; and runs of `PARAGRAPH_SIZE` turns
  joined by a space, with their em dash (`… ông ạ. — Thôi!`) or a hyphen (`… ông ạ. - Thôi!`), as
  texts that lost their line breaks print dialogue; there each turn also starts a sentence.

Besides the scores, it counts in the real legal samples (`../shared/samples/real/`) the sentences
that end with a numbered label (`Điều 19.2.LQ.1.`, `Khoản 2 Điều 3.`) or a signing abbreviation
(`KT.`, `TM.`) while their block goes on: the label's title or the signer's office was cut off.

Only boundaries inside a block count (a block's end is always a sentence end, and would
inflate the scores). Boundaries are compared as positions among the non-space characters, so
the measure does not depend on spacing.

Run: `.venv/bin/python bench/segmentation_f1.py [--errors N] [--paragraph-size N]`
(the scores barely move with the paragraph size: F1 0.982-0.990 on the held-out half for
runs of 2 to all sentences).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from reader.core.segment import split_sentences  # noqa: E402

# `<repo>/../shared`; a git worktree in `<repo>/../wt/<name>` finds it one folder further up.
SHARED = next(
    (path for path in (REPO.parent / "shared", REPO.parents[1] / "shared") if path.is_dir()),
    REPO.parent / "shared",
)
REAL_SAMPLES = SHARED / "samples" / "real"
UD_DEV = SHARED / "data" / "ud-vi-vtb" / "vi_vtb-ud-dev.conllu"
SAMPLE = REPO / "resources" / "samples" / "bvctnb-2023.vi.txt"
SAMPLE_GOLD = REPO / "tests" / "data" / "bvctnb-2023.gold.txt"
DIALOGUE_GOLD = REPO / "tests" / "data" / "tat-den-dialogue.gold.txt"
LEGAL_SAMPLES = (
    "phapdien-de-muc-19.2-chuyen-giao-cong-nghe.html",
    "nd-30-2020-phu-luc-I.docx",
    "hien-phap-2013.txt",
    "an-le-43-2021-AL.pdf",
)
PARAGRAPH_SIZE = 10


@dataclass(frozen=True)
class GoldBlock:
    sentences: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


@dataclass
class Score:
    name: str
    blocks: int = 0
    gold_sentences: int = 0
    gold_boundaries: int = 0
    predicted_boundaries: int = 0
    correct: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted_boundaries if self.predicted_boundaries else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold_boundaries if self.gold_boundaries else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def line(self) -> str:
        return (
            f"{self.name:<34} blocks {self.blocks:>4}  sentences {self.gold_sentences:>5}  "
            f"boundaries gold {self.gold_boundaries:>4} predicted {self.predicted_boundaries:>4} "
            f"correct {self.correct:>4}  P {self.precision:.4f}  R {self.recall:.4f}  "
            f"F1 {self.f1:.4f}"
        )


# --- UD treebank --------------------------------------------------------------------------

_CLOSING = {",", ".", ";", ":", "!", "?", "...", "…", ")", "]", "}", "%", ");"}
_OPENING = {"(", "[", "{"}
_BRACKET_WORDS = {"LBKT": "(", "RBKT": ")"}
_CODE_TOKEN = re.compile(r"[\dA-ZĐ]+")


def read_conllu_texts(path: Path) -> list[tuple[str, str]]:
    """(sent_id, text) for every sentence, in file order."""
    sentences, sent_id = [], ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# sent_id = "):
            sent_id = line.removeprefix("# sent_id = ").strip()
        elif line.startswith("# text = "):
            sentences.append((sent_id, line.removeprefix("# text = ").strip()))
    return sentences


def detokenise(tokenised: str) -> str:
    """Undo the treebank's tokenisation of one sentence (see the module docstring)."""
    tokens = [_BRACKET_WORDS.get(token, token) for token in tokenised.split()]
    quotes_open = {'"': False, "'": False}
    out: list[str] = []
    glue_next = False  # the previous token opens: no space after it
    for position, token in enumerate(tokens):
        glue = glue_next
        glue_next = False
        if token in quotes_open:
            if quotes_open[token] or _ends_quotation(tokens, position):
                glue = True
            else:
                glue_next = True
            quotes_open[token] = not quotes_open[token]
        elif token in _CLOSING:
            glue = True
        elif token in _OPENING:
            glue_next = True
        elif token == "/" or (token in {"-", "–"} and _joins_codes(tokens, position)):
            glue = glue_next = True
        if out and not glue:
            out.append(" ")
        out.append(token)
    return "".join(out)


def _ends_quotation(tokens: Sequence[str], position: int) -> bool:
    """A quote after a word with only closing punctuation after it cannot open a quotation."""
    rest = tokens[position + 1 :]
    return (
        position > 0 and tokens[position - 1] not in _OPENING and all(t in _CLOSING for t in rest)
    )


def _joins_codes(tokens: Sequence[str], position: int) -> bool:
    """`24 - 7 - 1962`, `QĐ - UB`: a hyphen between numbers or capital-letter codes."""
    if position == 0 or position + 1 >= len(tokens):
        return False
    return bool(
        _CODE_TOKEN.fullmatch(tokens[position - 1]) and _CODE_TOKEN.fullmatch(tokens[position + 1])
    )


def ud_paragraphs(path: Path = UD_DEV, size: int = PARAGRAPH_SIZE) -> list[list[GoldBlock]]:
    """The treebank as [first half, second half] of paragraphs of `size` sentences."""
    sentences = [detokenise(text) for _, text in read_conllu_texts(path)]
    half = (len(sentences) + 1) // 2
    return [_runs(sentences[:half], size), _runs(sentences[half:], size)]


def ud_tokenised_paragraphs(path: Path = UD_DEV, size: int = PARAGRAPH_SIZE) -> list[GoldBlock]:
    """The whole treebank in paragraphs of `size` sentences, as its `# text` lines have them."""
    return _runs([text for _, text in read_conllu_texts(path)], size)


def _runs(sentences: list[str], size: int) -> list[GoldBlock]:
    return [GoldBlock(tuple(sentences[i : i + size])) for i in range(0, len(sentences), size)]


# --- Sample document -----------------------------------------------------------------------


def sample_blocks(sample: Path = SAMPLE, gold: Path = SAMPLE_GOLD) -> list[tuple[str, GoldBlock]]:
    """(block text as the importer gives it, gold sentences) for every block of the sample."""
    texts = [line.strip() for line in sample.read_text(encoding="utf-8").splitlines()]
    texts = [text for text in texts if text]
    gold_blocks = read_gold(gold)
    if len(texts) != len(gold_blocks):
        raise ValueError(f"{gold}: {len(gold_blocks)} blocks, but the sample has {len(texts)}")
    for text, block in zip(texts, gold_blocks, strict=True):
        if _without_space(text) != _without_space(block.text):
            raise ValueError(f"{gold}: gold sentences do not match the block {text[:60]!r}")
    return list(zip(texts, gold_blocks, strict=True))


def read_gold(path: Path) -> list[GoldBlock]:
    """One sentence a line, blocks separated by blank lines; lines starting with "#" are notes."""
    lines = path.read_text(encoding="utf-8").splitlines()
    body = "\n".join(line for line in lines if not line.startswith("#"))
    return [
        GoldBlock(tuple(line.strip() for line in chunk.splitlines() if line.strip()))
        for chunk in re.split(r"\n\s*\n", body.strip())
    ]


# --- Novel dialogue -------------------------------------------------------------------------

_TURN_DASH = "— "


def dialogue_sets(
    gold: Path = DIALOGUE_GOLD, size: int = PARAGRAPH_SIZE
) -> dict[str, list[GoldBlock]]:
    """The turns one a block, and runs of `size` turns with an em dash or a hyphen."""
    turns = read_gold(gold)
    hyphenated = [
        GoldBlock((f"- {block.sentences[0].removeprefix(_TURN_DASH)}", *block.sentences[1:]))
        for block in turns
    ]
    return {
        "Tắt đèn dialogue, one turn a block": turns,
        "Tắt đèn dialogue, turns run on (—)": _joined_runs(turns, size),
        "Tắt đèn dialogue, turns run on (-)": _joined_runs(hyphenated, size),
    }


def _joined_runs(blocks: list[GoldBlock], size: int) -> list[GoldBlock]:
    return [
        GoldBlock(tuple(sentence for block in blocks[i : i + size] for sentence in block.sentences))
        for i in range(0, len(blocks), size)
    ]


def dialogue_scores(errors: list | None = None, size: int = PARAGRAPH_SIZE) -> list[Score]:
    return [
        score(name, ((block.text, block) for block in blocks), "vi", errors)
        for name, blocks in dialogue_sets(size=size).items()
    ]


# --- Numbered labels in the real legal samples ----------------------------------------------

# A sentence that ends with a label and its number, or with an abbreviation of a signing
# capacity (Thay mặt, Ký thay, Thừa lệnh, Thừa ủy quyền, Quyền, Phó).
_CUT_LABEL = re.compile(
    r"(?:^|[\s(;:])(?:(?i:điều|khoản|điểm|chương|mục|phần|tiết|phụ lục)"
    r"\s+(?:\d+(?:\.(?:\d+|[A-ZĐ]{1,4}))*|[IVXLC]+|[a-zđ])|TM|KT|TL|TUQ|Q|P)\.$"
)


def label_cuts(samples: Sequence[str] = LEGAL_SAMPLES) -> list[tuple[str, str, str]]:
    """(file, sentence, next sentence) wherever a label or a signing abbreviation ends a
    sentence with more of its block after it."""
    from reader.core.documents.loader import load_document

    cuts = []
    for name in samples:
        for block in load_document(REAL_SAMPLES / name, "vi").blocks:
            for sentence, following in zip(block.sentences, block.sentences[1:], strict=False):
                if _CUT_LABEL.search(sentence.text):
                    cuts.append((name, sentence.text, following.text))
    return cuts


# --- Scoring --------------------------------------------------------------------------------


def _without_space(text: str) -> str:
    return "".join(text.split())


def _nonspace_offsets(text: str, spans: Iterable[tuple[int, int]]) -> set[int]:
    """Each span's end as a count of the non-space characters before it."""
    count, ends, position = 0, set(), 0
    for _, end in spans:
        count += sum(1 for char in text[position:end] if not char.isspace())
        position = end
        ends.add(count)
    return ends


def _gold_offsets(block: GoldBlock) -> set[int]:
    count, ends = 0, set()
    for sentence in block.sentences:
        count += len(_without_space(sentence))
        ends.add(count)
    return ends


def score(
    name: str, items: Iterable[tuple[str, GoldBlock]], lang: str, errors: list | None = None
) -> Score:
    result = Score(name)
    for text, block in items:
        total = len(_without_space(text))
        gold = _gold_offsets(block) - {total}
        predicted = _nonspace_offsets(text, split_sentences(text, lang)) - {total}
        result.blocks += 1
        result.gold_sentences += len(block.sentences)
        result.gold_boundaries += len(gold)
        result.predicted_boundaries += len(predicted)
        result.correct += len(gold & predicted)
        if errors is not None and gold != predicted:
            errors.append((name, text, block, sorted(gold - predicted), sorted(predicted - gold)))
    return result


def ud_scores(errors: list | None = None, size: int = PARAGRAPH_SIZE) -> list[Score]:
    first, second = ud_paragraphs(size=size)
    halves = [
        score("UD vi-VTB dev, 1st half (dev)", ((b.text, b) for b in first), "vi", errors),
        score("UD vi-VTB dev, 2nd half (held out)", ((b.text, b) for b in second), "vi", errors),
    ]
    tokenised = ud_tokenised_paragraphs(size=size)
    return [
        *halves,
        _total("UD vi-VTB dev, all", halves),
        score("UD vi-VTB dev, all, tokenised", ((b.text, b) for b in tokenised), "vi", errors),
    ]


def sample_score(errors: list | None = None) -> Score:
    return score("bvctnb-2023 sample", sample_blocks(), "vi", errors)


def _total(name: str, parts: list[Score]) -> Score:
    total = Score(name)
    for part in parts:
        total.blocks += part.blocks
        total.gold_sentences += part.gold_sentences
        total.gold_boundaries += part.gold_boundaries
        total.predicted_boundaries += part.predicted_boundaries
        total.correct += part.correct
    return total


def _show_errors(errors: list, limit: int) -> None:
    for name, text, _block, missed, extra in errors[:limit]:
        print(f"\n[{name}] missed {len(missed)}, extra {len(extra)}")
        nonspace = [i for i, char in enumerate(text) if not char.isspace()]
        for label, offsets in (("MISSED", missed), ("EXTRA", extra)):
            for offset in offsets:
                at = nonspace[offset - 1] + 1
                print(f"  {label}: …{text[max(0, at - 70) : at]} ‖ {text[at : at + 50]}…")


def _timing() -> str:
    text = SAMPLE.read_text(encoding="utf-8")
    blocks = [line.strip() for line in text.splitlines() if line.strip()]
    repeats = max(1, 1_000_000 // len(text))
    started = time.perf_counter()
    for _ in range(repeats):
        for block in blocks:
            split_sentences(block, "vi")
    seconds = time.perf_counter() - started
    return f"speed: {repeats * len(text) / 1e6:.2f} M characters in {seconds:.3f} s"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--errors", type=int, default=0, help="show the first N wrong blocks")
    parser.add_argument(
        "--paragraph-size",
        type=int,
        default=PARAGRAPH_SIZE,
        help=f"treebank sentences per paragraph (default {PARAGRAPH_SIZE})",
    )
    args = parser.parse_args(argv)
    errors: list = []
    print(f"UD paragraphs: runs of {args.paragraph_size} sentences (dialogue: of turns)")
    scores = [
        *ud_scores(errors, args.paragraph_size),
        sample_score(errors),
        *dialogue_scores(errors, args.paragraph_size),
    ]
    for result in scores:
        print(result.line())
    cuts = label_cuts()
    print(f"numbered labels and signing abbreviations cut from their text: {len(cuts)}")
    print(_timing())
    _show_errors(errors, args.errors)
    for name, sentence, following in cuts[: args.errors]:
        print(f"  CUT [{name}] …{sentence[-50:]} ‖ {following[:40]}…")
    return 0


if __name__ == "__main__":
    sys.exit(main())
