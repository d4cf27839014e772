"""What the Glossary panel shows for a document: its abbreviations and their switches, the
glossary entries of the pair that occur in it, and the sentences whose translation lacks a
term. Computed off the GUI thread, in one go."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from reader.core.documents.model import Document
from reader.core.storage.db import Database
from reader.core.terms.abbreviations import Abbreviation, document_abbreviations
from reader.core.terms.glossary import GlossaryEntry, TermMatcher, list_entries
from reader.core.terms.settings import ExpansionSettings, expansion_settings


@dataclass(frozen=True)
class TermUse:
    entry: GlossaryEntry
    count: int  # occurrences in the document


@dataclass(frozen=True)
class LackingTranslation:
    block_index: int
    sentence_index: int
    terms: tuple[str, ...]


@dataclass(frozen=True)
class DocumentTerms:
    abbreviations: list[Abbreviation]
    settings: ExpansionSettings
    glossary: list[TermUse]  # the pair's entries found in the document, most frequent first
    pair_entries: int  # entries of the pair in all
    lacking: list[LackingTranslation]  # known translations that lack a term


def document_terms(
    database: Database,
    document: Document,
    from_code: str,
    to_code: str,
    translations: dict | None = None,
) -> DocumentTerms:
    """`translations`: the document's known translations ({(block, sentence):
    TranslatedSentence}), to list those lacking a term."""
    entries = list_entries(database, from_code, to_code)
    counts: Counter[GlossaryEntry] = Counter()
    matcher = TermMatcher(entries)
    if matcher:
        for block in document.blocks:
            counts.update(match.entry for match in matcher.find(block.text))
    lacking = [
        LackingTranslation(block, sentence, found.glossary_missing)
        for (block, sentence), found in sorted((translations or {}).items())
        if found.glossary_missing
    ]
    return DocumentTerms(
        document_abbreviations(document),
        expansion_settings(database, document.content_hash),
        [TermUse(entry, count) for entry, count in counts.most_common()],
        len(entries),
        lacking,
    )
