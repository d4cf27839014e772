"""Reading aids about terms: a document's abbreviations (expanded for the model) and the
glossary the translation obeys. `stage_for` gives the translation service the stage that
prepares a document's sentences for the model and checks what comes back (see `protect`)."""

from __future__ import annotations

from reader.core.documents.model import Document
from reader.core.storage.db import Database
from reader.core.terms.abbreviations import Abbreviation, Expander, document_abbreviations
from reader.core.terms.glossary import TermMatcher, list_entries
from reader.core.terms.protect import TermStage
from reader.core.terms.settings import expansion_settings


def stage_for(
    database: Database, document: Document | None, from_code: str, to_code: str
) -> TermStage:
    """The glossary of the pair, and (for a document) the abbreviations it expands."""
    matcher = TermMatcher(list_entries(database, from_code, to_code))
    expander = None
    if document is not None:
        matcher = matcher.within(block.text for block in document.blocks)
        settings = expansion_settings(database, document.content_hash)
        if settings.expand:
            expander = Expander(
                {
                    found.abbreviation: found.expansion
                    for found in document_abbreviations(document)
                    if settings.expands(found.abbreviation)
                }
            )
    return TermStage(expander, matcher)


__all__ = ["Abbreviation", "TermStage", "document_abbreviations", "stage_for"]
