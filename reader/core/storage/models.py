"""ORM models of the library: documents, their blocks and sentences."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import ColumnElement, DateTime, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utc_now() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime | str) -> datetime:
    """SQLite hands datetimes back without their zone (or as text): they were stored in UTC."""
    if isinstance(moment, str):  # parsing with the zone is 5x faster than replace() after
        return datetime.fromisoformat(moment if "+" in moment[19:] else moment + "+00:00")
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class DocumentRow(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String)  # as imported; re-importing rewrites it
    user_title: Mapped[str | None] = mapped_column(String)  # the reader's rename, kept

    @hybrid_property
    def shown_title(self) -> str:
        return self.user_title or self.title

    @shown_title.inplace.expression
    @classmethod
    def _shown_title_expression(cls) -> ColumnElement[str]:
        return func.coalesce(cls.user_title, cls.title)

    path: Mapped[str | None] = mapped_column(String, index=True)
    format: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(16))
    target_language: Mapped[str | None] = mapped_column(String(16))
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reading_block: Mapped[int] = mapped_column(Integer, default=0)  # where the reader left off
    toc_json: Mapped[str] = mapped_column(Text, default="[]")
    ocr: Mapped[bool] = mapped_column(default=False)  # read by OCR (migration 0006)

    blocks: Mapped[list[BlockRow]] = relationship(
        back_populates="document",
        cascade="all, delete-orphan",
        order_by="BlockRow.position",
        passive_deletes=True,
    )


class BlockRow(Base):
    __tablename__ = "blocks"
    __table_args__ = (Index("ix_blocks_document_position", "document_id", "position", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    level: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)

    document: Mapped[DocumentRow] = relationship(back_populates="blocks")
    sentences: Mapped[list[SentenceRow]] = relationship(
        back_populates="block",
        cascade="all, delete-orphan",
        order_by="SentenceRow.position",
        passive_deletes=True,
    )


class SentenceRow(Base):
    __tablename__ = "sentences"
    __table_args__ = (Index("ix_sentences_block_position", "block_id", "position", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("blocks.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    # SHA-256 of the sentence's text, the key of its cached translations (migration 0004): lets
    # SQL alone tell how much of each document is translated (`reader.core.library`).
    source_hash: Mapped[str] = mapped_column(String(64))

    block: Mapped[BlockRow] = relationship(back_populates="sentences")
