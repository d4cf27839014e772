"""Anchors: where an annotation sits in a document, and finding that place again after the text
changed (re-import of an edited file).

Like the W3C Web Annotation model and Hypothesis, an anchor carries a position selector (block,
start, end; plus the offsets in the whole document text) and a quote selector (the exact text and
up to 32 characters of prefix and suffix). Re-anchoring tries, in order: the old position (its text
must still equal the quote and its context must agree), an exact search of the quote, then an
approximate match scored on quote, prefix, suffix and distance. When nothing is convincing the
annotation becomes an orphan: a missing highlight is a nuisance, a highlight on the wrong words
is a lie, so every threshold below errs towards orphaning.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from reader.core.documents import Document
from reader.core.errors import ReaderError

T = TypeVar("T")

BLOCK_SEPARATOR = "\n\n"
CONTEXT_CHARS = 32

# A context side that agrees at least this much confirms a candidate place (random text of the
# same language scores about 0.1-0.35, a typo in the 32 characters about 0.95).
CONTEXT_CONFIRMS = 0.75
# A quote at least this long, found exactly once in the new text and once in the old one, was
# moved, not lost: it is kept even when both neighbours changed (a moved one-sentence paragraph).
UNIQUE_QUOTE_MIN_CHARS = 24
# Approximate matching: shorter quotes only move by exact match (a fuzzy 6-letter word is noise).
FUZZY_MIN_CHARS = 12
FUZZY_QUOTE_MIN = 0.85
FUZZY_LONG_QUOTE_MIN = 0.95  # without context, only a near-identical long quote is trusted
# In place (same paragraph, same offset, both neighbours intact) a quote may differ a little.
TYPO_CONTEXT_MIN = 0.9
TYPO_QUOTE_MIN = 0.75
# Two places whose evidence differs by less than this (about what chance similarity of unrelated
# context gives) are equally good: only knowing where the paragraph went can choose.
SAME_EVIDENCE = 0.08
SIMILAR_BLOCK = 0.9  # an old paragraph this similar to a new one is taken to be that one


class QuoteNotFoundError(ReaderError):
    def __init__(self, quote: str, where: str):
        super().__init__(f"the quote {_short(quote)!r} does not occur in {where}")


class AmbiguousQuoteError(ReaderError):
    def __init__(self, quote: str, where: str, count: int):
        super().__init__(
            f"the quote {_short(quote)!r} occurs {count} times in {where}: quote more context "
            f"or pick one with --occurrence N (1-{count})"
        )


@dataclass(frozen=True, slots=True)
class Anchor:
    """Position + quote selectors. `start`/`end` are offsets in block `block_index`'s text (`end`
    may run past it when a selection spans blocks); `doc_start`/`doc_end` are offsets in the
    document text (blocks joined by a blank line), the W3C TextPositionSelector."""

    block_index: int
    start: int
    end: int
    doc_start: int
    doc_end: int
    exact: str
    prefix: str
    suffix: str


class DocumentText:
    """A document's blocks joined by `BLOCK_SEPARATOR`, with block <-> document offset maps."""

    def __init__(self, block_texts: Sequence[str]):
        self.blocks = list(block_texts)
        self.text = BLOCK_SEPARATOR.join(self.blocks)
        self.block_starts: list[int] = []
        offset = 0
        for block in self.blocks:
            self.block_starts.append(offset)
            offset += len(block) + len(BLOCK_SEPARATOR)

    @classmethod
    def of(cls, document: Document) -> DocumentText:
        return cls([block.text for block in document.blocks])

    def block_at(self, doc_offset: int) -> int:
        return max(0, bisect.bisect_right(self.block_starts, doc_offset) - 1)

    def anchor(self, doc_start: int, doc_end: int) -> Anchor:
        if not 0 <= doc_start < doc_end <= len(self.text):
            raise ValueError(f"span {doc_start}-{doc_end} outside the text")
        block = self.block_at(doc_start)
        base = self.block_starts[block]
        return Anchor(
            block_index=block,
            start=doc_start - base,
            end=doc_end - base,
            doc_start=doc_start,
            doc_end=doc_end,
            exact=self.text[doc_start:doc_end],
            prefix=self.text[max(0, doc_start - CONTEXT_CHARS) : doc_start],
            suffix=self.text[doc_end : doc_end + CONTEXT_CHARS],
        )

    def anchor_in_block(self, block_index: int, start: int, end: int) -> Anchor:
        if not 0 <= block_index < len(self.blocks):
            raise ReaderError(f"no block {block_index} (the document has {len(self.blocks)})")
        base = self.block_starts[block_index]
        return self.anchor(base + start, base + end)

    def occurrences(self, quote: str) -> list[int]:
        return list(find_all(self.text, quote))


