"""Annotations: create, update, delete (and undo), list; tags and colours.

The CLI (`bireader notes ...`) and the window's notes panel call these same functions. Each
function is one unit of work (one session); failures leave nothing half-written.
"""

from __future__ import annotations

import uuid as uuid_module
from collections import namedtuple
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache

from sqlalchemy import String, delete, select, type_coerce
from sqlalchemy.orm import Session

from reader.core.changes import Changes
from reader.core.documents import Document
from reader.core.errors import ReaderError
from reader.core.library import UnknownDocumentError, get_document
from reader.core.notes.anchoring import (
    CONTEXT_CHARS,
    Anchor,
    DocumentText,
    anchor_quote,
    chosen_occurrence,
    find_all,
    reanchor_in_text,
)
from reader.core.notes.models import AnnotationRow, AnnotationTagRow
from reader.core.notes.reanchor import ANCHORED, ORPHAN, anchor_of
from reader.core.notes.translations import SentenceTranslation, cached_sentence_translations
from reader.core.storage.db import Database
from reader.core.storage.models import DocumentRow, as_utc, utc_now

# The palette of the window's keys 1-5, in that order.
COLOURS = ("yellow", "green", "blue", "pink", "purple")
DEFAULT_COLOUR = COLOURS[0]
SIDES = ("original", "translation")
STATUSES = (ANCHORED, ORPHAN)


class UnknownAnnotationError(ReaderError):
    def __init__(self, uuid: str):
        super().__init__(f"no annotation {uuid}")


@dataclass(frozen=True, slots=True)
class TranslationQuote:
    """Where a translation-side annotation sits: a span of one sentence's translation."""

    sentence_index: int
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str
    origin: str  # the route's "code@version#digest" of the model(s), or "edited"

    def to_json(self) -> dict:
        return {
            "sentence": self.sentence_index,
            "start": self.start,
            "end": self.end,
            "exact": self.exact,
            "prefix": self.prefix,
            "suffix": self.suffix,
            "origin": self.origin,
        }


@dataclass(frozen=True, slots=True)
class Annotation:
    uuid: str
    document_id: int
    side: str
    status: str
    colour: str
    note: str
    tags: tuple[str, ...]
    anchor: Anchor  # on the original text (the source sentence, for the translation side)
    content_hash: str  # the document content the anchor was last resolved against
    created_at: datetime
    updated_at: datetime
    translation: TranslationQuote | None = field(default=None)
    author: str = ""  # who wrote it: a database role on a team library, else the local user
    private: bool = False  # readable by its author only (enforced by PostgreSQL's row security)
    # The row's id: what `changes` names (a restored annotation gets a new one, same uuid).
    id: int | None = field(default=None, compare=False)

    @property
    def changes(self) -> Changes:
        """What the write returning this annotation touched (add, update, delete, restore)."""
        return Changes(annotations=frozenset({self.id} if self.id is not None else ()))

    @property
    def quote(self) -> str:
        return self.translation.exact if self.translation else self.anchor.exact

    def to_json(self) -> dict:
        anchor = self.anchor
        return {
            "uuid": self.uuid,
            "document_id": self.document_id,
            "side": self.side,
            "status": self.status,
            "colour": self.colour,
            "quote": self.quote,
            "block": anchor.block_index,
            "start": anchor.start,
            "end": anchor.end,
            "doc_start": anchor.doc_start,
            "doc_end": anchor.doc_end,
            "exact": anchor.exact,
            "prefix": anchor.prefix,
            "suffix": anchor.suffix,
            "translation": self.translation.to_json() if self.translation else None,
            "note": self.note,
            "tags": list(self.tags),
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "author": self.author,
            "private": self.private,
        }


@dataclass(frozen=True, slots=True)
class Highlight:
    """What the window paints for one anchored annotation in one block. On the original side
    `start`/`end` are offsets in the block text and `sentences` the sentences they touch (whose
    translations get a light mark); on the translation side they are the stored offsets in the
    translation of sentence `sentences[0]`, and `quote` is checked against that translation as
    shown before anything is painted (`translation_highlight_span`)."""

    uuid: str
    side: str
    colour: str
    block_index: int
    start: int
    end: int
    sentences: tuple[int, ...]
    quote: TranslationQuote | None = None
    note: str = ""  # reading-compose: the note's Markdown, shown on hover


