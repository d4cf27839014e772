"""Consistent copies of the library database, made with SQLite's online backup API (which also
copies what is still in the WAL), and restoring from one."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
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


def _copy(source: Path, destination: Path) -> None:
    try:
        source_connection = sqlite3.connect(_read_only_uri(source), uri=True)
        destination_connection = sqlite3.connect(destination)
    except sqlite3.Error as error:
        raise InputError(destination, f"cannot write a database there ({error})") from error
    try:
        source_connection.backup(destination_connection)
    except sqlite3.Error as error:
        if error.sqlite_errorcode & 0xFF == sqlite3.SQLITE_FULL:
            raise InputError(destination, "disk is full") from error
        raise InputError(destination, f"copy failed ({error})") from error
    finally:
        destination_connection.close()
        source_connection.close()


def _read_only_uri(path: Path) -> str:
    # as_uri() escapes "#", "?" and "%", which SQLite would otherwise read as URI syntax.
    return path.resolve().as_uri() + "?mode=ro"


def _timestamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