def anchor_quote(
    text: DocumentText, quote: str, *, occurrence: int | None = None, where: str = "the document"
) -> Anchor:
    """Anchor a quote given as text. Raises when it is missing, or ambiguous without `occurrence`
    (1-based)."""
    quote = quote.strip()
    if not quote:
        raise ReaderError("the quote is empty")
    start = chosen_occurrence(text.occurrences(quote), quote, where, occurrence)
    return text.anchor(start, start + len(quote))


def chosen_occurrence(found: Sequence[T], quote: str, where: str, occurrence: int | None) -> T:
    """The `occurrence`-th (1-based) of a quote's places; without `occurrence`, the only one.
    Raises when there is none, or several and no `occurrence`, or no such occurrence."""
    if not found:
        raise QuoteNotFoundError(quote, where)
    if occurrence is None and len(found) > 1:
        raise AmbiguousQuoteError(quote, where, len(found))
    index = (occurrence or 1) - 1
    if not 0 <= index < len(found):
        raise ReaderError(f"--occurrence {occurrence}: the quote occurs {len(found)} time(s)")
    return found[index]


@dataclass(frozen=True, slots=True)
class Resolution:
    """The outcome of re-anchoring: the new anchor, or None for an orphan, and how it was found."""

    anchor: Anchor | None
    method: str  # "position", "quote", "unique-quote", "fuzzy" or "orphan"


def reanchor(anchor: Anchor, new: DocumentText, *, old: DocumentText | None = None) -> Resolution:
    """Find `anchor` in the new text (see `Reanchorer`)."""
    return Reanchorer(new, old).resolve(anchor)


def reanchor_in_text(anchor: Anchor, text: str) -> Resolution:
    """Find a quote again in the one short text it was made on, as that text is now: a sentence's
    translation after the user edited it, or after another model or beam translated it again. The
    anchor is a position + quote selector in that text alone (block 0, `doc_start == start`).

    As `Reanchorer` (position, exact quote, fuzzy, else orphan), knowing the old text when the
    context shows all of it (a quote within 32 characters of both ends: most sentences). Two more
    rules, since the place searched is one sentence and not a book. Words that were there once
    and are there once again are the same words moved, even when both neighbours changed and the
    quote is short. And a quote never starts or ends inside a word unless it did: "cat" is not
    found again in "catalogue"."""
    if not anchor.exact:
        return Resolution(None, "orphan")
    new = DocumentText([text])
    old = _whole_old_text(anchor)
    resolution = Reanchorer(new, old).resolve(anchor)
    if resolution.anchor is None and old is not None:
        starts = new.occurrences(anchor.exact)
        if len(starts) == 1 and len(old.occurrences(anchor.exact)) == 1:
            resolution = Resolution(
                new.anchor(starts[0], starts[0] + len(anchor.exact)), "unique-quote"
            )
    found = resolution.anchor
    if found is not None and _word_edges(text, found.start, found.end) != (
        _joins(anchor.prefix[-1:], anchor.exact[0]),
        _joins(anchor.exact[-1], anchor.suffix[:1]),
    ):
        return Resolution(None, "orphan")
    return resolution


def _whole_old_text(anchor: Anchor) -> DocumentText | None:
    """The text an anchor in a single short text was made on, when its context reaches both
    ends (a suffix of exactly `CONTEXT_CHARS` may have been cut: then it is not known)."""
    if anchor.doc_start != len(anchor.prefix) or len(anchor.suffix) >= CONTEXT_CHARS:
        return None
    return DocumentText([anchor.prefix + anchor.exact + anchor.suffix])


def _word_edges(text: str, start: int, end: int) -> tuple[bool, bool]:
    """Whether a span's first and last characters run on into a word outside it."""
    return _joins(text[start - 1 : start], text[start]), _joins(text[end - 1], text[end : end + 1])


def _joins(before: str, after: str) -> bool:
    """Two neighbouring characters (either may be "", the end of the text) inside one word:
    letters, digits and combining marks (a decomposed "ệ" is "e" and two marks)."""
    return bool(before and after) and all(
        c.isalnum() or unicodedata.category(c).startswith("M") for c in (before, after)
    )


