"""The translated sentences annotations and exports need, read from the database only (never
runs a model): the user's edits first, then cached machine translations."""

from __future__ import annotations

from dataclasses import dataclass

from reader.core.documents import Document
from reader.core.storage.db import Database

EDITED = "edited"


@dataclass(frozen=True, slots=True)
class SentenceTranslation:
    text: str
    origin: str  # the models' "code@version#digest" (route key), or "edited"


class CachedTranslations:
    """Looks up translations for many documents, finding each language pair's route once."""

    def __init__(self, database: Database):
        from reader.core.translate.service import TranslationService

        self.service = TranslationService(database)
        self._routes: dict[tuple[str, str], object] = {}

    def of(
        self, document: Document, target_language: str
    ) -> dict[tuple[int, int], SentenceTranslation]:
        """{(block, sentence): translation} for the sentences translated so far; empty when no
        installed model covers the language pair."""
        pair = (document.language, target_language)
        if pair not in self._routes:
            self._routes[pair] = self.service.route(*pair)
        route = self._routes[pair]
        if route is None:
            return {}
        return {
            position: SentenceTranslation(found.translation, EDITED if found.edited else route.key)
            for position, found in self.service.cached_translations(document, route).items()
        }


def cached_sentence_translations(
    database: Database, document: Document, target_language: str
) -> dict[tuple[int, int], SentenceTranslation]:
    return CachedTranslations(database).of(document, target_language)
