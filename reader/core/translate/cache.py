"""Machine translations and the user's own translations, kept in the library database.

* `translation_cache`: what a model (or a pivot chain) produced for a source sentence, keyed by
  the models' codes and versions, the decoding options and the sentence's SHA-256. Any document
  containing the same sentence reuses it; a new model version misses it, as it should. Where
  the model received the sentence changed by the terms stage (abbreviations written out,
  glossary terms protected: reader.core.terms), `terms_key` identifies that input, and a
  look-up for another input misses: a changed glossary entry re-translates only the sentences
  it touches. The row stays keyed by the source sentence, so the library's progress counts it.
* `translation_edits`: a translation the user typed for one sentence of one document into one
  language, keyed by the document's content hash, the target language, the sentence's position
  and its source hash. It always wins over machine translation into that language; when the
  document is re-imported with changes, edits of sentences that are still there follow them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import DateTime, Integer, String, Text, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from reader.core.documents.model import Document
from reader.core.storage.db import upsert  # either engine's INSERT … ON CONFLICT
from reader.core.storage.models import Base, utc_now


class EditKey(NamedTuple):
    """Which sentence of which document, translated into which language, an edit belongs to."""

    document_hash: str
    target_language: str
    block_index: int
    sentence_index: int
    source_hash: str


SentenceHashes = dict[tuple[int, int], str]  # (block, sentence) -> source sentence hash

# SQLite's limit on bound parameters is 32766 nowadays, 999 in old builds: stay well below.
_LOOKUP_CHUNK = 500


class CachedTranslationRow(Base):
    __tablename__ = "translation_cache"

    model_key: Mapped[str] = mapped_column(String, primary_key=True)  # Route.key
    options: Mapped[str] = mapped_column(String, primary_key=True)  # e.g. "beam=4"
    source_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    translation: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    terms_key: Mapped[str | None] = mapped_column(String(64))  # migration 0008; None: as is


TermsKeys = Mapping[str, str | None]  # source_hash -> the terms stage's key (None: untouched)


class TranslationEditRow(Base):
    __tablename__ = "translation_edits"

    document_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    target_language: Mapped[str] = mapped_column(String(16), primary_key=True)
    block_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    sentence_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    translation: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


def source_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sentence_hashes(document: Document) -> SentenceHashes:
    return {
        (block.index, sentence.index): source_hash(sentence.text)
        for block, sentence in document.iter_sentences()
    }


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), _LOOKUP_CHUNK):
        yield items[start : start + _LOOKUP_CHUNK]


def lookup(
    session: Session,
    model_key: str,
    options: str,
    hashes: Iterable[str],
    terms_keys: TermsKeys | None = None,
) -> dict[str, str]:
    """Cached translations of the given source hashes: {source_hash: translation}, of the
    model input `terms_keys` names for each (none: the sentence as it is)."""
    terms_keys = terms_keys or {}
    wanted = sorted(set(hashes))
    found: dict[str, str] = {}
    for chunk in _chunks(wanted):
        rows = session.execute(
            select(
                CachedTranslationRow.source_hash,
                CachedTranslationRow.translation,
                CachedTranslationRow.terms_key,
            ).where(
                CachedTranslationRow.model_key == model_key,
                CachedTranslationRow.options == options,
                CachedTranslationRow.source_hash.in_(chunk),
            )
        )
        found.update(
            (digest, text) for digest, text, terms in rows if terms == terms_keys.get(digest)
        )
    return found


def store(
    session: Session,
    model_key: str,
    options: str,
    translations: dict[str, str],
    terms_keys: TermsKeys | None = None,
) -> None:
    """Remember translations {source_hash: translation} (of the inputs `terms_keys` names);
    a newer one replaces an older one."""
    if not translations:
        return
    terms_keys = terms_keys or {}
    rows = [
        {
            "model_key": model_key,
            "options": options,
            "source_hash": digest,
            "translation": translation,
            "created_at": utc_now(),
            "terms_key": terms_keys.get(digest),
        }
        for digest, translation in translations.items()
    ]
    statement = upsert(session, CachedTranslationRow).values(rows)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["model_key", "options", "source_hash"],
            set_={
                "translation": statement.excluded.translation,
                "created_at": statement.excluded.created_at,
                "terms_key": statement.excluded.terms_key,
            },
        )
    )


def edits_for(
    session: Session, document_hash: str, target_language: str
) -> dict[tuple[int, int, str], str]:
    """The user's translations in a document: {(block, sentence, source_hash): translation}."""
    rows = session.execute(
        select(
            TranslationEditRow.block_index,
            TranslationEditRow.sentence_index,
            TranslationEditRow.source_hash,
            TranslationEditRow.translation,
        ).where(
            TranslationEditRow.document_hash == document_hash,
            TranslationEditRow.target_language == target_language,
        )
    )
    return {(block, sentence, digest): text for block, sentence, digest, text in rows}


def save_edit(session: Session, key: EditKey, translation: str) -> None:
    statement = upsert(session, TranslationEditRow).values(
        **key._asdict(), translation=translation, updated_at=utc_now()
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=list(EditKey._fields),
            set_={
                "translation": statement.excluded.translation,
                "updated_at": statement.excluded.updated_at,
            },
        )
    )


def edit_text(session: Session, key: EditKey) -> str | None:
    """The user's translation stored under `key`, if any."""
    return session.scalar(select(TranslationEditRow.translation).where(*_matching(key)))


def delete_edit(session: Session, key: EditKey) -> None:
    session.execute(delete(TranslationEditRow).where(*_matching(key)))


def _matching(key: EditKey) -> list:
    return [getattr(TranslationEditRow, field) == value for field, value in key._asdict().items()]


def carry_edits(
    session: Session, old_hash: str, new_hash: str, new_sentences: SentenceHashes
) -> int:
    """After a re-import, move the user's translations of sentences that are still in the
    document to their new positions (the nearest occurrence of the same source sentence); the
    edits of sentences that are gone stay with the old text. Returns how many moved."""
    positions_by_hash: dict[str, list[tuple[int, int]]] = {}
    for position, digest in new_sentences.items():
        positions_by_hash.setdefault(digest, []).append(position)
    rows = session.scalars(
        select(TranslationEditRow).where(TranslationEditRow.document_hash == old_hash)
    ).all()
    taken: set[tuple[str, int, int]] = set()
    moved = 0
    for row in sorted(rows, key=lambda r: (r.block_index, r.sentence_index)):
        candidates = [
            p
            for p in positions_by_hash.get(row.source_hash, ())
            if (row.target_language, *p) not in taken
        ]
        if not candidates:
            continue
        old = (row.block_index, row.sentence_index)
        block, sentence = min(candidates, key=lambda p: (abs(p[0] - old[0]), abs(p[1] - old[1])))
        taken.add((row.target_language, block, sentence))
        key = EditKey(new_hash, row.target_language, block, sentence, row.source_hash)
        save_edit(session, key, row.translation)
        session.delete(row)
        moved += 1
    return moved