class Reanchorer:
    """Re-anchors annotations from one text onto its new version.

    `old` is the text the anchors were resolved against, when known (re-import). It adds two
    safeguards: old blocks are matched to new ones (same text, or nearly), so the old position
    follows its paragraph through insertions, deletions and moves; and every place found is
    checked the other way round: seen with its new neighbours, it must point back at the
    annotation's own place in the old text and not at another copy of the same words (a document
    that repeats a caption or a summary would otherwise pull notes onto the copy)."""

    def __init__(self, new: DocumentText, old: DocumentText | None = None):
        self.new = new
        self.old = old
        self.block_map = _map_blocks(old, new) if old is not None else {}

    def resolve(self, anchor: Anchor) -> Resolution:
        if anchor.doc_start < 0:  # a quote without position (annotations from elsewhere)
            return self._search(anchor, 0)
        hint = self._expected_start(anchor)
        if self._same_block_unchanged(anchor, hint):
            return Resolution(self.new.anchor(hint, hint + len(anchor.exact)), "position")
        at_position = self._try_position(anchor, hint)
        if at_position is not None:
            return Resolution(at_position, "position")
        return self._search(anchor, hint)

    def _search(self, anchor: Anchor, hint: int) -> Resolution:
        for method, candidates in (
            ("quote", self._exact_candidates),
            ("fuzzy", self._fuzzy_candidates),  # only computed when no exact match will do
        ):
            found = self._choose(anchor, candidates(anchor, hint), method)
            if found is not None:
                return found
        return Resolution(None, "orphan")

    def _expected_start(self, anchor: Anchor) -> int:
        """The old start carried through the block edits; the old offset itself if unknown."""
        if self.old is None:
            return anchor.doc_start
        old_block = self.old.block_at(anchor.doc_start)
        mapped = self.block_map.get(old_block)
        if mapped is None:
            return anchor.doc_start
        new_block, _ = mapped
        within = anchor.doc_start - self.old.block_starts[old_block]
        return self.new.block_starts[new_block] + min(within, len(self.new.blocks[new_block]))

    def _same_block_unchanged(self, anchor: Anchor, hint: int) -> bool:
        if self.old is None:
            return False
        mapped = self.block_map.get(self.old.block_at(anchor.doc_start))
        identical = mapped is not None and mapped[1]
        return identical and self.new.text[hint : hint + len(anchor.exact)] == anchor.exact

    def _try_position(self, anchor: Anchor, hint: int) -> Anchor | None:
        end = hint + len(anchor.exact)
        if not 0 <= hint < end <= len(self.new.text):  # the text got shorter than the old place
            return None
        contexts = _context_scores(anchor, self.new.text, hint, end)
        typo = self.new.text[hint:end] != anchor.exact
        if typo and not (
            # a typo fixed inside a short quote, in a paragraph known to be this one
            self._knows_block(anchor)
            and min(contexts) >= TYPO_CONTEXT_MIN
            and Levenshtein.normalized_similarity(anchor.exact, self.new.text[hint:end])
            >= TYPO_QUOTE_MIN
        ):
            return None
        if max(contexts) < CONTEXT_CONFIRMS:
            return None  # the same words, but other neighbours: maybe another occurrence
        if typo:  # a letter more or fewer moves the end: where the suffix agrees best
            hint, end = _refine_edges(anchor, self.new.text, hint, end, self._bounds(anchor, hint))
        if not self._points_back(anchor, hint, end):
            return None
        return self.new.anchor(hint, end)

    def _bounds(self, anchor: Anchor, start: int) -> tuple[int, int]:
        """The text an edge may move in: the block at `start` (the whole text for a quote that
        spans blocks), as `_fuzzy_windows` searches."""
        if BLOCK_SEPARATOR in anchor.exact:
            return 0, len(self.new.text)
        block = self.new.block_at(start)
        base = self.new.block_starts[block]
        return base, base + len(self.new.blocks[block])

    def _exact_candidates(self, anchor: Anchor, hint: int) -> list[_Candidate]:
        length = len(anchor.exact)
        starts = self.new.occurrences(anchor.exact)
        unique = (
            length >= UNIQUE_QUOTE_MIN_CHARS
            and len(starts) == 1
            and self.old is not None
            and len(self.old.occurrences(anchor.exact)) == 1
        )
        candidates = []
        for start in starts:
            end = start + length
            prefix_score, suffix_score = _context_scores(anchor, self.new.text, start, end)
            confirmed = max(prefix_score, suffix_score) >= CONTEXT_CONFIRMS or unique
            evidence = _evidence(1.0, prefix_score, suffix_score)
            candidates.append(self._candidate(evidence, start, end, hint, confirmed))
        return candidates

    def _fuzzy_candidates(self, anchor: Anchor, hint: int) -> list[_Candidate]:
        if len(anchor.exact) < FUZZY_MIN_CHARS:
            return []
        candidates = []
        for start, end in _fuzzy_windows(anchor, self.new):
            quote_score = Levenshtein.normalized_similarity(anchor.exact, self.new.text[start:end])
            if quote_score < FUZZY_QUOTE_MIN:
                continue
            prefix_score, suffix_score = _context_scores(anchor, self.new.text, start, end)
            confirmed = max(prefix_score, suffix_score) >= CONTEXT_CONFIRMS or (
                len(anchor.exact) >= UNIQUE_QUOTE_MIN_CHARS and quote_score >= FUZZY_LONG_QUOTE_MIN
            )
            evidence = _evidence(quote_score, prefix_score, suffix_score)
            candidates.append(self._candidate(evidence, start, end, hint, confirmed))
        return candidates

    def _candidate(
        self, evidence: float, start: int, end: int, hint: int, confirmed: bool
    ) -> _Candidate:
        closeness = 1.0 - min(1.0, abs(start - hint) / max(1, len(self.new.text)))
        return _Candidate(evidence + 0.1 * closeness, evidence, start, end, confirmed)

    def _choose(
        self, anchor: Anchor, candidates: list[_Candidate], method: str
    ) -> Resolution | None:
        if not candidates:
            return None
        candidates.sort(key=lambda candidate: candidate.score, reverse=True)
        best = candidates[0]
        if not best.confirmed or not self._points_back(anchor, best.start, best.end):
            return None
        if len(candidates) > 1:
            runner_up = candidates[1]
            if method == "fuzzy" and best.score - runner_up.score < 0.02:
                return None  # two near-equal approximate places: a guess could misplace
            if (
                runner_up.confirmed
                and best.evidence - runner_up.evidence < SAME_EVIDENCE
                and not self._knows_block(anchor)
            ):
                return None  # copies as good as each other, and no idea where the text went
        unique = (
            method == "quote"
            and max(_context_scores(anchor, self.new.text, best.start, best.end)) < CONTEXT_CONFIRMS
        )
        method = "unique-quote" if unique else method
        return Resolution(self.new.anchor(best.start, best.end), method)

    def _knows_block(self, anchor: Anchor) -> bool:
        return self.old is not None and self.old.block_at(anchor.doc_start) in self.block_map

    def _points_back(self, anchor: Anchor, start: int, end: int) -> bool:
        """The place found, with its new neighbours, must match the annotation's own old place at
        least as well as any other place of the old text."""
        if self.old is None:
            return True
        probe = self.new.anchor(start, end)
        own_quote = Levenshtein.normalized_similarity(probe.exact, anchor.exact)
        own = _evidence(
            own_quote, *_context_scores(probe, self.old.text, anchor.doc_start, anchor.doc_end)
        )
        others = [(s, s + len(probe.exact), 1.0) for s in self.old.occurrences(probe.exact)]
        if len(probe.exact) >= FUZZY_MIN_CHARS and probe.exact != anchor.exact:
            others += [
                (s, e, Levenshtein.normalized_similarity(probe.exact, self.old.text[s:e]))
                for s, e in _fuzzy_windows(probe, self.old)
            ]
        for other_start, other_end, quote_score in others:
            if other_start < anchor.doc_end and anchor.doc_start < other_end:
                continue  # (overlaps) its own place
            context = _context_scores(probe, self.old.text, other_start, other_end)
            if _evidence(quote_score, *context) > own + 0.01:
                return False
        return True


