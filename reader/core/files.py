"""Writing the files the app makes (exports, backups, notes, settings): whole or not at all,
readable by the user only, and never replacing what is not a plain file.

A regular file (or a new one) is written to a temporary `.partial` file beside it, then renamed
over it: a reader sees the old file or the new one, a crash leaves the old one. A symlink is
followed: the file it points to is replaced and the link stays a link. A character device or a
FIFO (`/dev/null`, `/dev/stdout`, a named pipe) and `-` (standard output) cannot be renamed over
(as root, that would replace the system's `/dev/null`): they are written in place, from a spool
file in the library folder. Anything else (a folder, a socket, a disk device) is refused.

Temporary files are created 0600 (they hold library pages or notes) and locked with flock while
their writer lives, so `remove_stale_partials` can tell what a killed process left behind from
what another instance is still writing.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from reader.core import paths
from reader.core.errors import InputError

try:
    import fcntl
except ImportError:  # Windows: a file another process holds open cannot be deleted anyway
    fcntl = None

STDOUT = "-"
PARTIAL_SUFFIX = ".partial"
# SQLite writes these beside a database being written (a backup's partial file).
_SQLITE_SIBLINGS = ("-journal", "-wal", "-shm")
_MAX_NAME_IN_PARTIAL = 100  # the partial's name must stay within the 255 bytes a name may have
# A partial file newer than this may belong to a writer that has not locked it yet.
_PROCESS_STARTED = time.time()
_PROBLEMS = {
    errno.ENOSPC: "disk is full",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
    errno.EISDIR: "is a folder, not a file",
    errno.ENOENT: "its folder does not exist",
    errno.ENOTDIR: "its folder does not exist",
}
if hasattr(errno, "EDQUOT"):
    _PROBLEMS[errno.EDQUOT] = "disk quota exceeded"


@dataclass(frozen=True)
class _Target:
    path: Path  # where the bytes go, symlinks resolved for a regular file
    in_place: bool  # a stream (device, FIFO, stdout): written into, never renamed over


def check_target(target: Path | str) -> None:
    """Raise InputError now if `target` cannot be written (before minutes of translating)."""
    _resolve(Path(target))


def is_stream(target: Path | str) -> bool:
    """Whether `target` is standard output, a device or a FIFO: a command then reports what
    it wrote on stderr, as stdout may be the very file written."""
    return _resolve(Path(target)).in_place


@contextmanager
def writing(target: Path | str) -> Iterator[Path]:
    """A temporary path to write the whole file at; when the block ends without error, it
    becomes `target` (see the module's docstring for which targets are replaced, written in
    place or refused). On any error the temporary file is removed and the target is untouched;
    an OSError (full disk, permission) becomes an InputError naming `target`."""
    target = Path(target)
    where = _resolve(target)
    folder = paths.data_dir() if where.in_place else where.path.parent
    try:
        with _partial_file(folder, where.path.name) as partial:
            yield partial
            if where.in_place:
                _copy_into(partial, where.path)
            else:
                os.replace(partial, where.path)
    except BrokenPipeError:
        raise  # the reader went away (`| head`): not an error of the file
    except OSError as error:
        raise _input_error(target, error) from error


def write_text(target: Path | str, text: str) -> None:
    with writing(target) as partial:
        partial.write_text(text, encoding="utf-8")


def remove_stale_partials(folder: Path) -> list[Path]:
    """Remove the temporary files that killed writers left in `folder` (a backup's raw library
    pages, the copy kept before a restore); return those removed. A file another instance is
    still writing is locked, and one made since this process started may not be locked yet:
    both are left alone."""
    removed = []
    for partial in sorted(folder.glob(f"*{PARTIAL_SUFFIX}")):
        if _abandoned(partial) and _remove_with_siblings(partial):
            removed.append(partial)
    return removed


def make_user_only(path: Path) -> None:
    """Create `path` (if missing) readable and writable by the user only; a writer that keeps
    an existing file's mode (Qt's QSaveFile) then keeps it private whatever the umask."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)


def _resolve(target: Path) -> _Target:
    if str(target) == STDOUT:
        return _Target(target, in_place=True)
    try:
        mode = target.stat().st_mode  # the symlink's target, if it is one
    except FileNotFoundError:
        return _new_file(target)
    except OSError as error:
        raise _input_error(target, error) from error
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return _Target(target, in_place=True)
    if stat.S_ISDIR(mode):
        raise InputError(target, _PROBLEMS[errno.EISDIR])
    if not stat.S_ISREG(mode):
        raise InputError(target, "is not a regular file (a socket or a disk?): not written")
    real = Path(os.path.realpath(target))
    if not os.access(real, os.W_OK):
        raise InputError(target, "is read-only")
    return _writable_folder(target, real)


def _new_file(target: Path) -> _Target:
    real = Path(os.path.realpath(target))  # a dangling symlink: create what it points to
    if not real.parent.is_dir():
        raise InputError(target, _PROBLEMS[errno.ENOENT])
    return _writable_folder(target, real)


def _writable_folder(target: Path, real: Path) -> _Target:
    if not os.access(real.parent, os.W_OK | os.X_OK):
        raise InputError(target, f"cannot be written: {real.parent} is not writable")
    return _Target(real, in_place=False)


@contextmanager
def _partial_file(folder: Path, name: str) -> Iterator[Path]:
    """A new empty 0600 file in `folder`, locked while this process writes it, then removed
    (with what SQLite may have left beside it) unless it was renamed into place."""
    prefix = f".{name[:_MAX_NAME_IN_PARTIAL]}."
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=PARTIAL_SUFFIX)
    partial = Path(temporary)
    try:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)  # a new file: nobody else can hold it
        else:
            os.close(handle)  # Windows would refuse to rename a file still open
            handle = None
        yield partial
    finally:
        _remove_with_siblings(partial)
        if handle is not None:
            os.close(handle)


def _copy_into(partial: Path, stream: Path) -> None:
    with partial.open("rb") as source:
        if str(stream) == STDOUT:
            sys.stdout.flush()
            shutil.copyfileobj(source, sys.stdout.buffer)
            sys.stdout.buffer.flush()
            return
        with stream.open("wb") as sink:  # a FIFO: waits here for its reader
            shutil.copyfileobj(source, sink)


def _abandoned(partial: Path) -> bool:
    try:
        if partial.stat().st_mtime >= _PROCESS_STARTED:
            return False
        if fcntl is None:
            return True  # removing it fails if its writer still has it open
        with partial.open("rb") as probe:
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released when closed
        return True
    except OSError:  # BlockingIOError: its writer holds the lock; or it is gone already
        return False


def _remove_with_siblings(partial: Path) -> bool:
    try:
        partial.unlink(missing_ok=True)
    except OSError:
        return False
    for suffix in _SQLITE_SIBLINGS:
        with contextlib.suppress(OSError):
            partial.with_name(partial.name + suffix).unlink(missing_ok=True)
    return True


def _input_error(target: Path, error: OSError) -> InputError:
    problem = _PROBLEMS.get(error.errno) or f"cannot be written ({error.strerror or error})"
    return InputError(target, problem)
