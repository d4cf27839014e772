"""ORM rows of the terms: the glossary (per language pair) and each document's expansion
switches (migration 0008). Documents are named by their content hash, as the user's
translations are: the switches hold for a file translated from the command line too."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from reader.core.storage.models import Base, utc_now


class GlossaryEntryRow(Base):
    __tablename__ = "glossary_entries"
    __table_args__ = (UniqueConstraint("source_language", "target_language", "source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_language: Mapped[str] = mapped_column(String(16))
    target_language: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String)
    target: Mapped[str | None] = mapped_column(String)  # None: keep the source term as it is
    case_sensitive: Mapped[bool] = mapped_column(default=False)
    accent_sensitive: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class DocumentTermSettingsRow(Base):
    """A document whose abbreviations are not expanded at all (no row: they are)."""

    __tablename__ = "document_term_settings"

    document_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    expand_abbreviations: Mapped[bool] = mapped_column(default=True)


class DisabledAbbreviationRow(Base):
    """One abbreviation a document keeps short in the text the model receives."""

    __tablename__ = "disabled_abbreviations"

    document_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    abbreviation: Mapped[str] = mapped_column(String, primary_key=True)
