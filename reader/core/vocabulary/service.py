"""Saving, listing, editing and removing the words of the vocabulary list.

Writes return `Changes(vocabulary=True)` beside their result, so that the window's panels
refresh. A word is saved with copies of its context (sentence, translation, definition,
document title), not references: editing or re-translating the document later does not change
a card the reader has learnt from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from reader.core.changes import NO_CHANGES, Changes
from reader.core.dictionary.normalise import headword_key
from reader.core.documents import Document
from reader.core.errors import ReaderError
from reader.core.storage.db import Database
from reader.core.storage.models import DocumentRow, as_utc, utc_now
from reader.core.vocabulary.models import VocabularyRow

VOCABULARY_CHANGED = Changes(vocabulary=True)
EDITABLE = ("word", "definition", "sentence", "translation")
DEFAULT_TARGET = "en"


@dataclass(frozen=True, slots=True)
class VocabularyEntry:
    id: int
    word: str
    definition: str
    sentence: str
    translation: str
    document_id: int | None
    source: str
    language: str
    created_at: datetime

    @classmethod
    def of(cls, row: VocabularyRow) -> VocabularyEntry:
        return cls(
            row.id,
            row.word,
            row.definition,
            row.sentence,
            row.translation,
            row.document_id,
            row.source,
            row.language,
            as_utc(row.created_at),
        )

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "word": self.word,
            "definition": self.definition,
            "sentence": self.sentence,
            "translation": self.translation,
            "document_id": self.document_id,
            "source": self.source,
            "language": self.language,
            "created_at": self.created_at.isoformat(),
        }


class UnknownWordError(ReaderError):
    def __init__(self, entry_id: int):
        super().__init__(
            f"no word with id {entry_id} in the vocabulary (see `bireader vocab list`)"
        )


class NoSuchSentenceError(ReaderError):
    def __init__(self, text: str, document: Document, occurrence: int, found: int):
        held = f"only {found} sentences of" if found else "no sentence of"
        super().__init__(
            f"{text!r}: {held} {document.title!r} hold it, so there is no occurrence {occurrence}"
        )


def add_word(
    database: Database,
    word: str,
    *,
    definition: str = "",
    sentence: str = "",
    translation: str = "",
    document_id: int | None = None,
    language: str = "",
) -> tuple[VocabularyEntry, Changes]:
    """Save a word; the same word (as headwords compare) in the same sentence is kept once:
    its entry is returned unchanged, with no changes."""
    word = word.strip()
    if not word:
        raise ReaderError("an empty word cannot be saved")
    with database.session() as session:
        saved = _same_word(session, word, sentence)
        if saved is not None:
            return VocabularyEntry.of(saved), NO_CHANGES
        source = ""
        if document_id is not None:
            document = session.get(DocumentRow, document_id)
            source = document.shown_title if document else ""
        row = VocabularyRow(
            word=word,
            definition=definition,
            sentence=sentence,
            translation=translation,
            document_id=document_id,
            source=source,
            language=language,
        )
        session.add(row)
        session.flush()
        return VocabularyEntry.of(row), VOCABULARY_CHANGED


def _same_word(session, word: str, sentence: str) -> VocabularyRow | None:
    key = headword_key(word)
    rows = session.scalars(select(VocabularyRow).where(VocabularyRow.sentence == sentence))
    return next((row for row in rows if headword_key(row.word) == key), None)


def add_from_document(
    database: Database, text: str, document_id: int, occurrence: int = 1
) -> tuple[VocabularyEntry, Changes]:
    """Save `text` with the `occurrence`-th sentence of the document containing it, that
    sentence's translation (if translated yet) and what the dictionaries say."""
    from reader.core.library import get_document
    from reader.core.notes.translations import cached_sentence_translations

    document = get_document(database, document_id)
    position, sentence = nth_sentence_containing(document, text, occurrence)
    translations = cached_sentence_translations(
        database, document, _target_language(database, document_id)
    )
    translated = translations.get(position)
    return add_word(
        database,
        text,
        definition=dictionary_definition(text, document.language),
        sentence=sentence,
        translation=translated.text if translated else "",
        document_id=document_id,
        language=document.language,
    )


def nth_sentence_containing(
    document: Document, text: str, occurrence: int
) -> tuple[tuple[int, int], str]:
    """((block, sentence), text) of the `occurrence`-th sentence holding `text` as whole words,
    compared as dictionary headwords are (case and tone-mark placement do not count)."""
    wanted = re.compile(rf"(?<!\w){re.escape(headword_key(text))}(?!\w)")
    found = 0
    for block, sentence in document.iter_sentences():
        if wanted.search(headword_key(sentence.text)):
            found += 1
            if found == occurrence:
                return (block.index, sentence.index), sentence.text
    raise NoSuchSentenceError(text, document, occurrence, found)


def dictionary_definition(text: str, language: str) -> str:
    """What the installed dictionaries of `language` say about `text`, as plain text."""
    from reader.core.dictionary.installed import open_dictionaries
    from reader.core.dictionary.lookup import article_text, lookup

    dictionaries = open_dictionaries(language)
    try:
        return "\n\n".join(article_text(found.article) for found in lookup(text, dictionaries))
    finally:
        for dictionary in dictionaries:
            dictionary.close()


def _target_language(database: Database, document_id: int) -> str:
    with database.reading() as session:
        target = session.scalar(
            select(DocumentRow.target_language).where(DocumentRow.id == document_id)
        )
    return target or DEFAULT_TARGET


def list_words(database: Database, document_id: int | None = None) -> list[VocabularyEntry]:
    """The vocabulary, oldest first (the order it was met in); one document's if asked."""
    query = select(VocabularyRow).order_by(VocabularyRow.created_at, VocabularyRow.id)
    if document_id is not None:
        query = query.where(VocabularyRow.document_id == document_id)
    with database.reading() as session:
        return [VocabularyEntry.of(row) for row in session.scalars(query)]


def update_word(
    database: Database, entry_id: int, **fields: str
) -> tuple[VocabularyEntry, Changes]:
    """Change some of `EDITABLE`'s fields of a saved word."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    if "word" in fields and not fields["word"].strip():
        raise ReaderError("a word cannot be made empty: remove it instead")
    with database.session() as session:
        row = _row(session, entry_id)
        for name, value in fields.items():
            setattr(row, name, value.strip() if name == "word" else value)
        row.updated_at = utc_now()
        session.flush()
        return VocabularyEntry.of(row), VOCABULARY_CHANGED


def remove_word(database: Database, entry_id: int) -> tuple[VocabularyEntry, Changes]:
    with database.session() as session:
        row = _row(session, entry_id)
        entry = VocabularyEntry.of(row)
        session.delete(row)
        return entry, VOCABULARY_CHANGED


def _row(session, entry_id: int) -> VocabularyRow:
    row = session.get(VocabularyRow, entry_id)
    if row is None:
        raise UnknownWordError(entry_id)
    return row
