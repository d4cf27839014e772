"""Copying a whole library from one database to another: a SQLite file to a team's PostgreSQL
database and back (`bireader library migrate --to URL`), and a server's logical backup.

Every table the app's models know is copied row for row, ids included, in one snapshot of the
source and one transaction on the target: a failure leaves the target as empty as it was. The
search index is not copied: the target's triggers queue every block and note as they arrive,
and its first search indexes them."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from sqlalchemy import Table, func, insert, inspect, select, text
from sqlalchemy.orm import Session

from reader.core.errors import ReaderError
from reader.core.storage.db import Database
from reader.core.storage.models import Base

# Every module that declares tables: a table in no module here would not be copied, so a
# library holding one is refused (see `_check_known_tables`).
MODEL_MODULES = (  # every module declaring tables: a table missing here would not be copied
    "reader.core.storage.models",
    "reader.core.notes.models",
    "reader.core.notes.bookmarks",
    "reader.core.terms.models",
    "reader.core.translate.cache",
    "reader.core.vocabulary.models",
)
# What the database keeps by itself: the schema revision (set by the migrations), the search
# index with FTS5's own tables (rebuilt from the rows), SQLite's internals.
_DERIVED_PREFIXES = ("alembic_version", "search_", "sqlite_")
_CHUNK = 5000


@dataclass(frozen=True)
class Copied:
    rows: dict[str, int]  # {table: rows copied}


class TransferError(ReaderError):
    pass


def copy_library(source: Database, target: Database, *, replace: bool = False) -> Copied:
    """Copy every row of `source` into the empty library `target` (both at the newest schema,
    as `open_database` leaves them); `replace` empties the target first instead (a restore),
    in the same transaction."""
    tables = library_tables()
    with source.reading() as reading, target.session() as writing:
        _check_known_tables(source, reading, tables)
        _check_sees_everything(source, reading)
        if replace:
            _check_sees_everything(target, writing)
            _empty(writing, tables)
        else:
            _check_empty(target, writing, tables)
        copied = {table.name: _copy_table(reading, writing, table) for table in tables}
        if target.on_server:
            _advance_sequences(writing, tables)
    return Copied(copied)


def library_tables() -> list[Table]:
    """The app's tables, parents before children (foreign keys)."""
    for module in MODEL_MODULES:
        importlib.import_module(module)
    return list(Base.metadata.sorted_tables)


def _check_known_tables(source: Database, session: Session, tables: list[Table]) -> None:
    names = set(inspect(session.connection()).get_table_names()) - {t.name for t in tables}
    unknown = sorted(name for name in names if not name.startswith(_DERIVED_PREFIXES))
    if unknown:
        raise TransferError(
            f"{source.location}: table {unknown[0]} is not known to this version of Bilingual "
            "Reader, so it could not be copied; nothing was copied (update the app)"
        )


def _check_sees_everything(source: Database, session: Session) -> None:
    """Row-level security hides the others' private notes from a plain role: a copy made
    with it would silently lose them."""
    if not source.on_server:
        return
    sees_all = session.execute(
        text("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
    ).scalar_one()
    if not sees_all:
        raise TransferError(
            f"{source.location}: this role cannot see the other authors' private notes, so a "
            "copy would lose or replace them unseen; copy as the library's administrator "
            "(a role with BYPASSRLS)"
        )


def _check_empty(target: Database, session: Session, tables: list[Table]) -> None:
    for table in tables:
        if session.execute(select(select(table).exists())).scalar_one():
            raise TransferError(
                f"{target.location}: not an empty library (table {table.name} has rows); "
                "nothing was copied"
            )


def _empty(session: Session, tables: list[Table]) -> None:
    if session.get_bind().dialect.name == "postgresql":
        names = ", ".join(f'"{table.name}"' for table in tables)
        session.execute(text(f"TRUNCATE {names}, search_blocks, search_notes, search_pending"))
        return
    for table in reversed(tables):
        session.execute(table.delete())


def _copy_table(reading: Session, writing: Session, table: Table) -> int:
    rows = reading.execute(
        select(table).order_by(*table.primary_key.columns).execution_options(yield_per=_CHUNK)
    )
    count = 0
    for chunk in rows.mappings().partitions():
        writing.execute(insert(table), [dict(row) for row in chunk])
        count += len(chunk)
    return count


def _advance_sequences(session: Session, tables: list[Table]) -> None:
    """Ids were copied as they were: the server's sequences must go on after the largest."""
    for table in tables:
        key = table.autoincrement_column
        if key is None:
            continue
        session.execute(
            text(
                "SELECT setval(pg_get_serial_sequence(:table, :column), "
                f'coalesce(max("{key.name}"), 1), max("{key.name}") IS NOT NULL) '
                f'FROM "{table.name}"'
            ),
            {"table": table.name, "column": key.name},
        )


def row_counts(database: Database) -> dict[str, int]:
    with database.reading() as session:
        return {
            table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in library_tables()
        }
