"""Rule-based sentence segmentation: terminal punctuation, then vetoes.

A sentence ends after a run of terminal punctuation (`.`, `!`, `?`, `…`, CJK stops) together
with the closing quotes and brackets that follow it (`… Đảng”.`, `(… nộp phạt.)`, spaced too as
tokenised text has them: `quen ? " .`), when whitespace and a plausible sentence start follow:
a capital, an opening quote or bracket, or a dialogue dash before a capital (`… con cừu... -
Phải, tôi nói`). Vetoes keep together what only looks like an end: abbreviations and initials
(per-language data), numbered labels and their titles (`1.2.`, `Điều 5.`, `Khoản 2 Điều 3.`,
`…; Điều 3.3.LQ.38. Khuyến khích …`), a next word in lower case, an attribution dash (`"…?" -
tôi hỏi`), a run inside brackets (`(...)`). Closing punctuation never starts a sentence.
Periods without a following space never split (`TP.HCM`, `1.234,5`, `18/8/2023`, `U.S.A.`).
A blank line, or a new line that starts a list item or a dialogue turn, always ends a sentence.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from reader.core.segment.abbreviations import LanguageData, language_data

_TERMINALS = ".!?…‼⁇⁈⁉。！？｡"
# Stops of scripts written without spaces: a sentence may end there with no space after.
_UNSPACED_TERMINALS = frozenset("。！？｡")
_CLOSERS = "\"'”’»)]}›」』）】〕〉》"
# Closers that cannot open anything: sloppy text may put a space before them ("bình thường ”.").
_PURE_CLOSERS = frozenset("”’»)]}›」』）】〕〉》")
_STRAIGHT_QUOTES = frozenset("\"'")
_OPENERS = frozenset("\"'“‘„«([{‹「『（【〔〈《¿¡")
_QUOTE_OPENERS = frozenset("\"'“‘„«‹「『")
_BRACKET_OPENERS = _OPENERS - _QUOTE_OPENERS
_DASHES = frozenset("-‐‑‒–—―")

_T = f"[{re.escape(_TERMINALS)}]"
# Terminal marks with the closers right after them: ".", "?!", "”.", "...)"; `_run_end` then
# takes in the closing marks spaced after them.
_END_RUN = re.compile(f"{_T}+(?:[{re.escape(_CLOSERS)}]+{_T}*)*")
# The marks of a run that sit inside brackets opened just before it: "(?)", "(...)", "[…]".
_BRACKETED_MARKS = re.compile(f"{_T}+[\\s{re.escape(_CLOSERS)}]+")
_TERMINAL_SET = frozenset(_TERMINALS)
# A blank line; a new line opening a list item ("- ", "• ", "2) ") or a dash against a word
# ("-Thế à.", "—Ừ."), which a negative number ("-5") is not.
_HARD_BREAK = re.compile(
    r"\n[^\S\n]*\n|\n(?=[^\S\n]*(?:(?:[-–—•*+▪●◦]|\d{1,3}[.)])(?:\s|\Z)|[-–—][^\W\d_]))"
)
_WORD = re.compile(r"\w+")
_DOUBLE_QUOTE = re.compile('"')


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
    quotes = [match.start() for match in _DOUBLE_QUOTE.finditer(text, start, end)]
    position = start
    while run := _END_RUN.search(text, position, end):
        run_end = position = _run_end(text, run.end(), end, quotes)
        next_start = _skip_space(text, run_end, end)
        if next_start >= end:
            break  # the chunk's end is a sentence end anyway
        if first_word >= run.start():
            continue  # nothing but punctuation so far, e.g. a leading "..."
        if _ends_sentence(text, sentence_start, run.start(), run_end, next_start, data):
            breaks.append(run_end)
            sentence_start = next_start
            first_word = _first_word_char(text, next_start, end)
    return breaks


def _run_end(text: str, position: int, end: int, quotes: list[int]) -> int:
    """Where a terminal run ends with the closing marks spaced after it, as sloppy or tokenised
    text has them: "bình thường ”.", "quen ? \" .", "lắm » ."; `quotes` are the positions of
    the chunk's straight double quotes."""
    while True:
        mark = _skip_inline_space(text, position, end)
        if mark >= end or not _is_closing_mark(text, mark, end, quotes):
            return position
        spaced_terminal = mark > position and text[mark] in _TERMINAL_SET
        if spaced_terminal and text[position - 1] in _TERMINAL_SET:
            return position  # it joins only after a closer: "chiến tranh. ... Rồi" is two
        position = mark + 1


def _is_closing_mark(text: str, position: int, end: int, quotes: list[int]) -> bool:
    char = text[position]
    if char in _TERMINAL_SET or char in _PURE_CLOSERS:
        return True
    return char in _STRAIGHT_QUOTES and _closes_quotation(text, position, end, quotes)


def _closes_quotation(text: str, quote: int, end: int, quotes: list[int]) -> bool:
    """Whether a straight quote closes a quotation: nothing but punctuation follows it; a word
    right after it is what it opens; with spaces on both sides, a double quote closes when it
    is the second of a pair (apostrophes make single quotes unreliable to count)."""
    after = _skip_inline_space(text, quote + 1, end)
    if after >= end or text[after] in _AFTER_CLOSING_QUOTE:
        return True
    if after == quote + 1:
        return False
    return text[quote] == '"' and bisect_left(quotes, quote) % 2 == 1


_AFTER_CLOSING_QUOTE = _TERMINAL_SET | _PURE_CLOSERS | frozenset(",;:")