def highlights(document: Document, annotations: Iterable[Annotation]) -> dict[int, list[Highlight]]:
    """{block index: highlights}, for the anchored annotations of `document`."""
    found: dict[int, list[Highlight]] = {}
    for note in annotations:
        anchor = note.anchor
        if note.status != ANCHORED or not 0 <= anchor.block_index < len(document.blocks):
            continue
        block = document.blocks[anchor.block_index]
        quote = note.translation
        if quote is not None:
            start, end, sentences = quote.start, quote.end, (quote.sentence_index,)
        else:
            start, end = anchor.start, min(anchor.end, len(block.text))  # this block's part
            sentences = tuple(s.index for s in block.sentences if s.start < end and start < s.end)
        found.setdefault(block.index, []).append(
            Highlight(
                note.uuid,
                note.side,
                note.colour,
                block.index,
                start,
                end,
                sentences,
                quote,
                note.note,  # reading-compose
            )
        )
    return found


# --- translation-side annotations on the translation as it is now ----------------------------
#
# A translation-side annotation stores its quote in the translation it was made on. That text
# changes under it: the user edits the sentence (edits always win), another model version or
# beam translates it again. So wherever a translation is at hand, the quote is checked against it
# and found again (the position, the exact quote, then fuzzy, within the sentence's translation;
# see `anchoring.reanchor_in_text`), or the annotation is an orphan: never painted on other words.
# Nothing is written back: the stored quote stays the user's words, and reverting the edit puts
# the highlight back. Where no translation is known (the CLI's `notes list`, JSON export) the
# stored quote is shown as it is, placed nowhere.


def place_translation_quote(quote: TranslationQuote, translation: str) -> TranslationQuote | None:
    """The quote located in `translation` (its sentence's translation as it is now): itself when
    that text is still the one it was made on around it, moved (and its words updated, when found
    approximately) when the translation changed, None when its words are gone."""
    start, end = quote.start, quote.end
    if (
        translation[start:end] == quote.exact
        and translation[max(0, start - CONTEXT_CHARS) : start] == quote.prefix
        and translation[end : end + CONTEXT_CHARS] == quote.suffix
    ):
        return quote  # unchanged around it (nearly always): no search, no cache
    return _placed_quote(quote, translation)


@lru_cache(maxsize=4096)  # painting asks again at every repaint of the pane
def _placed_quote(quote: TranslationQuote, translation: str) -> TranslationQuote | None:
    anchor = Anchor(
        0, quote.start, quote.end, quote.start, quote.end, quote.exact, quote.prefix, quote.suffix
    )
    found = reanchor_in_text(anchor, translation).anchor
    if found is None:
        return None
    return replace(
        quote,
        start=found.start,
        end=found.end,
        exact=found.exact,
        prefix=found.prefix,
        suffix=found.suffix,
    )


def translation_highlight_span(highlight, translation: str) -> tuple[int, int] | None:
    """Where the window paints a translation-side `Highlight` in its sentence's translation as
    shown: offsets in that text, or None when its words are gone (an orphan: nothing painted).
    A highlight without a quote (made by hand) is placed at its offsets."""
    quote = getattr(highlight, "quote", None)
    if quote is None:
        return highlight.start, highlight.end
    placed = place_translation_quote(quote, translation)
    return None if placed is None else (placed.start, placed.end)


def place_on_translations(
    annotations: Iterable[Annotation],
    translations: Mapping[tuple[int, int], SentenceTranslation],
) -> list[Annotation]:
    """The annotations, each anchored translation-side one whose sentence's translation is in
    `translations` ({(block, sentence): translation}) placed on it: moved with its words, or
    an orphan when they are gone. The others, and those of an untranslated sentence, as they
    are."""
    placed = []
    for note in annotations:
        quote = note.translation
        known = (
            translations.get((note.anchor.block_index, quote.sentence_index))
            if quote is not None and note.status == ANCHORED
            else None
        )
        if known is not None:
            found = place_translation_quote(quote, known.text)
            if found is None:
                note = replace(note, status=ORPHAN)
            elif found != quote:
                note = replace(note, translation=found)
        placed.append(note)
    return placed


def on_current_translations(
    database: Database, document_id: int, annotations: list[Annotation]
) -> list[Annotation]:
    """`place_on_translations` with the document's translations from the database: the user's
    edits, then the cached machine translations of the installed models (what the window shows
    once translated). Never runs a model. Costs nothing without translation-side annotations."""
    if not any(note.translation is not None and note.status == ANCHORED for note in annotations):
        return annotations
    document = get_document(database, document_id)
    translations = cached_sentence_translations(database, document, _target(database, document_id))
    return place_on_translations(annotations, translations)


