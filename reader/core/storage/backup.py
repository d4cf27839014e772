"""Consistent copies of the library database, made with SQLite's online backup API (which also
copies what is still in the WAL), and restoring from one.

A team library on PostgreSQL is backed up the same way, as a logical export: its rows copied
from one snapshot into a new SQLite library file (`reader.core.storage.transfer`), so that every
backup is the same kind of file, checked the same way, and restorable into either engine."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from reader.core.errors import InputError
from reader.core.files import writing


def backup_to(source: Path, destination: Path) -> Path:
    """Copy the database at `source` to `destination`, whole or not at all: a file (replaced
    atomically), a folder (a dated copy goes in it), or a stream such as `-` or a FIFO (see
    `reader.core.files.writing`). The copy is readable by the user only."""
    destination = destination.expanduser()
    if destination.is_dir():
        destination = destination / f"bireader-{_timestamp()}.sqlite3"
    with writing(destination) as partial:
        try:
            _copy(source, partial)
        except InputError as error:  # name the file the user asked for, not the temporary one
            raise InputError(destination, error.problem) from error
    return destination


def backup_server_to(database, destination: Path) -> Path:
    """`backup_to` for a library on a server (a `Database` with no file)."""
    from reader.core.storage.db import open_database  # db imports this module
    from reader.core.storage.transfer import copy_library

    with tempfile.TemporaryDirectory(prefix="bireader-export-") as folder:
        export = Path(folder) / "library.sqlite3"
        copy = open_database(export)
        try:
            copy_library(database, copy)
        finally:
            copy.close()
        return backup_to(export, destination)


def restore_server_from(backup: Path, database, known_revisions: set[str]) -> Path:
    """`restore_from` for a library on a server: the backup checked as any, migrated to the
    newest schema in a temporary copy, its rows replacing the server's in one transaction.
    The server's library is exported first, into the data folder; returns that file."""
    from reader.core import paths
    from reader.core.storage.db import open_database
    from reader.core.storage.transfer import copy_library

    revision = check_backup(backup)
    if revision not in known_revisions:
        raise InputError(
            backup, f"written by a newer version of Bilingual Reader (schema {revision})"
        )
    check_backup_schema(backup, revision)
    kept = backup_server_to(
        database, paths.data_dir() / f"server-library.before-restore-{_timestamp()}.sqlite3"
    )
    with tempfile.TemporaryDirectory(prefix="bireader-restore-") as folder:
        migrated = Path(folder) / "library.sqlite3"
        _copy(backup, migrated)
        source = open_database(migrated)
        try:
            copy_library(source, database, replace=True)
        finally:
            source.close()
    return kept


def backup_before_migration(database_file: Path, from_revision: str) -> Path:
    """The copy kept beside the database before its schema is migrated."""
    target = database_file.with_name(f"{database_file.name}.before-{from_revision}-{_timestamp()}")
    return backup_to(database_file, target)


def restore_from(backup: Path, database_file: Path, known_revisions: set[str]) -> Path:
    """Replace the library's content with a backup's, after checking the backup is sound and
    that this version can read it; the current library is kept beside it first. Returns that
    copy's path.

    The backup API writes into the live database in one transaction, so other connections
    see either the old library or the restored one, never a mix."""
    revision = check_backup(backup)
    if revision not in known_revisions:
        raise InputError(
            backup, f"written by a newer version of Bilingual Reader (schema {revision})"
        )
    check_backup_schema(backup, revision)
    kept = backup_to(
        database_file,
        database_file.with_name(f"{database_file.name}.before-restore-{_timestamp()}"),
    )
    _copy(backup, database_file)
    return kept


