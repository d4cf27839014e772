"""Looking a word up as a reader points at it, and showing what the dictionaries say.

A Vietnamese word is often several syllables written apart ("bảo vệ", "Ban Bí thư"), so
pointing at one syllable looks for the longest headword around it, within its sentence and not
across punctuation; a single syllable is the last resort. The same works for English and its
compounds ("take off").

"Longest" alone misreads where two words overlap: in "của công tác" the longest headword
around "của" is "của công" (public property), though the sentence says "của | công tác". So
the words around the pointed syllable are first cut into headwords from right to left, each
the longest that ends there (backward maximum matching, the usual dictionary-only segmenter
for Vietnamese and Chinese: it reads "nước | độc lập", "cuộc | đấu tranh", "bước sang | năm
mới" right, where left to right reads "nước độc", "cuộc đấu", "sang năm"); the headword that
covers the pointed syllable is the answer. `bench/dictionary_lookup.py` measures both readings.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from reader.core.dictionary.installed import Article, Dictionary, DictionaryInfo
from reader.core.dictionary.normalise import headword_key

MAX_SYLLABLES = 8  # longer headwords are idioms too rare to be worth the queries
WINDOW = 10  # words on each side of the pointed one that the segmentation reads
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
# Article field types shown as (sanitised) markup; every other text type is plain text.
MARKUP_TYPES = frozenset("hgx")
_ALLOWED_TAGS = frozenset(
    """a b i u em strong small big sub sup br p div span font ol ul li dl dt dd table tbody
    thead tr td th blockquote pre code hr h1 h2 h3 h4 h5 h6""".split()  # noqa: SIM905
)


@dataclass(frozen=True, slots=True)
class Found:
    """One dictionary's article for what was looked up."""

    dictionary: DictionaryInfo
    article: Article


@dataclass(frozen=True, slots=True)
class Match:
    """The headword found around a pointed-at character, where it is and what it means."""

    start: int
    end: int
    text: str  # as written in the sentence
    found: tuple[Found, ...]


def lookup(text: str, dictionaries: Sequence[Dictionary]) -> list[Found]:
    """The articles for `text` as a whole, in the dictionaries' order."""
    key = headword_key(text)
    return [
        Found(dictionary.info, article)
        for dictionary in dictionaries
        for article in dictionary.lookup(key)
    ]


def lookup_at(sentence: str, offset: int, dictionaries: Sequence[Dictionary]) -> Match | None:
    """The headword of the sentence that covers the character at `offset` (see the module's
    docstring for which, when several do). Should the cut leave the pointed syllable alone and
    unknown, the longest headword covering it is taken after all."""
    run = _Run.around(sentence, offset)
    if run is None:
        return None
    present = _present_spans(run.keys, dictionaries)
    found = _segment_backward(run.keys, present, run.pointed) or _longest(present, run.pointed)
    if found is None:
        return None
    begin, end = run.words[found[0]][0], run.words[found[1]][1]
    written = sentence[begin:end]
    return Match(begin, end, written, tuple(lookup(written, dictionaries)))


def word_at(sentence: str, offset: int) -> str:
    """The word the character at `offset` belongs to ("" between words)."""
    words = [match.span() for match in _WORD.finditer(sentence)]
    pointed = _word_at(words, offset)
    return "" if pointed is None else sentence[slice(*words[pointed])]


def longest_at(sentence: str, offset: int, dictionaries: Sequence[Dictionary]) -> str | None:
    """The longest headword covering `offset`, overlaps notwithstanding: the plain rule
    `lookup_at` refines, kept for the benchmark's comparison."""
    run = _Run.around(sentence, offset)
    if run is None:
        return None
    found = _longest(_present_spans(run.keys, dictionaries), run.pointed)
    return None if found is None else sentence[run.words[found[0]][0] : run.words[found[1]][1]]


def _longest(present: set[tuple[int, int]], pointed: int) -> tuple[int, int] | None:
    """The longest span covering `pointed` (the leftmost of equally long ones)."""
    covering = [(start, end) for start, end in present if start <= pointed <= end]
    return min(covering, key=lambda span: (span[0] - span[1], span[0]), default=None)


