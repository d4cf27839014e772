"""Which abbreviations a document expands for the model: all of them unless the reader turned
the document's expansion off, or one abbreviation's."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.dialects.sqlite import insert

from reader.core.storage.db import Database
from reader.core.terms.models import DisabledAbbreviationRow, DocumentTermSettingsRow


@dataclass(frozen=True)
class ExpansionSettings:
    expand: bool = True  # the document's switch
    disabled: frozenset[str] = frozenset()  # abbreviations kept short

    def expands(self, abbreviation: str) -> bool:
        return self.expand and abbreviation not in self.disabled


def expansion_settings(database: Database, document_hash: str) -> ExpansionSettings:
    with database.reading() as session:
        row = session.get(DocumentTermSettingsRow, document_hash)
        disabled = session.scalars(
            select(DisabledAbbreviationRow.abbreviation).where(
                DisabledAbbreviationRow.document_hash == document_hash
            )
        )
        return ExpansionSettings(row is None or row.expand_abbreviations, frozenset(disabled))


def set_document_expansion(database: Database, document_hash: str, expand: bool) -> None:
    statement = insert(DocumentTermSettingsRow).values(
        document_hash=document_hash, expand_abbreviations=expand
    )
    with database.session() as session:
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["document_hash"], set_={"expand_abbreviations": expand}
            )
        )


def set_abbreviation_expansion(
    database: Database, document_hash: str, abbreviation: str, expand: bool
) -> None:
    with database.session() as session:
        if expand:
            session.execute(
                delete(DisabledAbbreviationRow).where(
                    DisabledAbbreviationRow.document_hash == document_hash,
                    DisabledAbbreviationRow.abbreviation == abbreviation,
                )
            )
        else:
            session.execute(
                insert(DisabledAbbreviationRow)
                .values(document_hash=document_hash, abbreviation=abbreviation)
                .on_conflict_do_nothing()
            )
