"""Opening the file a user named. What is not a document (a folder, a FIFO, a device, a file of
/proc, a broken link) is refused saying what it is, before it is opened; a file is opened
without blocking and checked again once open (it may have been swapped meanwhile); size limits
hold for the bytes actually read, since a file may grow after it was checked."""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from reader.core.errors import InputError, os_problem


@dataclass(frozen=True)
class SizeLimit:
    """A limit on a file's size, and how a file over it is refused."""

    bytes: int
    name: str  # what it limits, as the refusal says it: "file", "text file"
    scope: str = ""  # " for text"

    def refusal(self, size: int | None = None) -> str:
        """What a file of `size` bytes is told; None: more than the limit, by how much unknown."""
        mib = self.bytes // 2**20
        amount = f"{size // 2**20} MiB" if size is not None else f"more than {mib} MiB"
        return f"{self.name} is too large ({amount}; the limit{self.scope} is {mib} MiB)"


# Far beyond any book; a larger "document" is almost certainly not one, and would not fit a reader.
MAX_FILE_BYTES = 200 * 1024 * 1024
# Text formats are read whole, and their text costs ~7x its size in memory while it is parsed
# and segmented: 32 MiB (ten times War and Peace) keeps an import under ~250 MiB and a minute.
# Containers (EPUB, DOCX, PDF) may be large for their images and are checked member by member.
MAX_TEXT_FILE_BYTES = 32 * 1024 * 1024
FILE_LIMIT = SizeLimit(MAX_FILE_BYTES, "file")
TEXT_FILE_LIMIT = SizeLimit(MAX_TEXT_FILE_BYTES, "text file", " for text")
# O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
_FILE_TYPES = (
    (stat.S_ISDIR, "is a directory, not a document"),
    (stat.S_ISFIFO, "is a FIFO, not a document"),
    (stat.S_ISCHR, "is a device, not a document"),
    (stat.S_ISBLK, "is a device, not a document"),
    (stat.S_ISSOCK, "is a socket, not a document"),
)


def check_regular_file(path: Path) -> os.stat_result:
    """Refuse, without opening it, what is not a regular file (a FIFO, a device, a folder, a
    file of /proc, a broken link), saying what it is; return its status."""
    try:
        status = path.stat()
    except OSError as error:
        raise InputError(path, _unreachable(path, error)) from error
    problem = _not_a_document(status)
    if problem:
        raise InputError(path, problem)
    return status


def check_document_file(path: Path) -> os.stat_result:
    """Refuse, without opening it, what cannot be a document; return its status."""
    status = check_regular_file(path)
    if status.st_size > MAX_FILE_BYTES:
        raise InputError(path, FILE_LIMIT.refusal(status.st_size))
    return status


@contextmanager
def opened(path: Path) -> Iterator[BinaryIO]:
    """The file open for reading, once it is known to be one that can be a document; any OS
    error while it is read becomes an `InputError`."""
    check_document_file(path)
    try:
        stream = os.fdopen(os.open(path, _OPEN_FLAGS), "rb")
    except OSError as error:
        raise InputError(path, _unreachable(path, error)) from error
    with stream:
        problem = _not_a_document(os.fstat(stream.fileno()))
        if problem:
            raise InputError(path, problem)
        try:
            yield stream
        except OSError as error:
            raise read_failure(path, error) from error


def read_failure(path: Path, error: OSError) -> InputError:
    """A file that failed while it was read (a container's importer reads it again by name)."""
    if isinstance(error, FileNotFoundError):
        return InputError(path, "was deleted or moved while it was read")
    return InputError(path, f"cannot be read ({os_problem(error)})")


def read_document_bytes(path: Path, limit: SizeLimit = TEXT_FILE_LIMIT) -> bytes:
    """The whole file, if it holds at most `limit` bytes: one byte more is read to know."""
    with opened(path) as stream:
        data = stream.read(limit.bytes + 1)
    if len(data) > limit.bytes:
        raise InputError(path, limit.refusal())
    return data


def _not_a_document(status: os.stat_result) -> str | None:
    for is_type, problem in _FILE_TYPES:
        if is_type(status.st_mode):
            return problem
    if not stat.S_ISREG(status.st_mode):
        return "is not a regular file"
    if status.st_dev in _kernel_file_systems():
        return "is a file of the operating system's kernel (/proc, /sys), not a document"
    return None


@functools.cache
def _kernel_file_systems() -> frozenset[int]:
    """Devices of /proc and /sys, whose files claim a size of 0 or 4096 whatever they hold."""
    devices = set()
    for mount in ("/proc", "/sys"):
        with contextlib.suppress(OSError):  # not Linux
            devices.add(os.stat(mount).st_dev)
    return frozenset(devices)


def _unreachable(path: Path, error: OSError) -> str:
    """Why `path` cannot be reached, in the user's words."""
    if error.errno == errno.ENOENT and path.is_symlink():
        return f"broken symbolic link (to {os.readlink(path)}, which does not exist)"
    problems = {
        errno.ENOENT: "no such file",
        errno.ELOOP: "symbolic link loop",
        errno.ENOTDIR: "no such file (a part of its path is a file, not a folder)",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.ENAMETOOLONG: "file name too long",
    }
    return problems.get(error.errno) or f"cannot be opened ({error.strerror or error})"
