"""Two (or more) instances on one data directory: they take turns (WAL, immediate transactions,
busy timeout) and both succeed; one that waits too long says the library is in use."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from reader.cli import main
from reader.core.library import add_document
from reader.core.notes.anchoring import DocumentText
from reader.core.notes.service import add_annotation, list_annotations
from reader.core.storage import db as storage_db
from reader.core.storage import open_database
from reader.core.storage.db import LibraryInUseError, alembic_config
from tests.conftest import REPO, SAMPLE

NOTES_EACH = 60

WRITER = r"""
import sys
from reader.core.library import get_document
from reader.core.notes.anchoring import DocumentText
from reader.core.notes.search import search
from reader.core.notes.service import add_annotation, update_annotation
from reader.core.storage import open_database

name, count = sys.argv[1], int(sys.argv[2])
database = open_database()
text = DocumentText.of(get_document(database, 1))
for i in range(count):
    block = i % len(text.blocks)
    anchor = text.anchor_in_block(block, 0, min(5, len(text.blocks[block])))
    note = add_annotation(database, 1, anchor, note=f"{name} {i}", tags=[name])
    update_annotation(database, note.uuid, tags=[name, "checked"])  # read, then write
    if i % 10 == 0:
        search(database, name)  # indexes what the other instance queued too
print("done", flush=True)
"""


def _start(script: str, *args: str, home: Path) -> subprocess.Popen:
    import os

    env = {**os.environ, "BIREADER_HOME": str(home), "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _integrity(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


def test_two_instances_writing_notes_at_once_both_succeed(bireader_home: Path) -> None:
    database = open_database()
    add_document(database, SAMPLE)
    writers = [_start(WRITER, name, str(NOTES_EACH), home=bireader_home) for name in "AB"]
    outputs = [writer.communicate(timeout=240) for writer in writers]
    for writer, (out, err) in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, err[-3000:]
        assert out.strip() == "done"
    notes = list_annotations(database)
    for name in "AB":
        mine = [note for note in notes if note.note.startswith(f"{name} ")]
        wanted = sorted(f"{name} {i}" for i in range(NOTES_EACH))
        assert sorted(note.note for note in mine) == wanted
        assert all(note.tags == (name, "checked") for note in mine)  # sorted
    assert _integrity(database.path) == "ok"


OPEN = "from reader.core.storage import open_database; open_database(); print('opened')"


def _open_at_once(home: Path, count: int) -> None:
    openers = [_start(OPEN, home=home) for _ in range(count)]
    for opener in openers:
        out, err = opener.communicate(timeout=120)
        assert opener.returncode == 0, err[-3000:]
        assert out.strip() == "opened"


def _head() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_instances_creating_the_library_at_once_agree_on_one_schema(bireader_home: Path) -> None:
    _open_at_once(bireader_home, 4)
    path = bireader_home / "library.sqlite3"
    assert _integrity(path) == "ok"
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (_head(),)
        ]


def test_instances_migrating_an_old_library_at_once_keep_its_data(bireader_home: Path) -> None:
    from alembic import command

    from reader.core.storage.db import Database

    path = bireader_home / "library.sqlite3"
    old = Database(path)
    with old.engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    old.close()
    add_document_at_0001(path)
    _open_at_once(bireader_home, 3)
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (_head(),)
        ]
        assert connection.execute("SELECT title FROM documents").fetchall() == [("kept",)]
    assert _integrity(path) == "ok"
    assert list(path.parent.glob(f"{path.name}.before-0001-*"))  # the backup was made first


def add_document_at_0001(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute(
            "INSERT INTO documents (title, format, language, content_hash, added_at, updated_at,"
            " reading_block, toc_json) VALUES ('kept', 'txt', 'vi', 'h', '2024-01-01',"
            " '2024-01-01', 0, '[]')"
        )


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storage_db, "BUSY_TIMEOUT_MS", 300)


def _hold_write_lock(path: Path, seconds: float) -> threading.Thread:
    """Another program keeps a write transaction open for `seconds`."""
    locked = threading.Event()

    def hold() -> None:
        connection = sqlite3.connect(path, isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        locked.set()
        time.sleep(seconds)
        connection.execute("COMMIT")
        connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    locked.wait(10)
    return thread


def test_a_library_locked_too_long_is_reported_in_use_and_left_unchanged(
    short_busy_timeout, capsys
) -> None:
    database = open_database()
    document_id = add_document(database, SAMPLE).document_id
    anchor = DocumentText([SAMPLE.read_text("utf-8")[:40]]).anchor(0, 4)
    holder = _hold_write_lock(database.path, 2.0)
    try:
        with pytest.raises(LibraryInUseError, match=r"library\.sqlite3: the library is in use"):
            add_annotation(database, document_id, anchor, note="wait", tags=["t"])
        assert main(["library", "add", str(SAMPLE)]) == 2
        error = capsys.readouterr().err
        assert error.startswith("bireader: ") and "in use" in error and "Traceback" not in error
        assert error.count("\n") == 1
    finally:
        holder.join()
    assert list_annotations(database) == []
    add_annotation(database, document_id, anchor, note="later")  # free again: works
    assert [note.note for note in list_annotations(database)] == ["later"]


def test_a_short_lock_is_waited_for(short_busy_timeout, monkeypatch) -> None:
    monkeypatch.setattr(storage_db, "BUSY_TIMEOUT_MS", 5000)
    database = open_database()
    document_id = add_document(database, SAMPLE).document_id
    anchor = DocumentText([SAMPLE.read_text("utf-8")[:40]]).anchor(0, 4)
    holder = _hold_write_lock(database.path, 0.5)
    started = time.monotonic()
    add_annotation(database, document_id, anchor, note="waited")
    assert time.monotonic() - started >= 0.3  # it waited for the other writer, then wrote
    holder.join()
    assert [note.note for note in list_annotations(database)] == ["waited"]
