"""Bookmarks: places in a document to come back to. Add, list (to jump to), rename, remove (and
undo); kept with the notes, and written by the notes export.

A bookmark marks a sentence: its block and sentence index, and that sentence's exact text. Each
listing places bookmarks on the document as it is now (after a re-import of an edited file the
indices may point elsewhere): the same sentence while its text is unchanged, else the sentence
with that text (or nearly: a typo fixed) nearest to the old place, else an orphan, which keeps
its words and its old place to jump near. Nothing is written back: the stored text stays the
reader's.

Writes return the `Changes` they made (`bookmarks`: the document's id) beside their result.
"""

from __future__ import annotations

import uuid as uuid_module
from dataclasses import dataclass, replace
from datetime import datetime

from rapidfuzz import fuzz, process
from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from reader.core.changes import Changes
from reader.core.documents import Document
from reader.core.errors import ReaderError
from reader.core.library import UnknownDocumentError, get_document
from reader.core.notes.anchoring import DocumentText, anchor_quote
from reader.core.notes.reanchor import ANCHORED, ORPHAN
from reader.core.storage.db import Database
from reader.core.storage.models import Base, BlockRow, DocumentRow, SentenceRow, as_utc, utc_now

# A sentence edited this little (0-100, rapidfuzz's ratio) is still the bookmarked one.
SIMILAR_SENTENCE = 90
LABEL_EXCERPT = 60


