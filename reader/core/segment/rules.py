"""Rule-based sentence segmentation: terminal punctuation, then vetoes.

A sentence ends after a run of terminal punctuation (`.`, `!`, `?`, `…`, CJK stops) together
with the closing quotes and brackets that follow it (`… Đảng”.`, `(… nộp phạt.)`), when
whitespace and a plausible sentence start follow. Vetoes keep together what only looks like an
end: abbreviations and initials (per-language data), numbered labels (`1.`, `Điều 5.`), a next
word in lower case, an attribution dash (`"…?" - tôi hỏi`), a run inside brackets (`(...)`).
Periods without a following space never split (`TP.HCM`, `1.234,5`, `18/8/2023`, `U.S.A.`).
A blank line, or a new line that starts a list item, always ends a sentence.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from reader.core.segment.abbreviations import LanguageData, language_data

_TERMINALS = ".!?…‼⁇⁈⁉。！？｡"
# Stops of scripts written without spaces: a sentence may end there with no space after.
_UNSPACED_TERMINALS = frozenset("。！？｡")
_CLOSERS = "\"'”’»)]}›」』）】〕〉》"
# Closers that cannot open anything: sloppy text may put a space before them ("bình thường ”.").
_PURE_CLOSERS = "”’»)]}›」』）】〕〉》"
_OPENERS = frozenset("\"'“‘„«([{‹「『（【〔〈《¿¡")
_QUOTE_OPENERS = frozenset("\"'“‘„«‹「『")
_BRACKET_OPENERS = _OPENERS - _QUOTE_OPENERS
_DASHES = frozenset("-‐‑‒–—―")

_T = f"[{re.escape(_TERMINALS)}]"
_CLOSER = f"(?:[{re.escape(_CLOSERS)}]|[^\\S\\n]+[{re.escape(_PURE_CLOSERS)}])"
# Terminal marks with the closers that belong to the sentence: ".", "?!", "”.", "...)", "? ”".
_END_RUN = re.compile(f"{_T}+(?:{_CLOSER}+{_T}*)*")
# The marks of a run that sit inside brackets opened just before it: "(?)", "(...)", "[…]".
_BRACKETED_MARKS = re.compile(f"{_T}+[\\s{re.escape(_CLOSERS)}]+")
_TERMINAL_SET = frozenset(_TERMINALS)
_HARD_BREAK = re.compile(r"\n[^\S\n]*\n|\n(?=[^\S\n]*(?:[-–—•*+▪●◦]|\d{1,3}[.)])(?:\s|\Z))")
_WORD = re.compile(r"\w+")


def split_sentences(text: str, lang: str) -> list[tuple[int, int]]:
    """Sentence spans `(start, end)` of `text`: trimmed of whitespace, in order, not overlapping,
    together covering every non-space character. `lang` is an ISO 639-1 code ("vi", "en");
    other codes, "auto" and "und" get the language-independent rules alone."""
    data = _data_for(lang)
    breaks: list[int] = []
    chunk_start = 0
    for hard in _HARD_BREAK.finditer(text):
        breaks.extend(_punctuation_breaks(text, chunk_start, hard.start(), data))
        breaks.append(hard.start())
        chunk_start = hard.end()
    breaks.extend(_punctuation_breaks(text, chunk_start, len(text), data))
    return _trimmed_spans(text, breaks)


@lru_cache(maxsize=64)
def _data_for(lang: str) -> LanguageData:
    base = lang.strip().lower().replace("_", "-").split("-")[0]
    return language_data(base)


def _punctuation_breaks(text: str, start: int, end: int, data: LanguageData) -> list[int]:
    """Positions (just after a terminal run) where a sentence ends inside `text[start:end]`."""
    breaks: list[int] = []
    sentence_start = start
    first_word = _first_word_char(text, start, end)
    for run in _END_RUN.finditer(text, start, end):
        next_start = _skip_space(text, run.end(), end)
        if next_start >= end:
            break  # the chunk's end is a sentence end anyway
        if first_word >= run.start():
            continue  # nothing but punctuation so far, e.g. a leading "..."
        if _ends_sentence(text, sentence_start, run, next_start, data):
            breaks.append(run.end())
            sentence_start = next_start
            first_word = _first_word_char(text, next_start, end)
    return breaks


def _ends_sentence(
    text: str, sentence_start: int, run: re.Match[str], next_start: int, data: LanguageData
) -> bool:
    run_start, run_text = run.start(), run.group()
    if run_start > 0 and text[run_start - 1] in _BRACKET_OPENERS:
        # "(?)", "[…]" are marks inside brackets; only what follows the bracket can end
        # the sentence: "… chờ kiểm điểm (?). Và …"
        inside = _BRACKETED_MARKS.match(run_text)
        if inside is None or inside.end() == len(run_text):
            return False
        run_start, run_text = run_start + inside.end(), run_text[inside.end() :]
    terminals = "".join(char for char in run_text if char in _TERMINAL_SET)
    spaced = next_start > run.end()
    if not spaced and not _UNSPACED_TERMINALS.intersection(terminals):
        return False
    if not _may_start_sentence(text, next_start):
        return False
    if terminals == ".":
        return _period_ends_sentence(text, sentence_start, run_start, next_start, data)
    if _is_ellipsis(terminals):
        return _starts_with_capital(text, next_start)
    return True


def _period_ends_sentence(
    text: str, sentence_start: int, dot: int, next_start: int, data: LanguageData
) -> bool:
    if dot - sentence_start <= _MAX_LABEL_LENGTH and _is_label(text[sentence_start:dot], data):
        return False
    word = _word_before(text, dot)
    if not word or not word[-1].isalpha():
        return True  # "2023.", "(CB,ĐV).", "Đảng”."
    last_part = word.rsplit(".", 1)[-1]
    if word in data.never or last_part in data.never:
        return False
    if word in data.maybe or last_part in data.maybe or _is_initials(word):
        return _next_word(text, next_start) in data.starters
    return True


def _may_start_sentence(text: str, position: int) -> bool:
    """Whether the text at `position` (not a space) can begin a sentence."""
    char = text[position]
    if char in _QUOTE_OPENERS or char == "…" or text.startswith("..", position):
        return True  # a quotation, or a sentence that opens with an ellipsis
    if char in _BRACKET_OPENERS:  # "(Ảnh: …)" yes; "ông H. (xin giấu tên)", "(21 tuổi)" no
        return _starts_with_capital(text, position)
    if char in _DASHES or char.islower():
        return False
    return not unicodedata.category(char).startswith("P")


def _starts_with_capital(text: str, position: int) -> bool:
    inner = _skip_openers(text, position)
    return inner < len(text) and text[inner].isupper()


def _is_ellipsis(terminals: str) -> bool:
    return "…" in terminals or terminals.startswith("..")


def _is_label(prefix: str, data: LanguageData) -> bool:
    """'1', 'a', 'IV', '2.3', 'Điều 5', 'Chương II': a numbered heading or list marker."""
    prefix = prefix.strip()
    folded = prefix.casefold()  # "Điều 5", "ĐIỀU 5", "CHƯƠNG II"
    for label in data.labels:
        if folded.startswith(label.casefold() + " "):
            prefix = prefix[len(label) + 1 :].strip()
            break
    return bool(_LABEL_NUMBER.fullmatch(prefix))


_MAX_LABEL_LENGTH = 24
_LABEL_NUMBER = re.compile(r"\d{1,3}(?:\.\d{1,3})*|[IVXLC]{1,7}|[a-zđ]")


def _is_initials(word: str) -> bool:
    """'H', 'U.S', 'J.R.R': capital letters each followed by a period."""
    return all(len(part) == 1 and part.isupper() for part in word.split("."))


def _word_before(text: str, position: int) -> str:
    start = position
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in _OPENERS:
        start -= 1
    return text[start:position]


def _next_word(text: str, position: int) -> str:
    match = _WORD.match(text, _skip_openers(text, position))
    return match.group() if match else ""


def _first_word_char(text: str, start: int, end: int) -> int:
    """Position of the first letter or digit in `text[start:end]`, or `end`."""
    for position in range(start, end):
        if text[position].isalnum():
            return position
    return end


def _skip_space(text: str, position: int, end: int) -> int:
    while position < end and text[position].isspace():
        position += 1
    return position


def _skip_openers(text: str, position: int) -> int:
    while position < len(text) and text[position] in _OPENERS:
        position += 1
    return position


def _trimmed_spans(text: str, breaks: list[int]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for end in [*breaks, len(text)]:
        span = _trim(text, start, end)
        if span:
            spans.append(span)
        start = end
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None