@dataclass(frozen=True, slots=True)
class _Run:
    """The words around the pointed one that nothing but spaces separate (at most `WINDOW` on
    each side: a long enumeration without commas need not be cut whole)."""

    words: list[tuple[int, int]]  # (start, end) in the sentence
    keys: list[str]  # each word's headword key
    pointed: int  # index into `words`

    @classmethod
    def around(cls, sentence: str, offset: int) -> _Run | None:
        words = [match.span() for match in _WORD.finditer(sentence)]
        pointed = _word_at(words, offset)
        if pointed is None:
            return None
        first, last = _run_around(sentence, words, pointed)
        first, last = max(first, pointed - WINDOW), min(last, pointed + WINDOW)
        words = words[first : last + 1]
        keys = [headword_key(sentence[start:end]) for start, end in words]
        return cls(words, keys, pointed - first)


def _present_spans(keys: list[str], dictionaries: Sequence[Dictionary]) -> set[tuple[int, int]]:
    """(first word, last word) of every span of the run, up to `MAX_SYLLABLES`, that is a
    headword: one query per dictionary."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for start in range(len(keys)):
        for end in range(start, min(start + MAX_SYLLABLES, len(keys))):
            spans.setdefault(" ".join(keys[start : end + 1]), []).append((start, end))
    known = set().union(*(dictionary.present(spans) for dictionary in dictionaries))
    return {span for key in known for span in spans[key]}


def _segment_backward(
    keys: list[str], present: set[tuple[int, int]], pointed: int
) -> tuple[int, int] | None:
    """The span covering `pointed` when the run is cut from its end into the longest headwords
    (an unknown syllable stands alone)."""
    end = len(keys) - 1
    while end >= pointed:
        start = next(
            (
                start
                for start in range(max(0, end - MAX_SYLLABLES + 1), end)
                if (start, end) in present
            ),
            end,
        )
        if start <= pointed:
            return (start, end) if (start, end) in present else None
        end = start - 1
    return None


def _word_at(words: list[tuple[int, int]], offset: int) -> int | None:
    """The word the character at `offset` belongs to (or that ends right before it: a click
    just after a word's last letter)."""
    for number, (start, end) in enumerate(words):
        if start <= offset < end or offset == end:
            return number
    return None


def _run_around(sentence: str, words: list[tuple[int, int]], pointed: int) -> tuple[int, int]:
    """The first and last words around `pointed` separated by nothing but spaces."""
    first = pointed
    while first > 0 and sentence[words[first - 1][1] : words[first][0]].isspace():
        first -= 1
    last = pointed
    while last + 1 < len(words) and sentence[words[last][1] : words[last + 1][0]].isspace():
        last += 1
    return first, last


def article_text(article: Article) -> str:
    """The article as plain text (the command line)."""
    parts = []
    for field in article.fields:
        if field.type in MARKUP_TYPES:
            parts.append(_markup_text(field.text))
        elif field.type.islower():
            parts.append(field.text.strip())
    return "\n".join(part for part in parts if part)


def article_html(article: Article) -> str:
    """The article as HTML safe to show (the window): markup fields sanitised to a short list
    of formatting tags, everything else escaped."""
    parts = []
    for field in article.fields:
        if field.type in MARKUP_TYPES:
            parts.append(sanitised_html(field.text))
        elif field.type.islower():
            parts.append(html.escape(field.text.strip()).replace("\n", "<br>"))
    return "<br>".join(part for part in parts if part)


def sanitised_html(markup: str) -> str:
    """Formatting kept; scripts, styles, forms, frames, event handlers, links to anything but
    web pages, and every unknown tag (its text kept) removed."""
    from lxml_html_clean import Cleaner

    if not markup.strip():
        return ""
    cleaner = Cleaner(
        scripts=True,
        javascript=True,
        comments=True,
        style=True,
        inline_style=True,
        links=True,
        meta=True,
        page_structure=True,
        processing_instructions=True,
        embedded=True,
        frames=True,
        forms=True,
        annoying_tags=True,
        allow_tags=_ALLOWED_TAGS,
        remove_unknown_tags=False,
        safe_attrs_only=True,
        safe_attrs=frozenset({"href", "color", "colspan", "rowspan"}),
        host_whitelist=(),
    )
    return cleaner.clean_html(f"<div>{markup}</div>")


def _markup_text(markup: str) -> str:
    import lxml.html

    if not markup.strip():
        return ""
    with_breaks = re.sub(r"(?i)<br\s*/?>", "\n", markup)
    return lxml.html.fragment_fromstring(with_breaks, create_parent="div").text_content().strip()
