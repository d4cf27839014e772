"""ORM models of annotations and their tags (tables created by migration 0003; authors and
private notes by 0010)."""

from __future__ import annotations

import getpass
import os
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reader.core.storage.models import Base, utc_now

AUTHOR_ENV = "BIREADER_AUTHOR"


def local_author() -> str:
    """Who writes notes into a SQLite library: `BIREADER_AUTHOR`, else the account's name."""
    try:
        return os.environ.get(AUTHOR_ENV) or getpass.getuser()
    except OSError:  # no name for this uid (a container)
        return ""


def _default_author(context) -> str:
    """On PostgreSQL the author is the database role (what row-level security checks a private
    note against), asked once per connection; on SQLite, the local user."""
    connection = context.root_connection
    if connection.dialect.name != "postgresql":
        return local_author()
    if "role" not in connection.info:
        connection.info["role"] = connection.exec_driver_sql("SELECT current_user").scalar_one()
    return connection.info["role"]


class AnnotationRow(Base):
    """One annotation. Its anchor (block_index..suffix) is always on the original text: for a
    translation-side annotation it is the aligned source sentence, and the `translation_*`
    columns locate the quote inside that sentence's translation."""

    __tablename__ = "annotations"
    __table_args__ = (
        Index("ix_annotations_document_position", "document_id", "doc_start"),
        Index("ix_annotations_author", "author"),
    )

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
    author: Mapped[str] = mapped_column(String, default=_default_author, server_default="")
    private: Mapped[bool] = mapped_column(default=False, server_default=false())

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
