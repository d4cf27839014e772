import os
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest
from alembic import command

from reader.core import paths
from reader.core.errors import InputError
from reader.core.library import add_document, list_documents, remove_document
from reader.core.storage import open_database
from reader.core.storage.backup import backup_to, restore_from
from reader.core.storage.db import (
    Database,
    SchemaTooNewError,
    UnusableLibraryError,
    alembic_config,
    known_revisions,
)
from tests.conftest import SAMPLE


def _titles(database) -> list[str]:
    return [entry.title for entry in list_documents(database)]


def test_backup_then_restore_brings_back_removed_documents(tmp_path: Path) -> None:
    database = open_database()
    document_id = add_document(database, SAMPLE).document_id
    before = _titles(database)
    copy = backup_to(database.path, tmp_path / "copy.sqlite3")
    remove_document(database, document_id)
    assert _titles(database) == []
    kept = restore_from(copy, database.path, known_revisions())
    assert _titles(database) == before
    with sqlite3.connect(kept) as connection:  # the library as it was just before the restore
        assert connection.execute("SELECT count(*) FROM documents").fetchone() == (0,)


def test_backup_includes_committed_rows_still_in_the_wal(tmp_path: Path) -> None:
    database = open_database()
    add_document(database, SAMPLE)  # committed, not yet checkpointed into the main file
    assert Path(f"{database.path}-wal").stat().st_size > 0
    copy = backup_to(database.path, tmp_path)
    with sqlite3.connect(copy) as connection:
        assert connection.execute("SELECT count(*) FROM documents").fetchone()[0] == 1


@pytest.mark.parametrize("content", [b"not a database at all", None])
def test_restore_refuses_what_is_not_a_library_backup(tmp_path: Path, content) -> None:
    database = open_database()
    add_document(database, SAMPLE)
    bogus = tmp_path / "bogus.sqlite3"
    if content is None:
        sqlite3.connect(bogus).execute("CREATE TABLE other (x)").connection.close()
    else:
        bogus.write_bytes(content)
    with pytest.raises(InputError, match=r"bogus\.sqlite3: not a Bilingual Reader backup"):
        restore_from(bogus, database.path, known_revisions())
    assert len(_titles(database)) == 1


def test_migrating_an_older_schema_keeps_a_backup_first() -> None:
    path = paths.database_path()
    old = Database(path)
    with old.engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    with old.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO documents (title, format, language, content_hash, added_at, updated_at,"
            " reading_block, toc_json) VALUES ('kept', 'txt', 'vi', 'h', '2024-01-01',"
            " '2024-01-01', 0, '[]')"
        )
    old.close()
    database = open_database()
    [backup] = list(path.parent.glob(f"{path.name}.before-0001-*"))
    with sqlite3.connect(backup) as connection:
        assert connection.execute("SELECT title FROM documents").fetchall() == [("kept",)]
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    assert _titles(database) == ["kept"]


def test_a_newer_schema_is_refused_and_left_untouched() -> None:
    open_database().close()
    path = paths.database_path()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(SchemaTooNewError, match="newer version"):
        open_database()
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("9999",)


def test_cli_backup_and_restore(tmp_path: Path) -> None:
    def bireader(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "reader", *args], capture_output=True, text=True, timeout=120
        )

    assert bireader("library", "add", str(SAMPLE)).returncode == 0
    out = tmp_path / "b.sqlite3"
    assert bireader("backup", str(out)).returncode == 0 and out.is_file()
    assert bireader("library", "remove", "1").returncode == 0
    restored = bireader("restore", str(out))
    assert restored.returncode == 0, restored.stderr
    assert "Tình hình" in bireader("library", "list").stdout
    refused = bireader("restore", str(tmp_path / "nothing.sqlite3"))
    assert refused.returncode == 2 and "nothing.sqlite3: no such file" in refused.stderr


def test_a_backup_from_a_newer_version_is_refused_before_touching_the_library(tmp_path) -> None:
    database = open_database()
    add_document(database, SAMPLE)
    newer = backup_to(database.path, tmp_path / "newer.sqlite3")
    with sqlite3.connect(newer) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(InputError, match=r"newer\.sqlite3: written by a newer version"):
        restore_from(newer, database.path, known_revisions())
    assert len(_titles(database)) == 1