def _ends_sentence(
    text: str,
    sentence_start: int,
    run_start: int,
    run_end: int,
    next_start: int,
    data: LanguageData,
) -> bool:
    run_text = text[run_start:run_end]
    if run_start > 0 and text[run_start - 1] in _BRACKET_OPENERS:
        # "(?)", "[…]" are marks inside brackets; only what follows the bracket can end
        # the sentence: "… chờ kiểm điểm (?). Và …"
        inside = _BRACKETED_MARKS.match(run_text)
        if inside is None or inside.end() == len(run_text):
            return False
        run_start, run_text = run_start + inside.end(), run_text[inside.end() :]
    terminals = "".join(char for char in run_text if char in _TERMINAL_SET)
    spaced = next_start > run_end
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
    word = _word_before(text, dot)
    if _NUMBER_WORD.fullmatch(word) and _closes_label(text, sentence_start, dot, data):
        return False
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
    if char in _DASHES:  # a new turn of dialogue: "… con cừu... - Phải, tôi nói"
        return _starts_with_capital(text, position)  # not an attribution: "…?" - tôi hỏi
    if char.islower():
        return False
    return not unicodedata.category(char).startswith("P")


def _starts_with_capital(text: str, position: int) -> bool:
    inner = _skip_openers(text, _skip_dialogue_dash(text, position))
    return inner < len(text) and text[inner].isupper()


def _skip_dialogue_dash(text: str, position: int) -> int:
    if position < len(text) and text[position] in _DASHES:
        return _skip_inline_space(text, position + 1, len(text))
    return position


def _is_ellipsis(terminals: str) -> bool:
    return "…" in terminals or terminals.startswith("..")


def _closes_label(text: str, sentence_start: int, dot: int, data: LanguageData) -> bool:
    """Whether the period ends the number of a label whose title or text follows it.

    The sentence so far is a numbered heading or list marker ("1.2.3.", "Điều 5.", "Khoản 2
    Điều 3.", "CHƯƠNG II."); or a clause after ";", ":", "(" or an opening quote is a labelled
    number ("…; Điều 3.3.LQ.38. Khuyến khích …", "… như sau: “Điều 5. Giải thích …"); or a
    label with a codified number ends it anywhere ("… liên quan đến Điều 19.2.LQ.52. Chuyển
    giao …"), whose final period belongs to the number. A plain number inside a sentence may
    end it: "… theo quy định tại Điều 5. Các cơ quan …".
    """
    patterns = _label_patterns(data.labels)
    window = max(sentence_start, dot - _MAX_LABEL_LENGTH)
    if window == sentence_start and patterns.heading.fullmatch(text, sentence_start, dot):
        return True
    clause = max(text.rfind(opener, window, dot) for opener in _CLAUSE_OPENERS)
    if clause >= 0 and patterns.labelled.fullmatch(text, clause + 1, dot):
        return True
    return patterns.code_reference.search(text, window, dot) is not None


_MAX_LABEL_LENGTH = 40
_CLAUSE_OPENERS = ';:(“«"'
# "1", "2.3", "IV", "a", and the numbers of the codified law: "19.2.LQ.1", "36.3.NĐ.2.1".
_NUMBER = r"\d{1,3}(?:\.(?:\d{1,3}|[A-ZĐ]{1,4}))*|[IVXLC]{1,7}|[a-zđ]"
# Numbers whose final period belongs to them: codified ("19.2.LQ.1."), three levels ("1.2.3.").
_CODE_NUMBER = r"\d{1,3}(?:\.(?:\d{1,3}|[A-ZĐ]{1,4})){2,}"
_NUMBER_WORD = re.compile(_NUMBER)


@dataclass(frozen=True)
class _LabelPatterns:
    heading: re.Pattern[str]  # a whole sentence so far: "1.", "Điều 5", "Khoản 2 Điều 3"
    labelled: re.Pattern[str]  # a clause: "Điều 5", "điểm a khoản 1 Điều 5"
    code_reference: re.Pattern[str]  # the end of any text: "… đến Điều 19.2.LQ.52"


@lru_cache(maxsize=16)
def _label_patterns(labels: tuple[str, ...]) -> _LabelPatterns:
    if not labels:
        return _LabelPatterns(re.compile(rf"\s*(?:{_NUMBER})\s*"), _NEVER, _NEVER)
    words = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    label = rf"(?i:{words})"  # "Điều", "ĐIỀU", "điều"; the numbers keep their case
    labelled = rf"\s*(?:{label}\s+(?:{_NUMBER})\s+)*{label}\s+(?:{_NUMBER})\s*"
    return _LabelPatterns(
        heading=re.compile(rf"{labelled}|\s*(?:{_NUMBER})\s*"),
        labelled=re.compile(labelled),
        code_reference=re.compile(rf"(?<!\w){label}\s+(?:{_CODE_NUMBER})$"),
    )


_NEVER = re.compile("(?!)")


def _is_initials(word: str) -> bool:
    """'H', 'U.S', 'J.R.R': capital letters each followed by a period."""
    return all(len(part) == 1 and part.isupper() for part in word.split("."))


def _word_before(text: str, position: int) -> str:
    start = position
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in _OPENERS:
        start -= 1
    return text[start:position]


def _next_word(text: str, position: int) -> str:
    match = _WORD.match(text, _skip_openers(text, _skip_dialogue_dash(text, position)))
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


def _skip_inline_space(text: str, position: int, end: int) -> int:
    """Past the whitespace before the end of the line."""
    while position < end and text[position] != "\n" and text[position].isspace():
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
