"""Warnings travel from deep inside a reading to whoever collects them; the system's errors
are told in the user's words."""

from __future__ import annotations

import errno
import threading

import pytest

from reader.core.errors import ReaderWarning, collecting_warnings, os_error_message, warn


def test_warnings_reach_the_innermost_collector_only() -> None:
    with collecting_warnings() as outer:
        warn("a.txt", "first")
        with collecting_warnings() as inner:
            warn("b.txt", "second")
        warn("c.txt", "third")
    assert outer == ["a.txt: first", "c.txt: third"]
    assert inner == ["b.txt: second"]


def test_where_nobody_collects_a_warning_is_a_reader_warning() -> None:
    with pytest.warns(ReaderWarning, match=r"^outside\.txt: nobody collects$"):
        warn("outside.txt", "nobody collects")


def test_each_thread_collects_its_own() -> None:
    seen: list[str] = []

    def elsewhere() -> None:
        with pytest.warns(ReaderWarning):
            warn("worker.txt", "not the caller's")
        with collecting_warnings() as own:
            warn("worker.txt", "its own")
        seen.extend(own)

    with collecting_warnings() as mine:
        thread = threading.Thread(target=elsewhere)
        thread.start()
        thread.join()
    assert mine == [] and seen == ["worker.txt: its own"]


def test_a_full_disk_is_called_so_and_names_the_file() -> None:
    error = OSError(errno.ENOSPC, "No space left on device", "/mnt/usb/notes.md")
    assert os_error_message(error) == "/mnt/usb/notes.md: disk is full"
    assert os_error_message(OSError(errno.EROFS, "Read-only file system")) == (
        "read-only file system"
    )
