"""The library: documents the user has added, stored with their blocks and sentences.

The CLI (`bireader library ...`) and the window call these same functions.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import (
    Select,
    String,
    and_,
    column,
    delete,
    exists,
    func,
    insert,
    literal_column,
    select,
    values,
)
from sqlalchemy.orm import Session

from reader.core.changes import NO_CHANGES, Changes
from reader.core.documents import Block, BlockKind, Document, Sentence, load_document
from reader.core.documents.decoding import normalise
from reader.core.errors import ReaderError
from reader.core.notes.models import AnnotationRow, AnnotationTagRow
from reader.core.notes.reanchor import reanchor_document_annotations
from reader.core.storage.db import Database, serialise
from reader.core.storage.models import BlockRow, DocumentRow, SentenceRow, as_utc, utc_now
from reader.core.translate.cache import (
    CachedTranslationRow,
    TranslationEditRow,
    carry_edits,
    sentence_hashes,
    source_hash,
)

if TYPE_CHECKING:  # the service imports the engine: not needed to list the library
    from reader.core.translate.service import TranslationService


class UnknownDocumentError(ReaderError):
    def __init__(self, document_id: int):
        super().__init__(f"no document with id {document_id} in the library")
        self.document_id = document_id


@dataclass(frozen=True)
class LibraryEntry:
    id: int
    title: str
    path: str | None
    language: str
    target_language: str | None
    format: str
    sentences: int
    added_at: datetime
    opened_at: datetime | None
    reading_block: int
    # Sentences with a translation (see `ProgressKey`); None when progress was not asked for,
    # or no model translates the document's language pair.
    translated: int | None = None
    ocr: bool = False  # its text was read by OCR
    # Filled by `list_documents_with_progress` (what the window's library shows), else empty.
    blocks: int = 0
    tags: tuple[str, ...] = ()  # of its annotations
    file_size: int | None = None  # bytes on disk; None if the file is gone

    @property
    def reading_progress(self) -> int | None:
        """How far the reader got, in % of the blocks (None: never opened)."""
        if self.opened_at is None or self.blocks == 0:
            return None
        return min(100, round(100 * self.reading_block / max(1, self.blocks - 1)))

    @property
    def changes(self) -> Changes:
        """What a write returning this entry (rename, remove) touched: its row and the list."""
        return Changes(documents=frozenset({self.id}), library=True)

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "path": self.path,
            "language": self.language,
            "target_language": self.target_language,
            "format": self.format,
            "sentences": self.sentences,
            "added_at": self.added_at.isoformat(),
            "opened_at": self.opened_at.isoformat() if self.opened_at else None,
            "reading_block": self.reading_block,
            "ocr": self.ocr,
        }


@dataclass(frozen=True)
class ProgressKey:
    """What "translated" means for the documents of one language pair, as for the reader
    (`TranslationService.cached_translations`): a sentence is translated if the cache holds a
    translation of its text by these models (`Route.key`) with these decoding options, or the
    user translated it, in this document, into the pair's target language."""

    model_key: str
    options: str


ProgressKeys = Callable[[str, str], ProgressKey | None]  # (language, target) -> key


@dataclass(frozen=True)
class AddResult:
    document_id: int
    status: str  # "added", "unchanged" or "updated"
    document: Document

    @property
    def changes(self) -> Changes:
        if self.status == "unchanged":
            return NO_CHANGES
        return Changes(documents=frozenset({self.document_id}), library=True)


def add_document(database: Database, path: str | Path, language: str = "auto") -> AddResult:
    """Import a file into the library.

    The same content again is a no-op (matched by content hash); a file already in the library
    whose content changed replaces that document's text under the same id. The file is parsed
    before the transaction starts, so a bad file writes nothing.
    """
    return store_document(database, read_document(database, path, language))


def read_document(database: Database, path: str | Path, language: str = "auto") -> Document:
    """Read and segment a file for the library (`add_document` is this, then `store_document`).

    With "auto", a text the library already holds keeps the language stored with it (detected
    then, or the user's choice); only a new text is run through the language identifier."""
    return load_document(
        path, language=language, known_language=lambda digest: stored_language(database, digest)
    )


def matching_document(
    database: Database, content_hash: str, source_path: Path | None
) -> int | None:
    """The id `store_document` would give a document with this text (`Document.content_hash`)
    read from this file (`Document.source_path`): the same text's, else the same file's."""
    with database.reading() as session:
        found = session.scalars(
            select(DocumentRow.id).where(DocumentRow.content_hash == content_hash)
        ).first()
        if found is None:
            found = session.scalars(
                select(DocumentRow.id).where(DocumentRow.path == str(source_path))
            ).first()
        return found


