"""Errors the user can act on. The CLI prints them as one line and exits 2; the GUI shows them."""

from __future__ import annotations

from pathlib import Path


class ReaderError(Exception):
    """A problem caused by input or environment, not by a bug: reported without a traceback."""


class InputError(ReaderError):
    """A file we were given cannot be used. The message names the file and the problem."""

    def __init__(self, path: str | Path, problem: str):
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class ReaderWarning(UserWarning):
    """Something the user should know that did not stop the command (the CLI prints it as one
    line, as it does errors)."""