class BookmarkRow(Base):
    """One bookmark (table created by migration 0007)."""

    __tablename__ = "bookmarks"
    __table_args__ = (Index("ix_bookmarks_document", "document_id", "block_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    block_index: Mapped[int] = mapped_column(Integer)
    sentence_index: Mapped[int] = mapped_column(Integer)
    exact: Mapped[str] = mapped_column(Text)  # the sentence's text when it was bookmarked
    label: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class UnknownBookmarkError(ReaderError):
    def __init__(self, uuid: str):
        super().__init__(f"no bookmark {uuid}")


@dataclass(frozen=True, slots=True)
class Bookmark:
    uuid: str
    document_id: int
    block_index: int
    sentence_index: int
    exact: str
    label: str
    created_at: datetime
    status: str = ANCHORED  # ORPHAN: its sentence is no longer in the document

    @property
    def title(self) -> str:
        """The label, else the start of its sentence: what a list shows."""
        if self.label:
            return self.label
        words = " ".join(self.exact.split())
        return words if len(words) <= LABEL_EXCERPT else words[: LABEL_EXCERPT - 1] + "…"

    def to_json(self) -> dict:
        return {
            "uuid": self.uuid,
            "document_id": self.document_id,
            "block": self.block_index,
            "sentence": self.sentence_index,
            "exact": self.exact,
            "label": self.label,
            "status": self.status,
            "created_at": self.created_at.isoformat(),
        }


def add_bookmark(
    database: Database, document_id: int, block_index: int, sentence_index: int, label: str = ""
) -> tuple[Bookmark, Changes]:
    """Bookmark a sentence of a stored document (the window's path: the current sentence)."""
    exact = _sentence_text(database, document_id, block_index, sentence_index)
    bookmark = Bookmark(
        str(uuid_module.uuid4()),
        document_id,
        block_index,
        sentence_index,
        exact,
        label.strip(),
        utc_now(),
    )
    return restore_bookmark(database, bookmark)


def bookmark_quote(
    database: Database,
    document_id: int,
    quote: str,
    *,
    occurrence: int | None = None,
    label: str = "",
) -> tuple[Bookmark, Changes]:
    """Bookmark the sentence where `quote` starts (the CLI's path). Missing or ambiguous →
    `ReaderError`, as for a note."""
    document = get_document(database, document_id)
    anchor = anchor_quote(
        DocumentText.of(document), quote, occurrence=occurrence, where=f"document {document_id}"
    )
    block = document.blocks[anchor.block_index]
    sentence = next(s for s in reversed(block.sentences) if s.start <= anchor.start)
    return add_bookmark(database, document_id, block.index, sentence.index, label)


def restore_bookmark(database: Database, bookmark: Bookmark) -> tuple[Bookmark, Changes]:
    """Store `bookmark` as it is (a new one, or a removed one back: the window's undo)."""
    with database.session() as session:
        session.add(
            BookmarkRow(
                uuid=bookmark.uuid,
                document_id=bookmark.document_id,
                block_index=bookmark.block_index,
                sentence_index=bookmark.sentence_index,
                exact=bookmark.exact,
                label=bookmark.label,
                created_at=bookmark.created_at,
            )
        )
    return bookmark, _changed(bookmark)


def rename_bookmark(database: Database, uuid: str, label: str) -> tuple[Bookmark, Changes]:
    with database.session() as session:
        row = _row(session, uuid)
        row.label = label.strip()
        bookmark = _from_row(row)
    return bookmark, _changed(bookmark)


def remove_bookmark(database: Database, uuid: str) -> tuple[Bookmark, Changes]:
    """Remove it; the bookmark returned can be given to `restore_bookmark` to undo."""
    with database.session() as session:
        row = _row(session, uuid)
        bookmark = _from_row(row)
        session.delete(row)
    return bookmark, _changed(bookmark)


def stored_bookmarks(database: Database, document_id: int | None = None) -> list[Bookmark]:
    """As stored (not placed on the current text), by document and stored position."""
    query = select(BookmarkRow).order_by(
        BookmarkRow.document_id, BookmarkRow.block_index, BookmarkRow.sentence_index
    )
    if document_id is not None:
        query = query.where(BookmarkRow.document_id == document_id)
    with database.reading() as session:
        return [_from_row(row) for row in session.scalars(query)]


def list_bookmarks(database: Database, document_id: int | None = None) -> list[Bookmark]:
    """In reading order, each placed on its document as it is now (see the module)."""
    by_document: dict[int, list[Bookmark]] = {}
    for bookmark in stored_bookmarks(database, document_id):
        by_document.setdefault(bookmark.document_id, []).append(bookmark)
    placed = []
    for doc_id, bookmarks in by_document.items():
        placed += place_bookmarks(get_document(database, doc_id), bookmarks)
    return placed


def place_bookmarks(document: Document, bookmarks: list[Bookmark]) -> list[Bookmark]:
    """The bookmarks on `document`'s text (see the module), in reading order, orphans last."""
    sentences = [(block.index, s.index, s.text) for block, s in document.iter_sentences()]
    texts = [text for _, _, text in sentences]
    position = {(block, sentence): text for block, sentence, text in sentences}
    placed = []
    for bookmark in bookmarks:
        if position.get((bookmark.block_index, bookmark.sentence_index)) == bookmark.exact:
            placed.append(bookmark)
            continue
        found = _nearest_match(bookmark, sentences, texts)
        if found is None:
            last_block = max(len(document.blocks) - 1, 0)
            nearby = min(bookmark.block_index, last_block)
            placed.append(replace(bookmark, block_index=nearby, sentence_index=0, status=ORPHAN))
        else:
            block, sentence, _ = found
            placed.append(replace(bookmark, block_index=block, sentence_index=sentence))
    return sorted(placed, key=lambda b: (b.status != ANCHORED, b.block_index, b.sentence_index))


def _nearest_match(
    bookmark: Bookmark, sentences: list[tuple[int, int, str]], texts: list[str]
) -> tuple[int, int, str] | None:
    """The sentence with the bookmark's text (or nearly) nearest to its old block."""
    matches = process.extract(
        bookmark.exact, texts, scorer=fuzz.ratio, score_cutoff=SIMILAR_SENTENCE, limit=None
    )
    if not matches:
        return None
    best = max(score for _, score, _ in matches)
    candidates = [sentences[index] for _, score, index in matches if score == best]
    return min(candidates, key=lambda found: abs(found[0] - bookmark.block_index))


def _sentence_text(
    database: Database, document_id: int, block_index: int, sentence_index: int
) -> str:
    with database.reading() as session:
        found = session.execute(
            select(BlockRow.text, SentenceRow.start, SentenceRow.end)
            .join(SentenceRow, SentenceRow.block_id == BlockRow.id)
            .where(
                BlockRow.document_id == document_id,
                BlockRow.position == block_index,
                SentenceRow.position == sentence_index,
            )
        ).first()
        if found is None and session.get(DocumentRow, document_id) is None:
            raise UnknownDocumentError(document_id)
    if found is None:
        raise ReaderError(
            f"document {document_id} has no sentence {sentence_index + 1} "
            f"in paragraph {block_index + 1}"
        )
    return found.text[found.start : found.end]


def _changed(bookmark: Bookmark) -> Changes:
    return Changes(bookmarks=frozenset({bookmark.document_id}))


def _row(session: Session, uuid: str) -> BookmarkRow:
    row = session.scalars(select(BookmarkRow).where(BookmarkRow.uuid == uuid)).first()
    if row is None:
        raise UnknownBookmarkError(uuid)
    return row


def _from_row(row: BookmarkRow) -> Bookmark:
    return Bookmark(
        row.uuid,
        row.document_id,
        row.block_index,
        row.sentence_index,
        row.exact,
        row.label,
        as_utc(row.created_at),
    )