def stored_language(database: Database, content_hash: str) -> str | None:
    """The language of the stored document with this text (`Document.content_hash`), if any."""
    with database.reading() as session:
        return session.scalars(
            select(DocumentRow.language).where(DocumentRow.content_hash == content_hash)
        ).first()


def store_document(database: Database, document: Document) -> AddResult:
    """Store a document read by `read_document`: see `add_document`."""
    with database.session() as session:
        # Two clients importing the same text or file (on a server): one adds, one finds it.
        serialise(session, f"text {document.content_hash}", f"file {document.source_path}")
        same_content = session.scalars(
            select(DocumentRow).where(DocumentRow.content_hash == document.content_hash)
        ).first()
        if same_content is not None:
            return AddResult(same_content.id, "unchanged", document)
        same_path = session.scalars(
            select(DocumentRow).where(DocumentRow.path == str(document.source_path))
        ).first()
        if same_path is not None:
            _replace_content(session, same_path, document)
            return AddResult(same_path.id, "updated", document)
        row = DocumentRow(
            title=document.title,
            path=str(document.source_path) if document.source_path else None,
            format=document.format,
            language=document.language,
            content_hash=document.content_hash,
            reading_block=0,
            toc_json=json.dumps(document.toc, ensure_ascii=False),
            ocr=document.ocr,
        )
        session.add(row)
        session.flush()
        _insert_blocks(session, row.id, document)
        return AddResult(row.id, "added", document)


def list_documents(
    database: Database, *, progress: ProgressKeys | None = None
) -> list[LibraryEntry]:
    """Every document, by id. With `progress`, which gives the `ProgressKey` of a language pair
    (None if nothing translates it; asked once per pair), each entry also says how many of its
    sentences are translated: counted by SQL over the stored source hashes, with no document
    loaded, in the same snapshot as the sentence counts."""
    keys = _progress_keys(database, progress) if progress is not None else {}
    with database.reading() as session:
        counts = _sentence_counts(session, keys)
        rows = session.scalars(select(DocumentRow).order_by(DocumentRow.id)).all()
        return [_entry(row, *counts.get(row.id, (0, None))) for row in rows]


def list_documents_with_progress(
    database: Database, service: TranslationService
) -> list[LibraryEntry]:
    """What the window's library lists: every document, most recently opened first, with its
    translation progress as the reader would show it (the user's edits, or cached translations
    by the pair's installed models with the service's decoding options), its reading progress,
    its annotations' tags and its file's size."""
    from reader.core.translate.service import decoding_options

    options = decoding_options(service.beam_size)

    def progress_key(language: str, target_language: str) -> ProgressKey | None:
        route = service.route(language, target_language)
        return ProgressKey(route.key, options) if route is not None else None

    entries = list_documents(database, progress=progress_key)
    with database.reading() as session:
        blocks = dict(
            session.execute(
                select(BlockRow.document_id, func.count()).group_by(BlockRow.document_id)
            ).all()
        )
        tags: dict[int, list[str]] = {}
        tagged = (
            select(AnnotationRow.document_id, AnnotationTagRow.tag)
            .join(AnnotationTagRow, AnnotationTagRow.annotation_id == AnnotationRow.id)
            .distinct()
            .order_by(AnnotationRow.document_id, AnnotationTagRow.tag)
        )
        for document_id, tag in session.execute(tagged):
            tags.setdefault(document_id, []).append(tag)
    detailed = [
        replace(
            entry,
            blocks=blocks.get(entry.id, 0),
            tags=tuple(tags.get(entry.id, ())),
            file_size=_file_size(entry.path),
        )
        for entry in entries
    ]
    detailed.sort(key=_last_opened, reverse=True)
    return detailed


def _last_opened(entry: LibraryEntry) -> float:
    return as_utc(entry.opened_at).timestamp() if entry.opened_at else 0.0


def _file_size(path: str | None) -> int | None:
    try:
        return Path(path).stat().st_size if path else None
    except OSError:
        return None