@dataclass(frozen=True, slots=True)
class _Candidate:
    score: float  # evidence + closeness to where the text is expected (breaks ties only)
    evidence: float  # quote and context similarity
    start: int
    end: int
    confirmed: bool  # enough evidence besides the score (context, or a long unique quote)


def _map_blocks(old: DocumentText, new: DocumentText) -> dict[int, tuple[int, bool]]:
    """{old block: (new block, identical?)}: blocks whose text is the same (and unique on both
    sides), then the remaining ones that are nearly the same (typos fixed, a sentence added)."""
    old_counts = Counter(old.blocks)
    new_places: dict[str, list[int]] = {}
    for index, block in enumerate(new.blocks):
        new_places.setdefault(block, []).append(index)
    mapping: dict[int, tuple[int, bool]] = {}
    for index, block in enumerate(old.blocks):
        places = new_places.get(block, [])
        if old_counts[block] == 1 and len(places) == 1:
            mapping[index] = (places[0], True)
    for index, block in enumerate(old.blocks):
        places = new_places.get(block, [])
        if old_counts[block] == 1 and len(places) > 1:
            # pasted twice: the copy that kept a neighbour is the original
            kept = [place for place in places if _neighbour_kept(mapping, index, place)]
            if len(kept) == 1:
                mapping[index] = (kept[0], True)
    taken = {new_index for new_index, _ in mapping.values()}
    free = {index: block for index, block in enumerate(new.blocks) if index not in taken}
    for index, block in enumerate(old.blocks):
        if index in mapping or block in new_places or not free:
            continue  # an unmapped block still present word for word is ambiguous: no guess
        found = process.extract(
            block, free, scorer=fuzz.ratio, score_cutoff=SIMILAR_BLOCK * 100, limit=None
        )
        if not found:
            continue
        best_score = found[0][1]
        tied = [place for _, score, place in found if score >= best_score - 1.0]
        if len(tied) > 1:  # copies edited alike: the one that kept a neighbour, or none
            tied = [place for place in tied if _neighbour_kept(mapping, index, place)]
        if len(tied) == 1:
            mapping[index] = (tied[0], False)
            del free[tied[0]]
    return mapping