def check_backup(backup: Path) -> str:
    """Refuse what is not a sound library database; return its schema revision."""
    if not backup.is_file():
        raise InputError(backup, "no such file")
    try:
        connection = sqlite3.connect(_read_only_uri(backup), uri=True)
        try:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
            result = connection.execute("PRAGMA integrity_check").fetchone()[0]
            revision = None
            if "alembic_version" in tables:
                revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise InputError(backup, f"not a Bilingual Reader backup ({error})") from error
    if "alembic_version" not in tables or "documents" not in tables:
        raise InputError(backup, "not a Bilingual Reader backup (no library tables)")
    if result != "ok":
        raise InputError(backup, f"backup is damaged ({result})")
    if not revision:
        raise InputError(backup, "not a Bilingual Reader backup (no schema version)")
    return revision[0]


def check_backup_schema(backup: Path, revision: str) -> None:
    """Refuse a backup whose schema is not exactly what the migrations create at its revision:
    every table (columns with their types, nullability, defaults and keys; foreign keys;
    unique constraints), index, trigger and view. A changed column makes every later command
    fail; a trigger or view the app did not create would run or answer in its place."""
    try:
        with _read_only(backup) as connection:
            found = read_schema(connection)
    except sqlite3.DatabaseError as error:
        raise InputError(backup, f"not a Bilingual Reader backup ({error})") from error
    difference = first_difference(_schema_at(revision), found)
    if difference is not None:
        raise InputError(
            backup,
            f"not the schema of a Bilingual Reader library (revision {revision}): {difference}",
        )


@dataclass(frozen=True)
class SchemaObject:
    kind: str  # "table", "virtual table", "index", "trigger" or "view"
    detail: tuple  # what defines it, comparable (see `read_schema`)


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    not_null: bool
    default: str | None
    primary_key: int  # its place in the primary key, 0 if not part of it
    hidden: int  # 0, or a virtual table's hidden or a generated column


def read_schema(connection: sqlite3.Connection) -> dict[str, SchemaObject]:
    """{name: object} of a database, from `sqlite_master` and the schema pragmas (pragmas rather
    than the CREATE text, which depends on the SQLAlchemy version that wrote it). Statistics are
    left out, and autoindexes are compared as their table's constraints; anything else named
    `sqlite_...` (only a hand-edited schema has one) is compared, hence refused."""
    objects = {}
    rows = connection.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE NOT ("
        " name LIKE 'sqlite^_stat%' ESCAPE '^'"  # what ANALYZE gathered
        " OR type = 'index' AND name LIKE 'sqlite^_autoindex^_%' ESCAPE '^')"
    )
    for kind, name, table, sql in rows.fetchall():
        if kind == "table" and _normalised(sql).upper().startswith("CREATE VIRTUAL TABLE"):
            objects[name] = SchemaObject("virtual table", (_normalised(sql),))
        elif kind == "table":
            objects[name] = SchemaObject("table", _table_detail(connection, name))
        elif kind == "index":
            objects[name] = SchemaObject("index", _index_detail(connection, table, name, sql))
        else:  # trigger, view: what they do is their SQL
            objects[name] = SchemaObject(kind, (table, _normalised(sql)))
    return objects


def _table_detail(connection: sqlite3.Connection, table: str) -> tuple:
    columns = tuple(
        Column(name, type_.upper(), bool(not_null), default, primary_key, hidden)
        for _, name, type_, not_null, default, primary_key, hidden in connection.execute(
            "SELECT * FROM pragma_table_xinfo(?)", (table,)
        )
    )
    foreign_keys = tuple(
        sorted(
            connection.execute(
                'SELECT "table", "from", "to", on_update, on_delete, match '
                "FROM pragma_foreign_key_list(?)",
                (table,),
            )
        )
    )
    constraints = tuple(  # UNIQUE and PRIMARY KEY constraints, through their autoindexes
        sorted(
            (origin, unique, _index_columns(connection, name))
            for name, unique, origin in connection.execute(
                "SELECT name, \"unique\", origin FROM pragma_index_list(?) WHERE origin != 'c'",
                (table,),
            )
        )
    )
    return columns, foreign_keys, constraints