def annotate_selection(
    database: Database,
    document_id: int,
    block_index: int,
    start: int,
    end: int,
    *,
    note: str = "",
    colour: str = DEFAULT_COLOUR,
    tags: Iterable[str] = (),
    private: bool = False,
) -> Annotation:
    """The window's path: a selection in the original pane (offsets within one block's text)."""
    document = get_document(database, document_id)
    anchor = DocumentText.of(document).anchor_in_block(block_index, start, end)
    return add_annotation(
        database, document_id, anchor, note=note, colour=colour, tags=tags, private=private
    )


def annotate_translation_selection(
    database: Database,
    document_id: int,
    block_index: int,
    sentence_index: int,
    translation: SentenceTranslation,
    start: int,
    end: int,
    *,
    note: str = "",
    colour: str = DEFAULT_COLOUR,
    tags: Iterable[str] = (),
    private: bool = False,
) -> Annotation:
    """A selection in the translation pane: offsets within one sentence's translation."""
    if not 0 <= start < end <= len(translation.text):
        raise ReaderError(f"selection {start}-{end} is outside the translated sentence")
    document = get_document(database, document_id)
    source = _source_sentence_anchor(document, block_index, sentence_index)
    quote = _translation_quote(sentence_index, translation, start, end)
    return add_annotation(
        database,
        document_id,
        source,
        note=note,
        colour=colour,
        tags=tags,
        translation=quote,
        private=private,
    )


def annotate_quote(
    database: Database,
    document_id: int,
    quote: str,
    *,
    side: str = "original",
    occurrence: int | None = None,
    note: str = "",
    colour: str = DEFAULT_COLOUR,
    tags: Iterable[str] = (),
    translations: Mapping[tuple[int, int], SentenceTranslation] | None = None,
    private: bool = False,
) -> Annotation:
    """The CLI's path: anchor a quote given as text. Missing or ambiguous → `ReaderError`.

    On the translation side the quote is searched in the document's translated sentences
    (`translations`, by default those already in the database)."""
    _check_side(side)
    document = get_document(database, document_id)
    where = f"document {document_id}"
    if side == "original":
        anchor = anchor_quote(DocumentText.of(document), quote, occurrence=occurrence, where=where)
        return add_annotation(
            database, document_id, anchor, note=note, colour=colour, tags=tags, private=private
        )
    if translations is None:
        target = _target(database, document_id)
        translations = cached_sentence_translations(database, document, target)
    if not translations:
        raise ReaderError(f"document {document_id} has no translation yet: translate it first")
    (block_index, sentence_index), start = _find_in_translations(
        translations, quote.strip(), occurrence, f"the translation of {where}"
    )
    translation = translations[(block_index, sentence_index)]
    source = _source_sentence_anchor(document, block_index, sentence_index)
    located = _translation_quote(sentence_index, translation, start, start + len(quote.strip()))
    return add_annotation(
        database,
        document_id,
        source,
        note=note,
        colour=colour,
        tags=tags,
        translation=located,
        private=private,
    )


def add_annotation(
    database: Database,
    document_id: int,
    anchor: Anchor,
    *,
    note: str = "",
    colour: str = DEFAULT_COLOUR,
    tags: Iterable[str] = (),
    translation: TranslationQuote | None = None,
    private: bool = False,
) -> Annotation:
    _check_colour(colour)
    now = utc_now()
    with database.session() as session:
        document_row = session.get(DocumentRow, document_id)
        if document_row is None:
            raise UnknownDocumentError(document_id)
        annotation = Annotation(
            uuid=str(uuid_module.uuid4()),
            document_id=document_id,
            side="translation" if translation else "original",
            status=ANCHORED,
            colour=colour,
            note=note,
            tags=normalise_tags(tags),
            anchor=anchor,
            content_hash=document_row.content_hash,
            created_at=now,
            updated_at=now,
            translation=translation,
            private=private,
        )
        return _stored(session, annotation)


def update_annotation(
    database: Database,
    uuid: str,
    *,
    note: str | None = None,
    colour: str | None = None,
    tags: Iterable[str] | None = None,
    private: bool | None = None,
) -> Annotation:
    with database.session() as session:
        row = _row(session, uuid)
        if note is not None:
            row.note = note
        if private is not None:
            row.private = private
        if colour is not None:
            _check_colour(colour)
            row.colour = colour
        if tags is not None:
            wanted = normalise_tags(tags)
            if wanted != tuple(tag.tag for tag in row.tags):
                row.tags = [AnnotationTagRow(tag=tag) for tag in wanted]
        row.updated_at = utc_now()
        session.flush()
        return annotation_from_row(row)


