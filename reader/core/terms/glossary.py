"""The glossary: per language pair, a source term and the target term the translation must use,
or none (keep the term as it is: names, codes such as 32-TB/TW). Each entry says whether case
and diacritics matter when it is looked for; it is always found as a whole word."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from reader.core.errors import ReaderError
from reader.core.storage.db import Database
from reader.core.terms.abbreviations import token_pattern
from reader.core.terms.models import GlossaryEntryRow


@dataclass(frozen=True)
class GlossaryEntry:
    source: str
    target: str | None  # None: keep the source term as it is
    source_language: str
    target_language: str
    case_sensitive: bool = False
    accent_sensitive: bool = True
    id: int | None = None

    @property
    def keep(self) -> bool:
        return self.target is None

    @property
    def replacement(self) -> str:
        """What the translation must hold for the term."""
        return self.source if self.target is None else self.target

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "source": self.source,
            "target": self.target,
            "from": self.source_language,
            "to": self.target_language,
            "keep": self.keep,
            "case_sensitive": self.case_sensitive,
            "accent_sensitive": self.accent_sensitive,
        }


def make_entry(
    source: str,
    target: str | None,
    source_language: str,
    target_language: str,
    *,
    case_sensitive: bool = False,
    accent_sensitive: bool = True,
) -> GlossaryEntry:
    """An entry with its terms tidied (NFC, single spaces); ReaderError if one is empty."""
    source = _tidy(source)
    target = None if target is None else _tidy(target)
    if not source or target == "":
        raise ReaderError("a glossary term cannot be empty")
    if not source_language or not target_language:
        raise ReaderError("a glossary entry needs both languages")
    return GlossaryEntry(
        source, target, source_language, target_language, case_sensitive, accent_sensitive
    )


def _tidy(term: str) -> str:
    return " ".join(unicodedata.normalize("NFC", term).split())


# --- storage ----------------------------------------------------------------------------------


def list_entries(
    database: Database, source_language: str | None = None, target_language: str | None = None
) -> list[GlossaryEntry]:
    query = select(GlossaryEntryRow).order_by(
        GlossaryEntryRow.source_language, GlossaryEntryRow.target_language, GlossaryEntryRow.source
    )
    if source_language:
        query = query.where(GlossaryEntryRow.source_language == source_language)
    if target_language:
        query = query.where(GlossaryEntryRow.target_language == target_language)
    with database.reading() as session:
        return [_entry(row) for row in session.scalars(query)]


def save_entries(database: Database, entries: Iterable[GlossaryEntry]) -> list[GlossaryEntry]:
    """Add entries, or replace those with the same source term in the same pair; all or none."""
    with database.session() as session:
        return [_save(session, entry) for entry in entries]


def save_entry(database: Database, entry: GlossaryEntry) -> GlossaryEntry:
    return save_entries(database, [entry])[0]


def remove_entry(database: Database, entry_id: int) -> GlossaryEntry:
    with database.session() as session:
        row = session.get(GlossaryEntryRow, entry_id)
        if row is None:
            raise ReaderError(f"no glossary entry {entry_id} (see `bireader glossary list`)")
        entry = _entry(row)
        session.execute(delete(GlossaryEntryRow).where(GlossaryEntryRow.id == entry_id))
        return entry


def _save(session: Session, entry: GlossaryEntry) -> GlossaryEntry:
    row = None
    if entry.id is not None:
        row = session.get(GlossaryEntryRow, entry.id)
    if row is None:
        row = session.scalar(
            select(GlossaryEntryRow).where(
                GlossaryEntryRow.source_language == entry.source_language,
                GlossaryEntryRow.target_language == entry.target_language,
                GlossaryEntryRow.source == entry.source,
            )
        )
    if row is None:
        row = GlossaryEntryRow()
        session.add(row)
    row.source_language, row.target_language = entry.source_language, entry.target_language
    row.source, row.target = entry.source, entry.target
    row.case_sensitive, row.accent_sensitive = entry.case_sensitive, entry.accent_sensitive
    session.flush()
    return replace(entry, id=row.id)


def _entry(row: GlossaryEntryRow) -> GlossaryEntry:
    return GlossaryEntry(
        row.source,
        row.target,
        row.source_language,
        row.target_language,
        row.case_sensitive,
        row.accent_sensitive,
        row.id,
    )


# --- finding terms in text --------------------------------------------------------------------


@dataclass(frozen=True)
class TermMatch:
    start: int
    end: int
    entry: GlossaryEntry


class TermMatcher:
    """Finds glossary terms in text: whole words, longest first, never overlapping. Entries are
    grouped by how they compare (case, diacritics); each group searches the text folded its
    way, letter for letter, so offsets stay those of the text."""

    def __init__(self, entries: Sequence[GlossaryEntry]) -> None:
        self.entries = tuple(entries)
        self._groups = []
        for case_sensitive in (False, True):
            for accent_sensitive in (False, True):
                group = {
                    fold(e.source, case_sensitive, accent_sensitive): e
                    for e in self.entries
                    if (e.case_sensitive, e.accent_sensitive) == (case_sensitive, accent_sensitive)
                }
                if group:
                    pattern = token_pattern(group)
                    self._groups.append((case_sensitive, accent_sensitive, pattern, group))

    def __bool__(self) -> bool:
        return bool(self.entries)

    def find(self, text: str) -> list[TermMatch]:
        found = []
        for case_sensitive, accent_sensitive, pattern, group in self._groups:
            folded = fold(text, case_sensitive, accent_sensitive)
            found += [
                TermMatch(m.start(), m.end(), group[m.group()]) for m in pattern.finditer(folded)
            ]
        found.sort(key=lambda match: (match.start, match.start - match.end))
        kept, end = [], 0
        for match in found:
            if match.start >= end:
                kept.append(match)
                end = match.end
        return kept

    def within(self, texts: Iterable[str]) -> TermMatcher:
        """A matcher of only the entries occurring in `texts` (a document): sentences are
        then searched for a few terms, not the whole glossary."""
        found = {match.entry for match in self.find("\n".join(texts))}  # one scan
        return TermMatcher([entry for entry in self.entries if entry in found])

    def matches_whole(self, text: str) -> bool:
        """Whether `text` is one of the terms."""
        matches = self.find(text)
        return len(matches) == 1 and (matches[0].start, matches[0].end) == (0, len(text))


def fold(text: str, case_sensitive: bool, accent_sensitive: bool) -> str:
    """`text` as an entry compares it, one character for one (offsets are kept)."""
    text = unicodedata.normalize("NFC", text)
    if not case_sensitive:
        lower = text.lower()
        text = lower if len(lower) == len(text) else "".join(_lower(c) for c in text)
    if not accent_sensitive:
        text = text.translate(_accent_table())
    return text


def _lower(character: str) -> str:
    lower = character.lower()
    return lower if len(lower) == 1 else character


@cache
def _accent_table() -> dict[int, str]:
    """Latin letters with marks → the bare letter (đ → d): the Latin-1, Extended and Vietnamese
    ranges, where every such letter is one code point."""
    table = {ord("đ"): "d", ord("Đ"): "D"}
    for start, end in ((0x00C0, 0x024F), (0x1E00, 0x1EFF)):
        for code in range(start, end + 1):
            base = unicodedata.normalize("NFD", chr(code))[0]
            if base != chr(code) and re.fullmatch(r"[A-Za-z]", base):
                table[code] = base
    return table