def _index_detail(connection: sqlite3.Connection, table: str, name: str, sql: str | None) -> tuple:
    (unique,) = connection.execute(
        'SELECT "unique" FROM pragma_index_list(?) WHERE name = ?', (table, name)
    ).fetchone()
    where = _normalised(sql).partition(" WHERE ")[2] if sql else ""  # a partial index
    return table, unique, _index_columns(connection, name), where


def _index_columns(connection: sqlite3.Connection, index: str) -> tuple:
    return tuple(
        connection.execute(
            'SELECT name, "desc", coll FROM pragma_index_xinfo(?) WHERE key ORDER BY seqno',
            (index,),
        )
    )


def _normalised(sql: str | None) -> str:
    return " ".join((sql or "").split())


def first_difference(
    expected: dict[str, SchemaObject], found: dict[str, SchemaObject]
) -> str | None:
    """The first way `found` differs from `expected`, said in a few words; None if it does not."""
    for name in sorted(expected.keys() | found.keys()):
        want, have = expected.get(name), found.get(name)
        if have is None:
            return f"no {want.kind} {name}"
        if want is None:
            return f"an unexpected {have.kind} {name}"
        if have.kind != want.kind:
            return f"{name} is a {have.kind}, not a {want.kind}"
        if have.detail != want.detail:
            if want.kind == "table":
                return f"table {name}: {_table_difference(want.detail, have.detail)}"
            return f"{want.kind} {name} is not the one the app creates"
    return None


def _table_difference(expected: tuple, found: tuple) -> str:
    want_columns = {column.name: column for column in expected[0]}
    have_columns = {column.name: column for column in found[0]}
    missing = sorted(want_columns.keys() - have_columns.keys())
    if missing:
        return f"no column {missing[0]}"
    unexpected = sorted(have_columns.keys() - want_columns.keys())
    if unexpected:
        return f"an unexpected column {unexpected[0]}"
    for name, want in want_columns.items():
        have = have_columns[name]
        for field in ("type", "not_null", "default", "primary_key", "hidden"):
            if getattr(have, field) != getattr(want, field):
                return (
                    f"column {name}: {field.replace('_', ' ')} is {getattr(have, field)!r}, "
                    f"expected {getattr(want, field)!r}"
                )
    if found[0] != expected[0]:
        return "its columns are in another order"
    if found[1] != expected[1]:
        return "its foreign keys differ"
    return "its unique or primary key constraints differ"


@lru_cache
def _schema_at(revision: str) -> dict[str, SchemaObject]:
    """The schema the migrations create at `revision`, in a new database of a temporary
    folder (about a second: once per revision and process)."""
    from reader.core.storage.db import create_schema_at  # db imports this module

    with tempfile.TemporaryDirectory(prefix="bireader-schema-") as folder:
        reference = Path(folder) / "reference.sqlite3"
        create_schema_at(reference, revision)
        with _read_only(reference) as connection:
            return read_schema(connection)


@contextmanager
def _read_only(path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(_read_only_uri(path), uri=True)
    try:
        yield connection
    finally:
        connection.close()


def _copy(source: Path, destination: Path) -> None:
    try:
        with (
            closing(sqlite3.connect(_read_only_uri(source), uri=True)) as source_connection,
            closing(sqlite3.connect(destination)) as destination_connection,
        ):
            _backup(source_connection, destination_connection, destination)
    except sqlite3.Error as error:
        raise InputError(destination, f"cannot write a database there ({error})") from error


def _backup(source: sqlite3.Connection, destination: sqlite3.Connection, path: Path) -> None:
    try:
        source.backup(destination)
    except sqlite3.Error as error:
        if error.sqlite_errorcode & 0xFF == sqlite3.SQLITE_FULL:
            raise InputError(path, "disk is full") from error
        raise InputError(path, f"copy failed ({error})") from error


def _read_only_uri(path: Path) -> str:
    # as_uri() escapes "#", "?" and "%", which SQLite would otherwise read as URI syntax.
    return path.resolve().as_uri() + "?mode=ro"


def _timestamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