def delete_annotation(database: Database, uuid: str) -> Annotation:
    """Delete; returns the annotation as it was, which `restore_annotation` puts back (undo)."""
    with database.session() as session:
        row = _row(session, uuid)
        annotation = annotation_from_row(row)
        session.delete(row)
        return annotation


def restore_annotation(database: Database, annotation: Annotation) -> Annotation:
    """Put back a deleted annotation with its uuid and timestamps (undo of a delete)."""
    with database.session() as session:
        if session.get(DocumentRow, annotation.document_id) is None:
            raise UnknownDocumentError(annotation.document_id)
        found = _find_row(session, annotation.uuid)
        if found is not None:
            return replace(annotation, id=found.id)
        return _stored(session, annotation)


def _stored(session: Session, annotation: Annotation) -> Annotation:
    row = row_from_annotation(annotation)
    session.add(row)
    session.flush()  # gives the row its id, and its author (on a server: the database's default)
    return replace(annotation, id=row.id, author=row.author)


def get_annotation(database: Database, uuid: str) -> Annotation:
    with database.reading() as session:
        return annotation_from_row(_row(session, uuid))


def list_annotations(
    database: Database,
    document_id: int | None = None,
    *,
    colour: str | None = None,
    tag: str | None = None,
    status: str | None = None,
    author: str | None = None,
) -> list[Annotation]:
    """In reading order (document, position), optionally filtered. Reads plain rows, not ORM
    objects: opening a document or exporting 100,000 notes must stay fast."""
    table = AnnotationRow.__table__
    query = select(*_ROW_COLUMNS)
    if document_id is not None:
        query = query.where(table.c.document_id == document_id)
    if colour is not None:
        query = query.where(table.c.colour == colour)
    if status is not None:
        query = query.where(table.c.status == status)
    if author is not None:
        query = query.where(table.c.author == author)
    if tag is not None:
        tagged = select(AnnotationTagRow.annotation_id).where(AnnotationTagRow.tag == tag.strip())
        query = query.where(table.c.id.in_(tagged))
    query = query.order_by(table.c.document_id, table.c.doc_start, table.c.id)
    with database.reading() as session:
        rows = session.execute(query).all()
        tags = _tags_of(session, query.with_only_columns(table.c.id).order_by(None))
    # a namedtuple's attributes are read in C, a Row's by name in Python: 100,000 rows tell
    plain = map(_StoredAnnotation._make, rows)
    return [annotation_from_row(row, tags.get(row.id, ())) for row in plain]


_TIMESTAMPS = ("created_at", "updated_at")
# Timestamps as stored text, parsed by datetime.fromisoformat (C): SQLAlchemy's SQLite
# processor (a regex a value) is most of the time spent listing 100,000 annotations.
_ROW_COLUMNS = [
    type_coerce(column, String).label(column.name) if column.name in _TIMESTAMPS else column
    for column in AnnotationRow.__table__.c
]

_StoredAnnotation = namedtuple("_StoredAnnotation", [column.name for column in _ROW_COLUMNS])


def _tags_of(session: Session, annotation_ids) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = {}
    rows = session.execute(
        select(AnnotationTagRow.annotation_id, AnnotationTagRow.tag)
        .where(AnnotationTagRow.annotation_id.in_(annotation_ids.scalar_subquery()))
        .order_by(AnnotationTagRow.annotation_id, AnnotationTagRow.tag)
    )
    for annotation_id, tag in rows:
        found.setdefault(annotation_id, []).append(tag)
    return {annotation_id: tuple(tags) for annotation_id, tags in found.items()}


def list_tags(database: Database, document_id: int | None = None) -> list[str]:
    query = select(AnnotationTagRow.tag).distinct().order_by(AnnotationTagRow.tag)
    if document_id is not None:
        query = query.join(AnnotationRow).where(AnnotationRow.document_id == document_id)
    with database.reading() as session:
        return list(session.scalars(query))


def delete_document_annotations(database: Database, document_id: int) -> int:
    with database.session() as session:
        result = session.execute(
            delete(AnnotationRow).where(AnnotationRow.document_id == document_id)
        )
        return result.rowcount


