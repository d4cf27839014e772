"""ORM model of the vocabulary list (table created by migration 0009)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from reader.core.storage.models import Base, utc_now


class VocabularyRow(Base):
    __tablename__ = "vocabulary"
    __table_args__ = (Index("ix_vocabulary_document", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    word: Mapped[str] = mapped_column(Text)
    definition: Mapped[str] = mapped_column(Text, default="")  # plain text, as exported
    sentence: Mapped[str] = mapped_column(Text, default="")
    translation: Mapped[str] = mapped_column(Text, default="")  # the sentence's
    document_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("documents.id", ondelete="SET NULL")
    )
    source: Mapped[str] = mapped_column(Text, default="")  # the document's title when saved
    language: Mapped[str] = mapped_column(String(16), default="")  # the word's
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