def _progress_keys(
    database: Database, progress: ProgressKeys
) -> dict[tuple[str, str], ProgressKey]:
    """The key of every language pair in the library. The pairs come from one read; each
    pair's models are looked up after it (that reads the models folder, not the database)."""
    with database.reading() as session:
        pairs = session.execute(
            select(DocumentRow.language, DocumentRow.target_language)
            .where(DocumentRow.target_language.is_not(None))
            .distinct()
        ).all()
    keys = {}
    for language, target in pairs:
        key = progress(language, target)
        if key is not None:
            keys[(language, target)] = key
    return keys


def _sentence_counts(
    session: Session, keys: dict[tuple[str, str], ProgressKey]
) -> dict[int, tuple[int, int | None]]:
    """{document id: (sentences, translated sentences or None)} for every document with sentences.

    A sentence is translated if the cache holds a translation of it for its pair's key, or the
    user translated it; every occurrence of a repeated sentence counts, as in the reader. Two
    queries: one pass over the sentences probing the cache (a primary-key lookup each), then
    the edits of sentences the cache does not have, found from the edits (few) rather than by
    probing the edits for every sentence, which cost nearly as much again."""
    if not keys:
        totals = _walk_sentences(
            select(DocumentRow.id, func.count(SentenceRow.id)).select_from(DocumentRow)
        )
        return {document_id: (total, None) for document_id, total in session.execute(totals)}
    routes = (
        values(
            column("language", String),
            column("target_language", String),
            column("model_key", String),
            column("options", String),
            name="routes",
        )
        .data([(*pair, key.model_key, key.options) for pair, key in sorted(keys.items())])
        .cte()
    )
    of_document = and_(
        routes.c.language == DocumentRow.language,
        routes.c.target_language == DocumentRow.target_language,
    )
    cached = _walk_sentences(
        select(
            DocumentRow.id,
            func.count(SentenceRow.id),
            func.max(routes.c.model_key),  # NULL: no route for the document
            func.count(CachedTranslationRow.source_hash),
        ).outerjoin(routes, of_document)
    ).outerjoin(
        CachedTranslationRow,
        and_(
            CachedTranslationRow.model_key == routes.c.model_key,
            CachedTranslationRow.options == routes.c.options,
            CachedTranslationRow.source_hash == SentenceRow.source_hash,
        ),
    )
    counts: dict[int, tuple[int, int | None]] = {
        document_id: (total, found if model_key is not None else None)
        for document_id, total, model_key, found in session.execute(cached)
    }
    # Nested subqueries: SQLAlchemy correlates only with the enclosing SELECT unless told.
    in_document = (
        exists()
        .where(
            BlockRow.document_id == DocumentRow.id,
            BlockRow.position == TranslationEditRow.block_index,
            SentenceRow.block_id == BlockRow.id,
            SentenceRow.position == TranslationEditRow.sentence_index,
            SentenceRow.source_hash == TranslationEditRow.source_hash,
        )
        .correlate(DocumentRow, TranslationEditRow)
    )
    in_cache = (
        exists()
        .where(
            CachedTranslationRow.model_key == routes.c.model_key,
            CachedTranslationRow.options == routes.c.options,
            CachedTranslationRow.source_hash == TranslationEditRow.source_hash,
        )
        .correlate(routes, TranslationEditRow)
    )
    edited = (
        select(func.count())
        .where(
            TranslationEditRow.document_hash == DocumentRow.content_hash,
            TranslationEditRow.target_language == DocumentRow.target_language,
            in_document,
            ~in_cache,
        )
        .correlate(DocumentRow, routes)
        .scalar_subquery()
    )
    edits = select(DocumentRow.id, edited).join(routes, of_document)
    for document_id, more in session.execute(edits):
        total, found = counts.get(document_id, (0, None))
        if more and found is not None:
            counts[document_id] = (total, found + more)
    return counts


_ZERO = literal_column("0")  # in the SQL text: a bound parameter would hide what it is


def _walk_sentences(query: Select) -> Select:
    """`query` (over documents) joined to their blocks and sentences, grouped by document.

    The two `+ 0` keep SQLite from looking up the block and the document of every sentence by
    id: it walks documents → blocks → sentences along their indexes, in document order, so the
    GROUP BY needs no sorting either (with the cache probe, over 417,000 sentences: 0.31 s
    instead of 0.43 s for its own plan; see bench/library_scale.py)."""
    return (
        query.join(BlockRow, BlockRow.document_id == DocumentRow.id + _ZERO)
        .join(SentenceRow, SentenceRow.block_id == BlockRow.id + _ZERO)
        .group_by(DocumentRow.id)
    )


