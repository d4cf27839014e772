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

from reader.cli import main
from reader.core import paths
from reader.core.errors import InputError, ReaderWarning
from reader.core.library import add_document, list_documents, remove_document
from reader.core.storage import open_database
from reader.core.storage.backup import backup_to, restore_from
from reader.core.storage.db import (
    Database,
    SchemaTooNewError,
    UnusableLibraryError,
    alembic_config,
    create_schema_at,
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


# --- restore compares the backup's whole schema with the migrations' ---------------------------

_TAGS_WITHOUT_FOREIGN_KEY = (
    "ALTER TABLE annotation_tags RENAME TO old_tags;"
    "CREATE TABLE annotation_tags (annotation_id INTEGER NOT NULL, tag VARCHAR NOT NULL,"
    " PRIMARY KEY (annotation_id, tag));"
    "DROP TABLE old_tags; CREATE INDEX ix_annotation_tags_tag ON annotation_tags (tag)"
)


@pytest.mark.parametrize(
    ("change", "difference"),
    [
        (
            "CREATE TRIGGER wipe AFTER INSERT ON documents BEGIN DELETE FROM annotations; END",
            "an unexpected trigger wipe",
        ),
        (
            "DROP TRIGGER search_notes_delete; CREATE TRIGGER search_notes_delete AFTER DELETE"
            " ON annotations BEGIN DELETE FROM documents; END",
            "trigger search_notes_delete is not the one the app creates",
        ),
        (
            "DROP TABLE annotation_tags;"
            " CREATE VIEW annotation_tags AS SELECT 1 AS annotation_id, 'x' AS tag",
            "annotation_tags is a view, not a table",
        ),
        ("CREATE VIEW shortcut AS SELECT title FROM documents", "an unexpected view shortcut"),
        ("DROP TABLE translation_edits", "no table translation_edits"),
        ("ALTER TABLE documents ADD COLUMN extra TEXT", "table documents: an unexpected column"),
        ("ALTER TABLE annotations DROP COLUMN translation_origin", "no column translation_origin"),
        (
            "DROP TABLE search_pending; CREATE TABLE search_pending (kind TEXT NOT NULL,"
            " item_id TEXT NOT NULL, PRIMARY KEY (kind, item_id))",
            "table search_pending: column item_id: type is 'TEXT', expected 'INTEGER'",
        ),
        (
            "DROP TABLE search_pending; CREATE TABLE search_pending (kind TEXT,"
            " item_id INTEGER NOT NULL, PRIMARY KEY (kind, item_id))",
            "column kind: not null is False, expected True",
        ),
        (
            "DROP TABLE search_pending; CREATE TABLE search_pending (kind TEXT NOT NULL,"
            " item_id INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (kind, item_id))",
            "column item_id: default is '0', expected None",
        ),
        (_TAGS_WITHOUT_FOREIGN_KEY, "table annotation_tags: its foreign keys differ"),
        ("DROP INDEX ix_documents_path", "no index ix_documents_path"),
        ("CREATE INDEX ix_title ON documents (title)", "an unexpected index ix_title"),
        (
            "DROP INDEX ix_documents_path; CREATE INDEX ix_documents_path ON documents (title)",
            "index ix_documents_path is not the one the app creates",
        ),
    ],
)
def test_restore_refuses_a_backup_whose_schema_is_not_the_apps(tmp_path, change, difference):
    database = open_database()
    add_document(database, SAMPLE)
    backup = backup_to(database.path, tmp_path / "altered.sqlite3")
    with sqlite3.connect(backup) as connection:
        connection.executescript(change)
    with pytest.raises(InputError) as raised:
        restore_from(backup, database.path, known_revisions())
    message = str(raised.value)
    assert message.startswith(f"{backup}: not the schema of a Bilingual Reader library")
    assert difference in message and "\n" not in message
    assert len(_titles(database)) == 1
    assert not list(database.path.parent.glob("*.before-restore-*"))  # nothing was touched


def test_a_sound_backup_of_an_older_revision_is_restored_and_migrated(tmp_path) -> None:
    old = tmp_path / "old.sqlite3"
    create_schema_at(old, "0002")
    with sqlite3.connect(old) as connection:
        connection.execute(
            "INSERT INTO documents (title, format, language, content_hash, added_at, updated_at,"
            " reading_block, toc_json) VALUES ('cũ', 'txt', 'vi', 'h', '2024-01-01',"
            " '2024-01-01', 0, '[]')"
        )
    database = open_database()
    restore_from(old, database.path, known_revisions())
    database.close()
    assert _titles(open_database()) == ["cũ"]  # reopening migrated it to the head


def test_an_empty_library_file_is_moved_aside_with_a_warning() -> None:
    path = paths.database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    Path(f"{path}-wal").write_bytes(b"what may be left of the data")
    with pytest.warns(ReaderWarning, match=r"was empty \(0 bytes\): moved aside as"):
        database = open_database()
    [aside] = path.parent.glob(f"{path.name}.empty-*[0-9Z]")
    assert aside.stat().st_size == 0
    assert Path(f"{aside}-wal").read_bytes() == b"what may be left of the data"
    assert _titles(database) == [] and path.stat().st_size > 0
    add_document(database, SAMPLE)
    database.close()
    assert len(_titles(open_database())) == 1  # no warning: the new library is not empty


def test_cli_says_in_one_line_that_an_empty_library_was_moved_aside(capsys) -> None:
    path = paths.database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    assert main(["library", "list"]) == 0
    err = capsys.readouterr().err
    assert err.startswith(f"bireader: warning: {path}: was empty") and err.count("\n") == 1


def test_the_cli_escapes_a_library_path_in_a_warning(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("BIREADER_HOME", str(tmp_path / "home\x1b]0;owned\x07"))
    path = paths.database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    assert main(["library", "list"]) == 0
    err = capsys.readouterr().err
    assert "home\\x1b]0;owned\\x07" in err and "\x1b" not in err and err.count("\n") == 1


def test_a_library_migrated_from_the_first_revision_restores(tmp_path) -> None:
    path = paths.database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    create_schema_at(path, "0001")
    database = open_database()  # migrated revision by revision, as a user's library is
    add_document(database, SAMPLE)
    backup = backup_to(database.path, tmp_path / "migrated.sqlite3")
    restore_from(backup, database.path, known_revisions())
    assert len(_titles(database)) == 1


def test_statistics_gathered_by_analyze_do_not_make_a_backup_foreign(tmp_path) -> None:
    database = open_database()
    add_document(database, SAMPLE)
    backup = backup_to(database.path, tmp_path / "analysed.sqlite3")
    with sqlite3.connect(backup) as connection:
        connection.execute("ANALYZE")
        assert connection.execute("SELECT count(*) FROM sqlite_stat1").fetchone()[0] > 0
    restore_from(backup, database.path, known_revisions())
    assert len(_titles(database)) == 1


def test_no_connection_is_left_open_when_the_copy_cannot_be_written(
    database, tmp_path, monkeypatch
) -> None:
    opened: list[sqlite3.Connection] = []
    connect = sqlite3.connect

    def failing_for_the_copy(where, *args, **kwargs):
        if isinstance(where, Path):  # the copy's partial file; the library is opened by URI
            raise sqlite3.OperationalError("unable to open database file")
        connection = connect(where, *args, **kwargs)
        opened.append(connection)
        return connection

    monkeypatch.setattr(sqlite3, "connect", failing_for_the_copy)
    with pytest.raises(InputError, match="cannot write a database there"):
        backup_to(database.path, tmp_path / "copy.sqlite3")
    assert opened
    for connection in opened:
        with pytest.raises(sqlite3.ProgrammingError, match="closed"):
            connection.execute("SELECT 1")


# --- a team library on PostgreSQL: a logical export into the same kind of file -------------------


def test_a_server_library_is_backed_up_as_a_library_file_and_restored(
    postgres_url, tmp_path, monkeypatch
) -> None:
    from reader.core.notes.service import annotate_quote, list_annotations

    monkeypatch.setenv("BIREADER_DATABASE_URL", postgres_url)
    database = open_database()
    document_id = add_document(database, SAMPLE).document_id
    annotate_quote(database, document_id, "cản bộ", note="giữ lại", tags=["sửa"])
    bireader = [sys.executable, "-m", "reader"]
    out = tmp_path / "team.sqlite3"
    done = subprocess.run([*bireader, "backup", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    local = open_database(out)  # a sound library of its own, as any backup
    assert _titles(local) == _titles(database)
    assert [n.note for n in list_annotations(local)] == ["giữ lại"]
    local.close()

    remove_document(database, document_id)
    done = subprocess.run([*bireader, "restore", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert _titles(database) and [n.tags for n in list_annotations(database)] == [("sửa",)]
    kept = Path(done.stdout.rsplit(" ", 1)[1].strip())
    with sqlite3.connect(kept) as connection:  # the server's library just before the restore
        assert connection.execute("SELECT count(*) FROM documents").fetchone() == (0,)
    other = tmp_path / "other.txt"
    other.write_text("Một văn bản khác của Đảng.\n", encoding="utf-8")
    assert add_document(database, other).document_id > document_id  # the ids go on
    database.close()


def test_restoring_a_foreign_file_leaves_the_server_library_untouched(
    postgres_url, tmp_path
) -> None:
    from reader.core.storage.backup import restore_server_from
    from reader.core.storage.db import library_url

    database = open_database(library_url(postgres_url))
    add_document(database, SAMPLE)
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database" * 100)
    with pytest.raises(InputError, match="not a Bilingual Reader backup"):
        restore_server_from(junk, database, known_revisions())
    assert len(_titles(database)) == 1
    database.close()