def test_paths_with_uri_characters_are_backed_up_whole(tmp_path: Path) -> None:
    home = tmp_path / "odd#name?%20"
    home.mkdir()
    source = Database(home / "library.sqlite3")
    source.close()
    database = open_database(home / "library.sqlite3")
    add_document(database, SAMPLE)
    copy = backup_to(database.path, tmp_path / "copy#1.sqlite3")
    with sqlite3.connect(copy) as connection:
        assert connection.execute("SELECT count(*) FROM documents").fetchone() == (1,)
    assert not (tmp_path / "odd").exists()


def test_a_damaged_library_is_one_clear_error(tmp_path: Path) -> None:
    path = paths.database_path()
    path.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(UnusableLibraryError, match=r"cannot be used .*bireader restore"):
        open_database()


def test_backup_into_a_missing_folder_is_refused(tmp_path: Path) -> None:
    database = open_database()
    with pytest.raises(InputError, match="its folder does not exist"):
        backup_to(database.path, tmp_path / "missing" / "x.sqlite3")


# --- where the backup goes: streams, devices, links, folders, modes, leftovers ------------------


def _documents_in(copy: Path) -> int:
    with closing(sqlite3.connect(copy)) as connection:
        return connection.execute("SELECT count(*) FROM documents").fetchone()[0]


def test_backup_through_a_symlink_replaces_the_file_and_keeps_the_link(tmp_path: Path) -> None:
    database = open_database()
    add_document(database, SAMPLE)
    real = tmp_path / "backups" / "latest.sqlite3"
    real.parent.mkdir()
    real.write_bytes(b"an older backup")
    link = tmp_path / "latest.sqlite3"
    link.symlink_to(real)
    previous = os.umask(0)
    try:
        assert backup_to(database.path, link) == link
    finally:
        os.umask(previous)
    assert link.is_symlink() and _documents_in(real) == 1
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert sorted(path.name for path in real.parent.iterdir()) == ["latest.sqlite3"]


def test_backup_into_a_fifo_is_a_whole_database_for_its_reader(tmp_path: Path) -> None:
    database = open_database()
    add_document(database, SAMPLE)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    copy = tmp_path / "from-the-pipe.sqlite3"
    reader = threading.Thread(target=lambda: copy.write_bytes(fifo.read_bytes()))
    reader.start()
    backup_to(database.path, fifo)
    reader.join(timeout=60)
    assert stat.S_ISFIFO(fifo.stat().st_mode) and _documents_in(copy) == 1


def test_backup_to_dev_null_leaves_the_device_and_no_spool_file(bireader_home: Path) -> None:
    database = open_database()
    before = os.stat("/dev/null")
    backup_to(database.path, Path("/dev/null"))
    assert os.stat("/dev/null").st_ino == before.st_ino
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert not list(bireader_home.glob("*.partial*"))


def test_backup_to_a_full_disk_is_one_line_and_leaves_nothing(bireader_home: Path) -> None:
    database = open_database()
    with pytest.raises(InputError, match=r"^/dev/full: disk is full$"):
        backup_to(database.path, Path("/dev/full"))
    assert not list(bireader_home.glob("*.partial*"))


def test_cli_backup_to_stdout_and_bad_targets(tmp_path: Path) -> None:
    def bireader(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "reader", *args], capture_output=True, timeout=120
        )

    assert bireader("library", "add", str(SAMPLE)).returncode == 0
    streamed = bireader("backup", "-")
    assert streamed.returncode == 0 and streamed.stderr.decode().strip() == "-"
    copy = tmp_path / "streamed.sqlite3"
    copy.write_bytes(streamed.stdout)
    assert _documents_in(copy) == 1
    plain = tmp_path / "not-a-folder"
    plain.write_text("x")
    refused = bireader("backup", str(plain / "b.sqlite3"))
    assert refused.returncode == 2
    assert (
        refused.stderr.decode() == f"bireader: {plain / 'b.sqlite3'}: its folder does not exist\n"
    )


def test_what_a_killed_backup_or_restore_left_goes_when_the_library_next_opens() -> None:
    database = open_database()
    database.close()
    folder = paths.database_path().parent
    leftover = folder / ".library.sqlite3.before-restore-20260101T000000Z.partial"
    leftover.write_bytes(b"raw library pages")
    journal = folder / f"{leftover.name}-journal"
    journal.write_bytes(b"journal")
    an_hour_ago = time.time() - 3600
    for path in (leftover, journal):
        os.utime(path, (an_hour_ago, an_hour_ago))
    open_database().close()
    assert not leftover.exists() and not journal.exists()