def _neighbour_kept(mapping: dict[int, tuple[int, bool]], old_index: int, new_index: int) -> bool:
    before, after = mapping.get(old_index - 1), mapping.get(old_index + 1)
    return (before is not None and before[0] == new_index - 1) or (
        after is not None and after[0] == new_index + 1
    )


def _fuzzy_windows(anchor: Anchor, text: DocumentText) -> Iterator[tuple[int, int]]:
    """The best approximate place of the quote in each block (or in the whole text when the quote
    spans blocks), its edges refined with the help of the context."""
    quote = anchor.exact
    cutoff = FUZZY_QUOTE_MIN * 100
    if BLOCK_SEPARATOR in quote:
        regions = [(0, text.text)]
    else:
        regions = list(zip(text.block_starts, text.blocks, strict=True))
    for base, region in regions:
        if len(region) < len(quote) * FUZZY_QUOTE_MIN:
            continue
        alignment = fuzz.partial_ratio_alignment(quote, region, score_cutoff=cutoff)
        if alignment is None:
            continue
        yield _refine_edges(
            anchor,
            text.text,
            base + alignment.dest_start,
            base + alignment.dest_end,
            (base, base + len(region)),
        )


def _refine_edges(
    anchor: Anchor, text: str, start: int, end: int, bounds: tuple[int, int]
) -> tuple[int, int]:
    """partial_ratio aligns a window of the quote's length: words inserted into or deleted from
    the quote leave its true edges off by as much. Each edge is moved to where the quote's first
    (last) characters and the prefix (suffix) agree best with the text."""
    quote = anchor.exact
    slack = len(quote) // 4 + 8
    head, tail = quote[:16], quote[-16:]
    low, high = bounds

    def start_fit(s: int) -> tuple[float, int]:
        before = text[max(0, s - len(anchor.prefix)) : s]
        # an intact neighbour is the surer sign of an edge: it weighs double
        fit = 2 * _similarity(anchor.prefix, before) + _similarity(head, text[s : s + len(head)])
        return fit, -abs(s - start)

    def end_fit(e: int) -> tuple[float, int]:
        after = text[e : e + len(anchor.suffix)]
        ending = text[max(0, e - len(tail)) : e]
        fit = 2 * _similarity(anchor.suffix, after) + _similarity(tail, ending)
        return fit, -abs(e - end)

    best_start = max(range(max(low, start - slack), min(high, start + slack) + 1), key=start_fit)
    ends = range(max(best_start + 1, end - slack), min(high, end + slack) + 1)
    best_end = max(ends, key=end_fit) if ends else end
    return best_start, best_end


def _context_scores(anchor: Anchor, text: str, start: int, end: int) -> tuple[float, float]:
    prefix_now = text[max(0, start - len(anchor.prefix)) : start]
    suffix_now = text[end : end + len(anchor.suffix)]
    return _similarity(anchor.prefix, prefix_now), _similarity(anchor.suffix, suffix_now)


def _evidence(quote: float, prefix: float, suffix: float) -> float:
    return 0.5 * quote + 0.2 * prefix + 0.2 * suffix


def _similarity(a: str, b: str) -> float:
    if not a and not b:
        return 1.0  # both at the very start (or end) of the text
    return Levenshtein.normalized_similarity(a, b)


def find_all(text: str, needle: str) -> Iterator[int]:
    start = text.find(needle)
    while start != -1:
        yield start
        start = text.find(needle, start + 1)


def _short(quote: str, limit: int = 60) -> str:
    return quote if len(quote) <= limit else quote[: limit - 1] + "…"
