"""Data ownership: the database, caches and models live under the data directory, readable by the
user only, and nothing is written elsewhere; `bireader backup` makes a consistent copy even while
another instance writes, and `bireader restore` brings it back."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

from reader.cli import main
from reader.core.library import add_document
from reader.core.notes.service import list_annotations
from reader.core.storage import open_database
from reader.core.storage.backup import check_backup
from tests.conftest import REPO, SAMPLE
from tests.session_support import run_session, session_commands


def _modes(root: Path) -> dict[Path, int]:
    return {path: stat.S_IMODE(path.lstat().st_mode) for path in [root, *root.rglob("*")]}


def test_a_whole_session_writes_only_user_only_files_under_the_data_directory(
    tmp_path: Path, argos_package_file: Path
) -> None:
    home = tmp_path / "data"
    elsewhere = tmp_path / "user-home"  # HOME and the XDG directories point here
    elsewhere.mkdir()
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>Xin chào. Đây là một trang.</p></body></html>", "utf-8")
    result = run_session(
        [],
        home,
        session_commands(argos_package_file, tmp_path, page),
        HOME=str(elsewhere),
        XDG_DATA_HOME=str(elsewhere / "data"),
        XDG_CACHE_HOME=str(elsewhere / "cache"),
        XDG_CONFIG_HOME=str(elsewhere / "config"),
        XDG_STATE_HOME=str(elsewhere / "state"),
    )
    assert result["codes"] == [0] * len(result["codes"]), result["codes"]
    assert list(elsewhere.rglob("*")) == []  # no ~/.local/share/argos-translate, no ~/.cache...

    modes = _modes(home)
    assert modes[home] == 0o700
    assert stat.S_IMODE((home / "packages").stat().st_mode) == 0o700
    files = {path: mode for path, mode in modes.items() if path.is_file()}
    assert home / "library.sqlite3" in files
    assert any(path.name == "model.bin" for path in files)  # the model is in here too
    assert {str(p): oct(m) for p, m in files.items() if m & 0o077} == {}
    # argostranslate creates its (empty) directories 0755; they sit inside a 0700 directory.
    open_dirs = [path for path, mode in modes.items() if path.is_dir() and mode & 0o077]
    for directory in open_dirs:
        assert (home / "argos-env") in directory.parents
        assert not any(child.is_file() for child in directory.rglob("*"))
    assert modes[home / "argos-env"] == 0o700
    backup = tmp_path / "backup.sqlite3"
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600


WRITER = r"""
import sys
from reader.core.notes.anchoring import DocumentText
from reader.core.library import get_document
from reader.core.notes.service import add_annotation
from reader.core.storage import open_database

database = open_database()
text = DocumentText.of(get_document(database, 1))
print("ready", flush=True)
for i in range(100_000):
    add_annotation(database, 1, text.anchor_in_block(i % len(text.blocks), 0, 3), note=str(i))
"""


def test_backup_while_another_instance_writes_is_consistent_and_restores(
    bireader_home: Path, tmp_path: Path, capsys
) -> None:
    database = open_database()
    add_document(database, SAMPLE)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER], env=env, cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout.readline().strip() == "ready"
        backups = []
        for number in range(3):
            time.sleep(0.2)
            backups.append(tmp_path / f"backup-{number}.sqlite3")
            assert main(["backup", str(backups[-1])]) == 0
    finally:
        writer.kill()
        writer.wait()
    counts = []
    for backup in backups:
        check_backup(backup)  # integrity_check ok, library tables present
        with sqlite3.connect(backup) as connection:
            notes = [int(row[0]) for row in connection.execute("SELECT note FROM annotations")]
        assert sorted(notes) == list(range(len(notes)))  # a prefix: no hole, no half-write
        counts.append(len(notes))
    assert counts == sorted(counts) and counts[-1] > 0

    assert main(["restore", str(backups[0])]) == 0
    assert sorted(int(note.note) for note in list_annotations(database)) == list(range(counts[0]))
    capsys.readouterr()


def test_backup_to_a_folder_makes_a_dated_user_only_copy(bireader_home: Path, tmp_path, capsys):
    open_database().close()
    folder = tmp_path / "backups"
    folder.mkdir()
    assert main(["backup", str(folder)]) == 0
    [copy] = list(folder.iterdir())
    assert copy.name.startswith("bireader-") and copy.suffix == ".sqlite3"
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert str(copy) in capsys.readouterr().out
    assert not list(folder.glob("*.partial"))


def test_an_existing_data_directory_is_made_user_only(bireader_home: Path) -> None:
    bireader_home.chmod(0o755)
    open_database().close()
    assert stat.S_IMODE(bireader_home.stat().st_mode) == 0o700