def remove_document(database: Database, document_id: int) -> LibraryEntry:
    """One DELETE: the database cascades to blocks, sentences and notes. Loading the rows into
    the session first (the ORM's cascade) took 42 s for 156k sentences under the write lock."""
    with database.session() as session:
        row = _document_row(session, document_id)
        entry = _entry(row, _sentence_count(session, document_id))
        session.execute(delete(DocumentRow).where(DocumentRow.id == document_id))
        return entry


@dataclass(frozen=True)
class RemovedDocument:
    """A removed document as it was, kept by whoever may undo the removal (the window's undo
    stack): its row, its text and its annotations. Translations and edits are keyed by the text,
    not the row, and stay in the database anyway."""

    row: dict
    document: Document
    annotations: tuple  # of notes.service.Annotation

    @property
    def changes(self) -> Changes:
        return Changes(documents=frozenset({self.row["id"]}), library=True)


_ROW_FIELDS = tuple(column.key for column in DocumentRow.__table__.columns)


def remove_restorably(database: Database, document_id: int) -> RemovedDocument:
    """`remove_document`, keeping what `restore_document` needs to put it back as it was."""
    from reader.core.notes.service import list_annotations  # notes import the library

    document = get_document(database, document_id)
    annotations = tuple(list_annotations(database, document_id))
    with database.session() as session:
        row = _document_row(session, document_id)
        kept = {name: getattr(row, name) for name in _ROW_FIELDS}
        session.execute(delete(DocumentRow).where(DocumentRow.id == document_id))
    return RemovedDocument(kept, document, annotations)


def restore_document(database: Database, removed: RemovedDocument) -> LibraryEntry:
    """Undo `remove_restorably`: the same id, title, position, dates and annotations. Fails with
    `ReaderError` if the same text was added again meanwhile (it is in the library already)."""
    from reader.core.notes.service import row_from_annotation

    document_id = removed.row["id"]
    with database.session() as session:
        if (
            session.get(DocumentRow, document_id) is not None
            or session.scalars(
                select(DocumentRow.id).where(
                    DocumentRow.content_hash == removed.document.content_hash
                )
            ).first()
        ):
            raise ReaderError(f"{removed.document.title}: already back in the library")
        session.add(DocumentRow(**removed.row))
        session.flush()
        _insert_blocks(session, document_id, removed.document)
        session.add_all(row_from_annotation(note) for note in removed.annotations)
    return get_entry(database, document_id)


def rename_document(database: Database, document_id: int, title: str) -> LibraryEntry:
    """Give a document the reader's title (kept when the file is imported again); an empty
    title goes back to the imported one."""
    title = " ".join(normalise(title).split())
    with database.session() as session:
        row = _document_row(session, document_id)
        row.user_title = title or None
        session.flush()
        return _entry(row, _sentence_count(session, document_id))


def get_document(database: Database, document_id: int) -> Document:
    """A stored document, rebuilt from the database without reading or re-segmenting the file.

    Plain rows rather than ORM objects: reopening a long book is on the reader's critical path,
    and building thousands of ORM instances costs several times more than the tuples."""
    with database.reading() as session:
        row = session.get(DocumentRow, document_id)
        if row is None:
            raise UnknownDocumentError(document_id)
        block_rows = session.execute(
            select(BlockRow.id, BlockRow.position, BlockRow.kind, BlockRow.text, BlockRow.level)
            .where(BlockRow.document_id == document_id)
            .order_by(BlockRow.position)
        ).all()
        sentence_rows = session.execute(
            select(SentenceRow.block_id, SentenceRow.position, SentenceRow.start, SentenceRow.end)
            .join(BlockRow, SentenceRow.block_id == BlockRow.id)
            .where(BlockRow.document_id == document_id)
            .order_by(SentenceRow.block_id, SentenceRow.position)
        ).all()
    spans_by_block: dict[int, list[tuple[int, int, int]]] = {}
    for block_id, position, start, end in sentence_rows:
        spans_by_block.setdefault(block_id, []).append((position, start, end))
    blocks = tuple(
        Block(
            position,
            BlockKind(kind),
            text,
            tuple(
                Sentence.of(text, index, start, end)
                for index, start, end in spans_by_block.get(block_id, ())
            ),
            level,
        )
        for block_id, position, kind, text, level in block_rows
    )
    return Document(
        title=row.shown_title,
        language=row.language,
        blocks=blocks,
        content_hash=row.content_hash,
        source_path=Path(row.path) if row.path else None,
        format=row.format,
        toc=tuple(tuple(entry) for entry in json.loads(row.toc_json)),
        ocr=row.ocr,
    )


