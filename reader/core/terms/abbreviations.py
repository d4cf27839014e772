"""Abbreviations: the ones a document defines, the common ones it uses without defining, and
their expansion in the text a translation model receives.

A definition is a parenthesis next to a long form whose syllables' initials spell the
abbreviation: `bảo vệ chính trị nội bộ (BVCTNB)`, `cán bộ, đảng viên (CB,ĐV)`, `UBND (Ủy ban
nhân dân)`, `... Chính phủ (sau đây gọi tắt là CP)`, `World Health Organization (WHO)`; or a
sentence saying so: `DA là ký hiệu chữ viết tắt của dự án`. The long form is found by working
back from the parenthesis, one word per letter; only function words (`và`, `của`, `and`,
`of`...) may be skipped, at most two, never at either end. Anything else in parentheses
(`(Ảnh: Phương Hoa/TTXVN)`, `(khóa XIII)`, `(2021-2025)`) defines nothing: precision comes
first, since a wrong expansion would change every occurrence the model sees.

Occurrences are whole tokens: `TW` in `58-QĐ/TW` or in `Điều 19.2.TT.1.` is part of a code and
is neither counted nor expanded; a slash between words without digits is no code (`Phương
Hoa/TTXVN`, `UBND/HĐND`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from reader.core.documents.model import Document
from reader.core.paths import resources_dir

BUILTIN_FILE = "abbreviations-vi.tsv"
BUILTIN_LANGUAGE = "vi"  # the shipped list is for documents in this language
MAX_LETTERS = 12
MAX_SKIPPED_WORDS = 2
LONG_FORM_REACH = 300  # characters before a parenthesis searched for its long form
# Words an abbreviation may leave out ("Bộ Khoa học và Công nghệ" → BKHCN).
FUNCTION_WORDS = frozenset(
    {"và", "của", "cho", "với", "về", "các", "những", "ở", "tại"}
    | {"and", "of", "for", "the", "on", "in", "to", "at"}
)
# What may stand between the words of a long form: "cán bộ, đảng viên", "kinh tế - xã hội".
_LONG_FORM_GAP = re.compile(r"[\s,\-–&]*")
_WORD = re.compile(r"[^\W\d_]+")
_PARENTHESIS = re.compile(r"\(([^()]{1,200})\)")
# Letters, with single joining marks between groups: BVCTNB, CB,ĐV, NĐ-CP, TP.HCM, R&D.
_ABBREVIATION_SHAPE = re.compile(r"[^\W\d_]+(?:[,.&/-][^\W\d_]+)*")
_ROMAN_NUMERAL = re.compile(r"[IVXLCDM]+")
_QUOTES = "\"'“”‘’«»"
_DEFINING_PHRASE = re.compile(
    r"(?:(?:sau\s+đây\s+)?(?:được\s+)?(?:gọi|viết)\s+tắt\s+(?:là\s+)?"
    r"|(?:hereinafter|hereafter)\s+(?:referred\s+to\s+as\s+|called\s+)?(?:the\s+)?)",
    re.IGNORECASE,
)
# "DA là ký hiệu chữ viết tắt của dự án;", "WHO stands for World Health Organization."
_DEFINING_SENTENCE = re.compile(
    r"(?<![\w/.-])(?P<short>[^\W\d_][^\s;:()]*)\s+"
    r"(?:là\s+(?:ký\s+hiệu\s+)?(?:chữ\s+)?viết\s+tắt\s+(?:của|cho)|stands\s+for)\s+"
    r"(?P<long>[^;:.()\n]{2,120})",
    re.IGNORECASE,
)
# Where a sentence defines the abbreviation, it stays short ("DA là ... viết tắt của dự án").
_NOT_DEFINED_HERE = r"(?!\s+(?:là\s+(?:ký\s+hiệu\s+)?(?:chữ\s+)?viết\s+tắt|stands\s+for)\b)"
_CODE_JOINS = "/.-"  # what joins the parts of a document code: 32-TB/TW, 19.2.TT.1


class Source(StrEnum):
    DOCUMENT = "document"  # defined in the document itself
    BUILTIN = "builtin"  # from the shipped list


@dataclass(frozen=True)
class Abbreviation:
    abbreviation: str
    expansion: str
    source: Source
    count: int  # whole-token occurrences in the document, the definition's own included
    block_index: int | None = None  # the block defining it (for a document's own)

    def to_json(self) -> dict:
        return {
            "abbreviation": self.abbreviation,
            "expansion": self.expansion,
            "source": str(self.source),
            "paragraph": None if self.block_index is None else self.block_index + 1,
            "count": self.count,
        }


@dataclass(frozen=True)
class Definition:
    abbreviation: str
    expansion: str


# --- finding definitions ----------------------------------------------------------------------


def find_definitions(text: str) -> list[Definition]:
    """The abbreviations `text` defines, in order."""
    text = unicodedata.normalize("NFC", text)
    found = []
    for match in _PARENTHESIS.finditer(text):
        definition = _definition_at(text, match)
        if definition is not None:
            found.append(definition)
    defines_in_words = "tắt" in text or "stands for" in text  # the cheap test first
    for match in _DEFINING_SENTENCE.finditer(text) if defines_in_words else ():
        short, long_form = match.group("short"), match.group("long").strip()
        if looks_like_abbreviation(short) and _named_by(_words(long_form), _letters(short)):
            found.append(Definition(short, long_form))
    return found


def _definition_at(text: str, parenthesis: re.Match) -> Definition | None:
    inside = parenthesis.group(1).strip()
    phrase = _DEFINING_PHRASE.match(inside)
    candidate = (inside[phrase.end() :] if phrase else inside).strip(_QUOTES + " ")
    # What a long form can reach back to (a long block would make this quadratic).
    before = text[max(0, parenthesis.start() - LONG_FORM_REACH) : parenthesis.start()]
    if looks_like_abbreviation(candidate):  # long form (ABBR), long form (gọi tắt là ABBR)
        long_form = _long_form_before(before, _letters(candidate))
        return Definition(candidate, long_form) if long_form else None
    previous = re.search(r"(\S+)\s*$", before)
    if previous and looks_like_abbreviation(previous.group(1)):  # ABBR (long form)
        abbreviation = previous.group(1)
        if _spells(_words(inside), _letters(abbreviation), whole=True):
            return Definition(abbreviation, inside)
    return None


def looks_like_abbreviation(token: str) -> bool:
    letters = _letters(token)
    return (
        _ABBREVIATION_SHAPE.fullmatch(token) is not None
        and token.upper() == token
        and 2 <= len(letters) <= MAX_LETTERS
        and _ROMAN_NUMERAL.fullmatch(token) is None
    )


def _long_form_before(text: str, letters: list[str]) -> str | None:
    """The words just before the end of `text` whose initials spell `letters`, as written."""
    words = _words(text)
    # Only the words reachable through gaps of spaces, commas and dashes: a period, a colon or
    # another parenthesis ends the run.
    reachable = []
    end = len(text.rstrip())
    for match in reversed(words):
        if not _LONG_FORM_GAP.fullmatch(text[match.end() : end]):
            break
        reachable.append(match)
        end = match.start()
    used = _spells(list(reversed(reachable)), letters, whole=False)
    if not used:
        return None
    return text[reachable[used - 1].start() :].strip(" ,-–")


def _spells(words: list[re.Match], letters: list[str], *, whole: bool) -> int:
    """How many of the last `words` spell `letters` by their initials (0: they do not).
    `whole`: every word must be used."""
    letter, skipped, used = len(letters) - 1, 0, 0
    for match in reversed(words):
        if letter < 0:
            break
        word = match.group()
        if _initial(word) == letters[letter]:
            letter -= 1
        elif used and word.lower() in FUNCTION_WORDS and skipped < MAX_SKIPPED_WORDS:
            skipped += 1
        else:
            return 0
        used += 1
    if letter >= 0 or (whole and used != len(words)):
        return 0
    return used


def _named_by(words: list[re.Match], letters: list[str]) -> bool:
    """Whether a long form the text names outright ("X là chữ viết tắt của ...") fits: its
    initials spell the letters, or those of a run of its words do ("ĐK ... của nhiệm vụ triển
    khai định kỳ"), since the wording itself says it is a definition."""
    if _spells(words, letters, whole=True):
        return True
    initials = [_initial(match.group()) for match in words]
    size = len(letters)
    return any(initials[i : i + size] == letters for i in range(len(initials) - size + 1))


def _words(text: str) -> list[re.Match]:
    return list(_WORD.finditer(text))


def _letters(token: str) -> list[str]:
    return [_fold(character) for character in token if character.isalpha()]


def _initial(word: str) -> str:
    return _fold(word[0])


def _fold(character: str) -> str:
    """Upper case without tone or vowel marks: Ủ → U, ư → U, but đ → Đ (a letter of its own)."""
    upper = character.upper()
    return upper if upper == "Đ" else unicodedata.normalize("NFD", upper)[0]


# --- a document's abbreviations ---------------------------------------------------------------


@cache
def builtin_abbreviations() -> dict[str, str]:
    """The shipped list: {abbreviation: expansion}."""
    entries = {}
    path = resources_dir() / BUILTIN_FILE
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            abbreviation, expansion = line.split("\t")
            entries[abbreviation.strip()] = expansion.strip()
    return entries


def document_abbreviations(document: Document) -> list[Abbreviation]:
    """What the document defines (the first definition of each), then the shipped ones it
    uses without defining; each with how often it occurs. In order of first definition, then
    alphabetically. Remembered for the last few documents: opening one asks several times."""
    key = (document.content_hash, document.language)
    found = _recent.pop(key, None)
    if found is None:
        found = _find_abbreviations(document)
    _recent[key] = found
    while len(_recent) > RECENT_DOCUMENTS:
        _recent.pop(next(iter(_recent)))
    return list(found)


RECENT_DOCUMENTS = 8
_recent: dict[tuple[str, str], tuple[Abbreviation, ...]] = {}  # oldest first


def _find_abbreviations(document: Document) -> tuple[Abbreviation, ...]:
    defined: dict[str, tuple[str, int]] = {}
    for block in document.blocks:
        for definition in find_definitions(block.text):
            defined.setdefault(definition.abbreviation, (definition.expansion, block.index))
    shipped = builtin_abbreviations() if document.language == BUILTIN_LANGUAGE else {}
    builtin = {k: v for k, v in shipped.items() if k not in defined}
    counts = count_occurrences((block.text for block in document.blocks), [*defined, *builtin])
    found = [
        Abbreviation(abbreviation, expansion, Source.DOCUMENT, counts[abbreviation], index)
        for abbreviation, (expansion, index) in defined.items()
    ]
    found += [
        Abbreviation(abbreviation, builtin[abbreviation], Source.BUILTIN, count)
        for abbreviation, count in sorted(counts.items())
        if abbreviation in builtin and count
    ]
    return tuple(found)


def count_occurrences(texts: Iterable[str], abbreviations: Iterable[str]) -> dict[str, int]:
    counts = dict.fromkeys(abbreviations, 0)
    pattern = token_pattern(counts)
    if pattern is None:
        return counts
    for text in texts:
        for match in pattern.finditer(unicodedata.normalize("NFC", text)):
            counts[match.group()] += 1
    return counts


class TokenPattern:
    """Whole-token occurrences of some tokens, outside document codes."""

    def __init__(self, pattern: re.Pattern) -> None:
        self._pattern = pattern

    def finditer(self, text: str) -> Iterator[re.Match]:
        for match in self._pattern.finditer(text):
            if not inside_code(text, match.start(), match.end()):
                yield match

    def sub(self, replacement: Callable[[re.Match], str], text: str) -> str:
        pieces, end = [], 0
        for match in self.finditer(text):
            pieces += [text[end : match.start()], replacement(match)]
            end = match.end()
        return "".join([*pieces, text[end:]])


def token_pattern(tokens: Iterable[str], after: str = "") -> TokenPattern | None:
    """Whole-token occurrences of any of `tokens` (case-sensitive, longest first), followed
    by what `after` allows."""
    ordered = sorted(set(tokens), key=len, reverse=True)
    if not ordered:
        return None
    alternatives = "|".join(re.escape(token) for token in ordered)
    return TokenPattern(re.compile(rf"(?<!\w)(?:{alternatives})(?!\w){after}"))


def inside_code(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]` is part of a longer token joined by `-`, `.` or `/` that is a
    code: one with a digit, or a dash or dot joining it (a slash between words is not)."""
    left, right = start, end
    while left > 0 and (text[left - 1].isalnum() or text[left - 1] in _CODE_JOINS):
        left -= 1
    while right < len(text) and (text[right].isalnum() or text[right] in _CODE_JOINS):
        right += 1
    while right > end and text[right - 1] in ".-":  # a sentence's last period joins nothing
        right -= 1
    outside = text[left:start] + text[end:right]
    if not outside:
        return False
    return any(c.isdigit() for c in text[left:right]) or any(c in ".-" for c in outside)


# --- expansion --------------------------------------------------------------------------------


class Expander:
    """Writes abbreviations out in full in a sentence, for the model. Where the sentence
    defines one, the definition goes: "bảo vệ chính trị nội bộ (BVCTNB)" becomes "bảo vệ
    chính trị nội bộ", not the long form twice."""

    def __init__(self, expansions: Mapping[str, str]) -> None:
        self.expansions = dict(expansions)
        self._tokens = token_pattern(self.expansions, after=_NOT_DEFINED_HERE)

    def __bool__(self) -> bool:
        return bool(self.expansions)

    def used_in(self, text: str) -> list[str]:
        """The abbreviations occurring in `text`, each once, in order."""
        if self._tokens is None:
            return []
        return list(dict.fromkeys(match.group() for match in self._tokens.finditer(text)))

    def expand(self, text: str) -> str:
        used = self.used_in(text)
        if not used:
            return text
        if "(" in text:
            for abbreviation in used:
                text = _drop_definition(text, abbreviation, self.expansions[abbreviation])
        return self._tokens.sub(lambda match: self.expansions[match.group()], text)


def _drop_definition(text: str, abbreviation: str, expansion: str) -> str:
    long_form, short = re.escape(expansion), re.escape(abbreviation)
    quotes = f"[{_QUOTES}]?"
    inside = rf"\(\s*(?:{_DEFINING_PHRASE.pattern})?{quotes}{short}{quotes}\s*\)"
    text = re.sub(rf"({long_form})\s*{inside}", r"\1", text, flags=re.IGNORECASE)
    return re.sub(rf"(?<!\w){short}\s*\(\s*({long_form})\s*\)", r"\1", text, flags=re.IGNORECASE)
