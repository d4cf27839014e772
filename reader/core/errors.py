"""Errors the user can act on. The CLI prints them as one line and exits 2; the GUI shows them.

Warnings are the lighter kind: the input was used, but something in it was not right (a byte
that is not UTF-8). Whoever reads a file collects them around the reading (`collecting_warnings`)
and hands them on with the result; code deep inside the reading reports them with `warn`, so
no parser in between has to pass a list along. Where nobody collects (opening the library),
`warn` raises a Python warning, a `ReaderWarning`, that the CLI prints as one line."""

from __future__ import annotations

import errno
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path


class ReaderError(Exception):
    """A problem caused by input or environment, not by a bug: reported without a traceback."""


class InputError(ReaderError):
    """A file we were given cannot be used. The message names the file and the problem."""

    def __init__(self, path: str | Path, problem: str):
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{path}: {problem}")


# The system's wording (strerror) is terse or misleading for these: "No space left on device".
_OS_PROBLEMS = {
    errno.ENOSPC: "disk is full",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "read-only file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EIO: "input/output error (a failing disk, or a lost connection to it)",
}


def os_problem(error: OSError) -> str:
    """What went wrong, in the user's words, without the file it happened to."""
    return _OS_PROBLEMS.get(error.errno) or error.strerror or str(error)


def os_error_message(error: OSError) -> str:
    """One line naming the file (if the error knows it) and the problem."""
    problem = os_problem(error)
    return f"{error.filename}: {problem}" if error.filename else problem


# A context variable, not a global list: each thread (the window reads files in workers) and
# each nested reading collects its own.
_collected_warnings: ContextVar[list[str] | None] = ContextVar("input_warnings", default=None)


@contextmanager
def collecting_warnings() -> Iterator[list[str]]:
    """The warnings `warn` reports while the block runs, in order."""
    collected: list[str] = []
    token = _collected_warnings.set(collected)
    try:
        yield collected
    finally:
        _collected_warnings.reset(token)


def warn(path: str | Path, problem: str) -> None:
    """Report a problem in an input that was used anyway: to the innermost collector, or as a
    `ReaderWarning` where nobody collects."""
    message = f"{path}: {problem}"
    collected = _collected_warnings.get()
    if collected is None:
        warnings.warn(ReaderWarning(message), stacklevel=2)
    else:
        collected.append(message)


class ReaderWarning(UserWarning):
    """Something the user should know that did not stop the command (the CLI prints it as one
    line, as it does errors)."""
