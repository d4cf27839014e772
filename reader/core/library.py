"""The library: documents the user has added, stored with their blocks and sentences.

The CLI (`bireader library ...`) and the window call these same functions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from reader.core.documents import Block, BlockKind, Document, Sentence, load_document
from reader.core.errors import ReaderError
from reader.core.notes.reanchor import reanchor_document_annotations
from reader.core.storage.db import Database
from reader.core.storage.models import BlockRow, DocumentRow, SentenceRow, utc_now
from reader.core.translate.cache import carry_edits, sentence_hashes


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
        }


@dataclass(frozen=True)
class AddResult:
    document_id: int
    status: str  # "added", "unchanged" or "updated"
    document: Document


def add_document(database: Database, path: str | Path, language: str = "auto") -> AddResult:
    """Import a file into the library.

    The same content again is a no-op (matched by content hash); a file already in the library
    whose content changed replaces that document's text under the same id. The file is parsed
    before the transaction starts, so a bad file writes nothing.
    """
    document = load_document(path, language=language)
    with database.session() as session:
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
        )
        session.add(row)
        session.flush()
        _insert_blocks(session, row.id, document)
        return AddResult(row.id, "added", document)


def list_documents(database: Database) -> list[LibraryEntry]:
    with database.session() as session:
        counts = dict(
            session.execute(
                select(BlockRow.document_id, func.count(SentenceRow.id))
                .join(SentenceRow, SentenceRow.block_id == BlockRow.id)
                .group_by(BlockRow.document_id)
            ).all()
        )
        rows = session.scalars(select(DocumentRow).order_by(DocumentRow.id)).all()
        return [_entry(row, counts.get(row.id, 0)) for row in rows]


def remove_document(database: Database, document_id: int) -> LibraryEntry:
    with database.session() as session:
        row = _document_row(session, document_id)
        entry = _entry(row, sum(len(block.sentences) for block in row.blocks))
        session.delete(row)
        return entry


def get_document(database: Database, document_id: int) -> Document:
    """A stored document, rebuilt from the database without reading or re-segmenting the file.

    Plain rows rather than ORM objects: reopening a long book is on the reader's critical path,
    and building thousands of ORM instances costs several times more than the tuples."""
    with database.session() as session:
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
                Sentence(index, start, end, text[start:end])
                for index, start, end in spans_by_block.get(block_id, ())
            ),
            level,
        )
        for block_id, position, kind, text, level in block_rows
    )
    return Document(
        title=row.title,
        language=row.language,
        blocks=blocks,
        content_hash=row.content_hash,
        source_path=Path(row.path) if row.path else None,
        format=row.format,
        toc=tuple(tuple(entry) for entry in json.loads(row.toc_json)),
    )


def find_document_by_path(database: Database, path: str | Path) -> int | None:
    with database.session() as session:
        return session.scalars(
            select(DocumentRow.id).where(DocumentRow.path == str(Path(path).resolve()))
        ).first()


def mark_opened(
    database: Database,
    document_id: int,
    *,
    reading_block: int | None = None,
    target_language: str | None = None,
) -> None:
    with database.session() as session:
        row = _document_row(session, document_id)
        row.opened_at = utc_now()
        if reading_block is not None:
            row.reading_block = reading_block
        if target_language is not None:
            row.target_language = target_language


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
    row.updated_at = utc_now()
    row.reading_block = min(row.reading_block, len(document.blocks) - 1)


def _insert_blocks(session: Session, document_id: int, document: Document) -> None:
    """Bulk inserts (Core, not ORM objects): a book has thousands of sentences, and building an
    ORM instance for each made importing several times slower."""
    if not document.blocks:
        return
    block_ids = session.scalars(
        insert(BlockRow).returning(BlockRow.id, sort_by_parameter_order=True),
        [
            {
                "document_id": document_id,
                "position": block.index,
                "kind": str(block.kind),
                "level": block.level,
                "text": block.text,
            }
            for block in document.blocks
        ],
    ).all()
    sentences = [
        {"block_id": block_id, "position": s.index, "start": s.start, "end": s.end}
        for block_id, block in zip(block_ids, document.blocks, strict=True)
        for s in block.sentences
    ]
    if sentences:
        session.execute(insert(SentenceRow), sentences)


def _entry(row: DocumentRow, sentences: int) -> LibraryEntry:
    return LibraryEntry(
        id=row.id,
        title=row.title,
        path=row.path,
        language=row.language,
        target_language=row.target_language,
        format=row.format,
        sentences=sentences,
        added_at=row.added_at,
        opened_at=row.opened_at,
        reading_block=row.reading_block,
    )


def get_entry(database: Database, document_id: int) -> LibraryEntry:
    """One library entry (title, languages, reading position...) without loading its text."""
    with database.session() as session:
        row = _document_row(session, document_id)
        count = session.scalar(
            select(func.count(SentenceRow.id))
            .join(BlockRow, SentenceRow.block_id == BlockRow.id)
            .where(BlockRow.document_id == document_id)
        )
        return _entry(row, count or 0)