def find_document_by_path(database: Database, path: str | Path) -> int | None:
    with database.reading() as session:
        return session.scalars(
            select(DocumentRow.id).where(DocumentRow.path == str(Path(path).resolve()))
        ).first()


def mark_opened(
    database: Database,
    document_id: int,
    *,
    reading_block: int | None = None,
    target_language: str | None = None,
) -> Changes:
    """Note the opening (the library's "last opened" and progress change with it)."""
    with database.session() as session:
        row = _document_row(session, document_id)
        row.opened_at = utc_now()
        if reading_block is not None:
            row.reading_block = reading_block
        if target_language is not None:
            row.target_language = target_language
    return Changes(library=True)


def _document_row(session: Session, document_id: int) -> DocumentRow:
    row = session.get(DocumentRow, document_id)
    if row is None:
        raise UnknownDocumentError(document_id)
    return row


def _replace_content(session: Session, row: DocumentRow, document: Document) -> None:
    reanchor_document_annotations(session, row, document)  # needs the old blocks: first
    carry_edits(session, row.content_hash, document.content_hash, sentence_hashes(document))
    session.execute(delete(BlockRow).where(BlockRow.document_id == row.id))  # sentences cascade
    session.expire(row, ["blocks"])
    _insert_blocks(session, row.id, document)
    row.title = document.title
    row.format = document.format
    row.language = document.language
    row.content_hash = document.content_hash
    row.toc_json = json.dumps(document.toc, ensure_ascii=False)
    row.ocr = document.ocr
    row.updated_at = utc_now()
    row.reading_block = min(row.reading_block, len(document.blocks) - 1)


def _insert_blocks(session: Session, document_id: int, document: Document) -> None:
    """Bulk inserts (Core, not ORM objects): a book has thousands of sentences, and building an
    ORM instance for each made importing several times slower. In chunks, so that the rows'
    parameters never all exist at once (they cost more memory than the document itself)."""
    blocks = document.blocks
    for start in range(0, len(blocks), _INSERT_CHUNK_BLOCKS):
        _insert_block_chunk(session, document_id, blocks[start : start + _INSERT_CHUNK_BLOCKS])


_INSERT_CHUNK_BLOCKS = 2000


def _insert_block_chunk(session: Session, document_id: int, blocks: tuple[Block, ...]) -> None:
    block_ids = session.scalars(
        insert(BlockRow).returning(BlockRow.id, sort_by_parameter_order=True),
        [
            {
                "document_id": document_id,
                "position": block.index,
                "kind": str(block.kind),
                "level": block.level,
                "text": _unshared_copy(block.text),
            }
            for block in blocks
        ],
    ).all()
    sentences = [
        {
            "block_id": block_id,
            "position": s.index,
            "start": s.start,
            "end": s.end,
            "source_hash": source_hash(s.text),
        }
        for block_id, block in zip(block_ids, blocks, strict=True)
        for s in block.sentences
    ]
    if sentences:
        session.execute(insert(SentenceRow), sentences)


def _unshared_copy(text: str) -> str:
    """A copy of `text` for the driver to bind. sqlite3 binds a str through PyUnicode_AsUTF8,
    which caches the UTF-8 form inside the str for as long as it lives: binding the document's
    own texts would keep a second copy of the whole book beside the `Document`."""
    return text.encode().decode()


def _entry(row: DocumentRow, sentences: int, translated: int | None = None) -> LibraryEntry:
    return LibraryEntry(
        id=row.id,
        title=row.shown_title,
        path=row.path,
        language=row.language,
        target_language=row.target_language,
        format=row.format,
        sentences=sentences,
        added_at=row.added_at,
        opened_at=row.opened_at,
        reading_block=row.reading_block,
        translated=translated,
        ocr=row.ocr,
    )


def get_entry(database: Database, document_id: int) -> LibraryEntry:
    """One library entry (title, languages, reading position...) without loading its text."""
    with database.reading() as session:
        row = _document_row(session, document_id)
        return _entry(row, _sentence_count(session, document_id))


def _sentence_count(session: Session, document_id: int) -> int:
    count = session.scalar(
        select(func.count(SentenceRow.id))
        .join(BlockRow, SentenceRow.block_id == BlockRow.id)
        .where(BlockRow.document_id == document_id)
    )
    return count or 0
