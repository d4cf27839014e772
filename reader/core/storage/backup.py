"""Consistent copies of the library database, made with SQLite's online backup API (which also
copies what is still in the WAL), and restoring from one."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from reader.core.errors import InputError


def backup_to(source: Path, destination: Path) -> Path:
    """Copy the database at `source` to `destination`, atomically (via a temporary file)."""
    destination = destination.expanduser()
    if destination.is_dir():
        destination = destination / f"bireader-{_timestamp()}.sqlite3"
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        _copy(source, partial)
        os.chmod(partial, 0o600)
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)
    return destination


def backup_before_migration(database_file: Path, from_revision: str) -> Path:
    """The copy kept beside the database before its schema is migrated."""
    target = database_file.with_name(f"{database_file.name}.before-{from_revision}-{_timestamp()}")
    return backup_to(database_file, target)


def restore_from(backup: Path, database_file: Path) -> None:
    """Replace the library's content with a backup's, after checking the backup is sound.

    The backup API writes into the live database in one transaction, so other connections
    see either the old library or the restored one, never a mix."""
    check_backup(backup)
    _copy(backup, database_file)


def check_backup(backup: Path) -> None:
    if not backup.is_file():
        raise InputError(backup, "no such file")
    try:
        connection = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
            result = connection.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise InputError(backup, f"not a Bilingual Reader backup ({error})") from error
    if "alembic_version" not in tables or "documents" not in tables:
        raise InputError(backup, "not a Bilingual Reader backup (no library tables)")
    if result != "ok":
        raise InputError(backup, f"backup is damaged ({result})")


def _copy(source: Path, destination: Path) -> None:
    source_connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    destination_connection = sqlite3.connect(destination)
    try:
        source_connection.backup(destination_connection)
    finally:
        destination_connection.close()
        source_connection.close()


def _timestamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
