"""The writer every output goes through (reader/core/files.py): plain files replaced whole,
streams and devices written in place and never replaced, bad targets one clear error, files
user-only, and what killed writers leave behind removed at the next start."""

from __future__ import annotations

import errno
import os
import socket
import stat
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from reader.core.errors import InputError
from reader.core.files import check_target, is_stream, remove_stale_partials, write_text, writing

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def umask_zero():
    """The most permissive umask: whatever is still private then is private by choice."""
    previous = os.umask(0)
    yield
    os.umask(previous)


def _partials(folder: Path) -> list[Path]:
    return list(folder.glob("*.partial*"))


def test_a_new_file_is_user_only_whatever_the_umask(tmp_path: Path, umask_zero) -> None:
    target = tmp_path / "out.txt"
    write_text(target, "xin chào")
    assert target.read_text(encoding="utf-8") == "xin chào"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert _partials(tmp_path) == []


def test_an_existing_file_is_replaced_whole_and_made_user_only(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    target.chmod(0o644)
    with target.open() as reader_of_the_old_file:
        write_text(target, "new")
        assert reader_of_the_old_file.read() == "old"  # renamed over, never rewritten in place
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_symlink_stays_a_link_and_the_file_it_points_to_is_written(tmp_path: Path) -> None:
    real = tmp_path / "real" / "out.html"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "link.html"
    link.symlink_to(real)
    write_text(link, "new")
    assert link.is_symlink() and link.resolve() == real
    assert real.read_text() == "new"
    assert _partials(tmp_path) == [] and _partials(real.parent) == []


def test_a_dangling_symlink_creates_the_file_it_names(tmp_path: Path) -> None:
    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "made.txt")
    write_text(link, "made")
    assert link.is_symlink() and (tmp_path / "made.txt").read_text() == "made"


def test_dev_null_is_written_in_place_and_stays_a_device(bireader_home: Path) -> None:
    before = os.stat("/dev/null")
    assert is_stream("/dev/null")
    write_text(Path("/dev/null"), "discarded")
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev
    assert after.st_ino == before.st_ino
    assert _partials(bireader_home) == []  # the spool file is gone too


def test_a_fifo_is_written_in_place_for_its_reader(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    text = "Điều 1. " * 10_000  # more than a pipe's buffer
    write_text(fifo, text)
    reader.join(timeout=30)
    assert received == [text.encode()]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_dash_is_standard_output(capsysbinary) -> None:
    write_text("-", "ra màn hình\n")
    assert capsysbinary.readouterr().out == "ra màn hình\n".encode()


def test_a_symlink_to_a_device_writes_the_device(tmp_path: Path) -> None:
    link = tmp_path / "null"
    link.symlink_to("/dev/null")
    write_text(link, "discarded")
    assert link.is_symlink() and stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda folder: folder, "is a folder, not a file"),
        (lambda folder: folder / "missing" / "out.txt", "its folder does not exist"),
        (lambda folder: _file(folder / "plain") / "out.txt", "its folder does not exist"),
        (lambda folder: _socket(folder / "s"), "is not a regular file"),
    ],
    ids=["folder", "missing folder", "file as folder", "socket"],
)
def test_targets_that_cannot_be_written_are_one_input_error(tmp_path: Path, make, problem):
    target = make(tmp_path)
    with pytest.raises(InputError, match=problem) as raised:
        write_text(target, "x")
    assert raised.value.path == target and "\n" not in str(raised.value)
    with pytest.raises(InputError, match=problem):
        check_target(target)
    assert _partials(tmp_path) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anything")
def test_a_read_only_file_or_folder_is_refused(tmp_path: Path) -> None:
    read_only = tmp_path / "ro.txt"
    read_only.write_text("kept")
    read_only.chmod(0o444)
    with pytest.raises(InputError, match="is read-only"):
        write_text(read_only, "x")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(InputError, match="is not writable"):
        write_text(locked / "out.txt", "x")
    assert read_only.read_text() == "kept"


def test_a_full_device_is_disk_full_and_nothing_is_left(bireader_home: Path) -> None:
    with pytest.raises(InputError, match=r"^/dev/full: disk is full$"):
        write_text(Path("/dev/full"), "x" * 100_000)
    assert _partials(bireader_home) == []


def test_a_write_failing_for_space_leaves_the_target_as_it_was(tmp_path: Path) -> None:
    target = tmp_path / "out.epub"
    target.write_text("the previous export")
    with pytest.raises(InputError, match=r"out\.epub: disk is full"), writing(target) as partial:
        partial.write_text("half of it")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert target.read_text() == "the previous export"
    assert _partials(tmp_path) == []


def test_any_error_of_the_writer_removes_the_partial_file(tmp_path: Path) -> None:
    with pytest.raises(ZeroDivisionError), writing(tmp_path / "out.txt") as partial:
        partial.write_text("x")
        assert stat.S_IMODE(partial.stat().st_mode) == 0o600
        _ = 1 / 0
    assert list(tmp_path.iterdir()) == []


def test_only_abandoned_partials_are_removed(tmp_path: Path) -> None:
    old = time.time() - 3600
    abandoned = tmp_path / ".library.sqlite3.before-restore-1.partial"
    journal = tmp_path / f"{abandoned.name}-journal"
    fresh = tmp_path / ".out.fresh.partial"  # made since this process started: maybe unlocked yet
    other = tmp_path / "notes.md"
    for path in (abandoned, journal, fresh, other):
        path.write_text("x")
    for path in (abandoned, journal, other):
        os.utime(path, (old, old))
    assert remove_stale_partials(tmp_path) == [abandoned]
    assert sorted(tmp_path.iterdir()) == sorted([fresh, other])


_WRITER = """
import sys, time
from pathlib import Path
from reader.core.files import writing
with writing(Path(sys.argv[1])) as partial:
    partial.write_text("library pages")
    print(partial, flush=True)
    time.sleep(60)
"""

_NEXT_START = """
import sys
from pathlib import Path
from reader.core.files import remove_stale_partials
print("\\n".join(map(str, remove_stale_partials(Path(sys.argv[1])))))
"""


def _python(code: str, *args: str, **options) -> subprocess.Popen:
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        stdout=subprocess.PIPE,
        text=True,
        env=environment,
        **options,
    )


def test_a_killed_writers_partial_goes_at_the_next_start_a_live_ones_stays(tmp_path: Path):
    killed, alive = _python(_WRITER, str(tmp_path / "a")), _python(_WRITER, str(tmp_path / "b"))
    try:
        killed_partial = Path(killed.stdout.readline().strip())
        alive_partial = Path(alive.stdout.readline().strip())
        assert stat.S_IMODE(killed_partial.stat().st_mode) == 0o600
        killed.kill()
        killed.wait()
        next_start = _python(_NEXT_START, str(tmp_path))
        removed, _ = next_start.communicate(timeout=60)
        assert removed.split() == [str(killed_partial)]
        assert not killed_partial.exists() and alive_partial.exists()
    finally:
        for process in (killed, alive):
            process.kill()
            process.wait()
            process.stdout.close()


def _file(path: Path) -> Path:
    path.write_text("a file, not a folder")
    return path


def _socket(path: Path) -> Path:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()  # the socket file stays
    return path