def normalise_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Trimmed, without empties or duplicates, sorted: tags are a set."""
    return tuple(sorted({tag.strip() for tag in tags if tag.strip()}))


def row_from_annotation(annotation: Annotation) -> AnnotationRow:
    anchor, quote = annotation.anchor, annotation.translation
    return AnnotationRow(
        uuid=annotation.uuid,
        document_id=annotation.document_id,
        side=annotation.side,
        status=annotation.status,
        colour=annotation.colour,
        note=annotation.note,
        block_index=anchor.block_index,
        start=anchor.start,
        end=anchor.end,
        doc_start=anchor.doc_start,
        doc_end=anchor.doc_end,
        exact=anchor.exact,
        prefix=anchor.prefix,
        suffix=anchor.suffix,
        content_hash=annotation.content_hash,
        sentence_index=quote.sentence_index if quote else None,
        translation_start=quote.start if quote else None,
        translation_end=quote.end if quote else None,
        translation_exact=quote.exact if quote else None,
        translation_prefix=quote.prefix if quote else None,
        translation_suffix=quote.suffix if quote else None,
        translation_origin=quote.origin if quote else None,
        created_at=annotation.created_at,
        updated_at=annotation.updated_at,
        tags=[AnnotationTagRow(tag=tag) for tag in annotation.tags],
        private=annotation.private,
        **({"author": annotation.author} if annotation.author else {}),  # else the default
    )


def annotation_from_row(row, tags: tuple[str, ...] | None = None) -> Annotation:
    """From an ORM row (tags from its relationship) or a plain row with the tags given."""
    translation = None
    if row.side == "translation" and row.translation_exact is not None:
        translation = TranslationQuote(
            sentence_index=row.sentence_index or 0,
            start=row.translation_start or 0,
            end=row.translation_end or 0,
            exact=row.translation_exact,
            prefix=row.translation_prefix or "",
            suffix=row.translation_suffix or "",
            origin=row.translation_origin or "",
        )
    return Annotation(
        uuid=row.uuid,
        document_id=row.document_id,
        side=row.side,
        status=row.status,
        colour=row.colour,
        note=row.note,
        tags=tags if tags is not None else tuple(tag.tag for tag in row.tags),
        anchor=anchor_of(row),
        content_hash=row.content_hash,
        created_at=as_utc(row.created_at),
        updated_at=as_utc(row.updated_at),
        translation=translation,
        id=row.id,
        author=row.author,
        private=bool(row.private),
    )


def _source_sentence_anchor(document: Document, block_index: int, sentence_index: int) -> Anchor:
    if not 0 <= block_index < len(document.blocks):
        raise ReaderError(f"no block {block_index} in the document")
    sentences = document.blocks[block_index].sentences
    if not 0 <= sentence_index < len(sentences):
        raise ReaderError(f"no sentence {sentence_index} in block {block_index}")
    sentence = sentences[sentence_index]
    return DocumentText.of(document).anchor_in_block(block_index, sentence.start, sentence.end)


def _translation_quote(
    sentence_index: int, translation: SentenceTranslation, start: int, end: int
) -> TranslationQuote:
    text = translation.text
    return TranslationQuote(
        sentence_index=sentence_index,
        start=start,
        end=end,
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT_CHARS) : start],
        suffix=text[end : end + CONTEXT_CHARS],
        origin=translation.origin,
    )


def _find_in_translations(
    translations: Mapping[tuple[int, int], SentenceTranslation],
    quote: str,
    occurrence: int | None,
    where: str,
) -> tuple[tuple[int, int], int]:
    if not quote:
        raise ReaderError("the quote is empty")
    found = []
    for position in sorted(translations):
        found += [(position, start) for start in find_all(translations[position].text, quote)]
    return chosen_occurrence(found, quote, where, occurrence)


def _target(database: Database, document_id: int) -> str:
    with database.reading() as session:
        row = session.get(DocumentRow, document_id)
        return (row.target_language if row else None) or "en"


def _row(session: Session, uuid: str) -> AnnotationRow:
    row = _find_row(session, uuid)
    if row is None:
        raise UnknownAnnotationError(uuid)
    return row


def _find_row(session: Session, uuid: str) -> AnnotationRow | None:
    # FOR UPDATE: a server's concurrent edits of one note wait for each other,
    # as SQLite's one writer does; SQLite ignores it.
    query = select(AnnotationRow).where(AnnotationRow.uuid == uuid).with_for_update()
    return session.scalars(query).first()


def _check_colour(colour: str) -> None:
    if colour not in COLOURS:
        raise ReaderError(f"unknown colour {colour!r}: choose one of {', '.join(COLOURS)}")


def _check_side(side: str) -> None:
    if side not in SIDES:
        raise ReaderError(f"unknown side {side!r}: choose original or translation")
