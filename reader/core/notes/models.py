"""ORM models of annotations and their tags (tables created by migration 0003)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reader.core.storage.models import Base, utc_now


class AnnotationRow(Base):
    """One annotation. Its anchor (block_index..suffix) is always on the original text: for a
    translation-side annotation it is the aligned source sentence, and the `translation_*`
    columns locate the quote inside that sentence's translation."""

    __tablename__ = "annotations"
    __table_args__ = (Index("ix_annotations_document_position", "document_id", "doc_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    side: Mapped[str] = mapped_column(String(16))  # "original" or "translation"
    status: Mapped[str] = mapped_column(String(16))  # "anchored" or "orphan"
    colour: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")  # Markdown
    block_index: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    doc_start: Mapped[int] = mapped_column(Integer)
    doc_end: Mapped[int] = mapped_column(Integer)
    exact: Mapped[str] = mapped_column(Text)
    prefix: Mapped[str] = mapped_column(Text)
    suffix: Mapped[str] = mapped_column(Text)
    # The document content the anchor was last resolved against (orphans keep the last good one).
    content_hash: Mapped[str] = mapped_column(String(64))
    sentence_index: Mapped[int | None] = mapped_column(Integer)
    translation_start: Mapped[int | None] = mapped_column(Integer)
    translation_end: Mapped[int | None] = mapped_column(Integer)
    translation_exact: Mapped[str | None] = mapped_column(Text)
    translation_prefix: Mapped[str | None] = mapped_column(Text)
    translation_suffix: Mapped[str | None] = mapped_column(Text)
    translation_origin: Mapped[str | None] = mapped_column(String)  # "code version" or "edited"
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)

    tags: Mapped[list[AnnotationTagRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="AnnotationTagRow.tag"
    )


class AnnotationTagRow(Base):
    __tablename__ = "annotation_tags"
    __table_args__ = (Index("ix_annotation_tags_tag", "tag"),)

    annotation_id: Mapped[int] = mapped_column(
        ForeignKey("annotations.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String, primary_key=True)
