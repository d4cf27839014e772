"""Installed Argos model packages under `models_dir()`: validate, install atomically, list, remove.

An `.argosmodel` file is a zip of one directory holding `metadata.json`, a CTranslate2 `model/`
directory and a tokenizer (`sentencepiece.model` or `bpe.model`). We never trust it: the whole
archive is checked *before* anything is extracted, it is extracted into a staging directory inside
`models_dir()` (same filesystem, so the final move is a rename), checked again, then swapped in.
Each package is installed as `models_dir()/<code>` (e.g. `translate-vi_en`), so a new version
replaces the old one. Names starting with "." inside `models_dir()` are our work directories;
`list_installed()` tidies those a crash left behind (and puts back a version set aside).

Installs and removals take turns, across threads and across processes (two windows, or a window and
`bireader models`): each holds `models_dir()/.lock` (see `process_lock`) from staging to swap. One
that waits gives up after `LOCK_TIMEOUT_SECONDS` with a ReaderError naming the package; one that
waited and finds the very version it was installing just installed by the other succeeds without
installing it again.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import shutil
import stat
import tempfile
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from packaging.version import InvalidVersion, Version

from reader.core.errors import InputError, ReaderError
from reader.core.paths import models_dir
from reader.core.translate.argos_env import argos_package_module

log = logging.getLogger(__name__)

# Archive limits. The largest Argos packages are a few hundred MB; model.bin barely compresses,
# so a member inflating more than MAX_RATIO times (beyond a small size) is a zip bomb.
MAX_MEMBERS = 2000
MAX_TOTAL_BYTES = 4 * 1024**3
MAX_RATIO = 100
RATIO_CHECK_MIN_BYTES = 1024**2
MAX_METADATA_BYTES = 1024**2
COPY_CHUNK_BYTES = 1024**2

TOKENIZER_NAMES = ("sentencepiece.model", "bpe.model")
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")
PACKAGE_TYPE = "translate"
WORK_DIR_PREFIX = "."  # staging / aside directories: never listed as packages

STALE_WORK_DIR_SECONDS = 300  # older work dirs are leftovers of a crash, not a running install
OLD_DIR = re.compile(r"\.old-(?P<code>.+)-[0-9a-f]{8}")

LOCK_NAME = f"{WORK_DIR_PREFIX}lock"  # in models_dir(); a file, so never taken for a work dir
LOCK_TIMEOUT_SECONDS = 120.0  # an install extracts and loads the model: seconds, not minutes
LOCK_POLL_SECONDS = 0.05

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
try:
    import msvcrt
except ImportError:  # POSIX
    msvcrt = None


@dataclass(frozen=True)
class InstalledModel:
    code: str  # argospm name, e.g. "translate-vi_en"
    from_code: str
    to_code: str
    from_name: str
    to_name: str
    version: str  # metadata package_version
    path: Path  # installed dir: model/, sentencepiece.model or bpe.model, metadata.json
    target_prefix: str  # "" if none


@dataclass(frozen=True)
class PackageMetadata:
    """The parts of metadata.json we rely on, validated."""

    code: str
    from_code: str
    to_code: str
    from_name: str
    to_name: str
    version: str
    target_prefix: str

    @classmethod
    def from_json(cls, raw: object) -> PackageMetadata:
        """Validate parsed metadata.json; raises ValueError with the problem."""
        if not isinstance(raw, dict):
            raise ValueError("metadata.json is not a JSON object")
        package_type = raw.get("type", PACKAGE_TYPE)
        if package_type != PACKAGE_TYPE:
            raise ValueError(f"package type is {package_type!r}, expected {PACKAGE_TYPE!r}")
        from_code = _language_code(raw, "from_code")
        to_code = _language_code(raw, "to_code")
        if from_code == to_code:
            raise ValueError(f"metadata.json translates {from_code!r} into itself")
        version = raw.get("package_version")
        if not isinstance(version, str) or not _is_version(version):
            raise ValueError("metadata.json: package_version missing or not a version")
        texts = {key: raw.get(key, "") for key in ("from_name", "to_name", "target_prefix")}
        for key, value in texts.items():
            if not isinstance(value, str):
                raise ValueError(f"metadata.json: {key} is not a string")
        return cls(
            code=package_code(from_code, to_code),
            from_code=from_code,
            to_code=to_code,
            from_name=texts["from_name"] or from_code,
            to_name=texts["to_name"] or to_code,
            version=version,
            target_prefix=texts["target_prefix"],
        )


def _language_code(raw: dict, key: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not LANGUAGE_CODE.fullmatch(value):
        raise ValueError(f"metadata.json: {key} missing or not a language code")
    return value


def _is_version(text: str) -> bool:
    try:
        Version(text)
    except InvalidVersion:
        return False
    return True


def version_key(version: str) -> Version:
    return Version(version)


def package_code(from_code: str, to_code: str) -> str:
    """The argospm name of a translation package, as argostranslate spells it."""
    argos = argos_package_module()
    metadata = {"type": PACKAGE_TYPE, "from_code": from_code, "to_code": to_code}
    return argos.argospm_package_name(argos.AvailablePackage(metadata))


def normalise_code(text: str) -> str:
    """Accept `vi_en`, `vi-en`, `translate-vi_en` (any case): return `translate-vi_en`."""
    pair = text.strip().lower().removeprefix(f"{PACKAGE_TYPE}-")
    separator = "_" if "_" in pair else "-"
    parts = pair.split(separator)
    if len(parts) != 2 or not all(LANGUAGE_CODE.fullmatch(part) for part in parts):
        raise ReaderError(f"{text!r} is not a model code (expected e.g. vi_en or translate-vi_en)")
    return package_code(parts[0], parts[1])


# --- cross-process lock -------------------------------------------------------------------------


class LockTimeout(ReaderError):
    """Another thread or process held the lock for longer than we were willing to wait."""


def _try_lock(fd: int) -> bool:
    """Take an exclusive lock on the open file without waiting; False if someone else holds it."""
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
    if msvcrt is not None:  # a byte-range lock on the first byte; released when the file closes
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:  # EACCES: another handle holds it
            return False
        return True
    return True  # neither (no such desktop platform): threads of one process still take turns


def _still_named(fd: int, path: Path) -> bool:
    """Is the file we locked still the one at `path`? (A releaser may have deleted it meanwhile.)"""
    try:
        named = os.stat(path)
    except FileNotFoundError:
        return False
    opened = os.fstat(fd)
    return (opened.st_dev, opened.st_ino) == (named.st_dev, named.st_ino)


@contextmanager
def process_lock(
    path: Path, *, timeout: float, busy: str, poll: Callable[[], None] | None = None
) -> Iterator[bool]:
    """Hold an exclusive lock on the file `path` (created if missing) against other processes and
    other threads; yield True if someone else held it and we had to wait.

    POSIX: `flock`, which the OS drops if the holder dies, so a crash never leaves it stuck; the
    holder deletes the file as it releases it (lock first, unlink, then close) and a waiter that
    then gets the lock on the deleted file notices and tries again, so no lock files pile up.
    Windows: `msvcrt.locking` on the first byte; the file is kept. Waits up to `timeout` seconds,
    calling `poll` between tries (it may raise to stop waiting), then raises LockTimeout(busy).
    """
    deadline = time.monotonic() + timeout
    waited = False
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
        except OSError as error:
            raise ReaderError(f"{path}: cannot create the lock file ({error.strerror})") from error
        try:
            locked = _try_lock(fd)
            if locked and (fcntl is None or _still_named(fd, path)):
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # also drops a lock taken on a file its holder just deleted
        if locked:
            continue  # that file was released and deleted: lock the current one at once
        waited = True
        if time.monotonic() >= deadline:
            raise LockTimeout(busy)
        if poll is not None:
            poll()
        time.sleep(LOCK_POLL_SECONDS)
    try:
        yield waited
    finally:
        with suppress(OSError):
            if fcntl is not None:
                os.unlink(path)  # while still locked: see the docstring
            elif msvcrt is not None:
                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        os.close(fd)


class _PackagesLock:
    """Installs and removals take turns: threads of this process through a reentrant lock (so
    `remove_installed` may call `list_installed`), processes through `process_lock` on
    `models_dir()/.lock`."""

    def __init__(self) -> None:
        self._threads = threading.RLock()
        self._depth = 0

    @contextmanager
    def hold(self, busy: str, timeout: float | None = None) -> Iterator[bool]:
        """Yield True if another thread or process held the lock and we waited for it."""
        timeout = LOCK_TIMEOUT_SECONDS if timeout is None else timeout
        deadline = time.monotonic() + timeout
        waited = not self._threads.acquire(blocking=False)
        if waited and (timeout <= 0 or not self._threads.acquire(timeout=timeout)):
            raise LockTimeout(busy)
        try:
            if self._depth:  # this thread holds it already
                self._depth += 1
                try:
                    yield False
                finally:
                    self._depth -= 1
                return
            remaining = max(0.0, deadline - time.monotonic())
            with process_lock(models_dir() / LOCK_NAME, timeout=remaining, busy=busy) as other:
                self._depth = 1
                try:
                    yield waited or other
                finally:
                    self._depth = 0
        finally:
            self._threads.release()


_packages_lock = _PackagesLock()


def _busy(action: str, what: str) -> str:
    return (
        f"cannot {action} {what}: another Bilingual Reader window or `bireader models` command has "
        f"been installing or removing models for over {LOCK_TIMEOUT_SECONDS:g} s; "
        "try again when it has finished"
    )


# --- archive validation (reads the central directory and metadata.json only) -------------------


def _member_problem(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    if "\\" in name or "\x00" in name or ":" in name:
        return f"member {name!r} has a forbidden character"
    if name.startswith("/"):
        return f"member {name!r} has an absolute path"
    if any(part in ("", ".", "..") for part in name.rstrip("/").split("/")):
        return f"member {name!r} escapes its directory"
    if info.flag_bits & 0x1:
        return f"member {name!r} is encrypted"
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return f"member {name!r} is a symbolic link"
    if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
        return f"member {name!r} is not a regular file or directory"
    if info.file_size > RATIO_CHECK_MIN_BYTES and info.file_size > MAX_RATIO * max(
        info.compress_size, 1
    ):
        return (
            f"member {name!r} inflates {info.file_size // max(info.compress_size, 1)}x (zip bomb?)"
        )
    return None


def _check_members(members: list[zipfile.ZipInfo]) -> str:
    """Check names, types and sizes of every member; return the single top-level directory."""
    if not members:
        raise ValueError("the archive is empty")
    if len(members) > MAX_MEMBERS:
        raise ValueError(f"too many members ({len(members)} > {MAX_MEMBERS})")
    seen: set[str] = set()
    tops: set[str] = set()
    total = 0
    for info in members:
        problem = _member_problem(info)
        if problem:
            raise ValueError(problem)
        key = info.filename.rstrip("/").casefold()  # case-insensitive filesystems collide too
        if key in seen:
            raise ValueError(f"duplicate member {info.filename!r}")
        seen.add(key)
        tops.add(info.filename.split("/", 1)[0])
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise ValueError(f"uncompressed size {total} bytes exceeds the limit of {MAX_TOTAL_BYTES}")
    if len(tops) != 1:
        raise ValueError(f"expected exactly one top-level directory, found {len(tops)}")
    top = tops.pop()
    if not any(info.filename.startswith(f"{top}/") for info in members):
        raise ValueError("expected the files inside one top-level directory")
    return top


def _check_layout(zf: zipfile.ZipFile, top: str) -> PackageMetadata:
    files = {info.filename: info for info in zf.infolist() if not info.is_dir()}
    metadata_info = files.get(f"{top}/metadata.json")
    if metadata_info is None:
        raise ValueError("no metadata.json in the package directory")
    if metadata_info.file_size > MAX_METADATA_BYTES:
        raise ValueError("metadata.json is too large")
    if f"{top}/model/model.bin" not in files:
        raise ValueError("no model/model.bin in the package directory")
    if not any(f"{top}/{name}" in files for name in TOKENIZER_NAMES):
        raise ValueError("no tokenizer (sentencepiece.model or bpe.model) in the package directory")
    try:
        raw = json.loads(zf.read(metadata_info).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"metadata.json is not valid JSON ({error})") from error
    return PackageMetadata.from_json(raw)


def _open_archive(path: Path) -> zipfile.ZipFile:
    if path.is_dir():
        raise InputError(path, "is a directory, not an .argosmodel package file")
    if not path.is_file():
        raise InputError(path, "no such package file")
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as error:
        raise InputError(path, f"not a valid .argosmodel zip archive ({error})") from error
    except OSError as error:
        raise InputError(path, f"cannot read the package file ({error.strerror})") from error


def _validate_archive(zf: zipfile.ZipFile, path: Path) -> tuple[str, PackageMetadata]:
    try:
        top = _check_members(zf.infolist())
        return top, _check_layout(zf, top)
    except ValueError as error:
        raise InputError(path, str(error)) from error
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
        raise InputError(path, f"damaged archive ({error})") from error


def read_package_metadata(path: Path) -> PackageMetadata:
    """Validate a package file without extracting it; raises InputError naming the problem."""
    path = Path(path)
    with _open_archive(path) as zf:
        return _validate_archive(zf, path)[1]


# --- extraction and atomic install --------------------------------------------------------------


def _extract_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, root: Path) -> None:
    target = root.joinpath(*PurePosixPath(info.filename).parts)
    if not target.resolve().is_relative_to(root.resolve()):  # belt and braces after name checks
        raise ValueError(f"member {info.filename!r} escapes its directory")
    if info.is_dir():
        _make_private_dirs(target, root)
        return
    _make_private_dirs(target.parent, root)
    written = 0
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    with zf.open(info) as source, os.fdopen(os.open(target, flags, 0o600), "wb") as sink:
        while chunk := source.read(COPY_CHUNK_BYTES):
            written += len(chunk)
            if written > info.file_size:  # zipfile enforces this too; a lying header never grows
                raise ValueError(f"member {info.filename!r} is larger than it declares")
            sink.write(chunk)


def _make_private_dirs(directory: Path, root: Path) -> None:
    """mkdir -p where every level is user-only (`parents=True` would ignore the mode)."""
    for level in [*reversed(directory.relative_to(root).parents), directory.relative_to(root)]:
        (root / level).mkdir(mode=0o700, exist_ok=True)


def _extract_all(zf: zipfile.ZipFile, staging: Path, path: Path) -> None:
    try:
        for info in zf.infolist():
            _extract_member(zf, info, staging)
    except ValueError as error:
        raise InputError(path, str(error)) from error
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise InputError(path, f"damaged archive ({error})") from error
    except OSError as error:
        raise InputError(path, f"cannot extract ({error})") from error


def _check_extracted(package_dir: Path, expected: PackageMetadata, path: Path) -> None:
    try:
        found = _read_installed_metadata(package_dir)
    except (OSError, ValueError) as error:
        raise InputError(path, f"extracted package is not usable ({error})") from error
    if found != expected:
        raise InputError(path, "extracted metadata.json differs from the archive's")


def _swap_into_place(new_dir: Path, target: Path) -> None:
    """Rename the old version aside, the new one in; restore the old one if that fails."""
    aside = None
    if target.exists() or target.is_symlink():
        aside = target.with_name(f"{WORK_DIR_PREFIX}old-{target.name}-{secrets.token_hex(4)}")
        os.rename(target, aside)
    try:
        os.rename(new_dir, target)
    except OSError:
        if aside is not None:
            os.rename(aside, target)
        raise
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)


def install_package_file(path: Path) -> InstalledModel:
    """Install an `.argosmodel` file into `models_dir()`, replacing any installed version.

    Validates first, extracts into staging, verifies, then swaps in. On any failure nothing new is
    left in `models_dir()` and a previously installed version keeps working. Raises InputError, or
    LockTimeout if another process keeps installing or removing models for too long. If another
    process installed this very version while we waited for it, that one is kept as it is.
    """
    path = Path(path)
    with _open_archive(path) as zf:
        top, metadata = _validate_archive(zf, path)
        root = models_dir()
        target = root / metadata.code
        before = _identity(target)
        busy = _busy("install", f"{metadata.code} {metadata.version} from {path}")
        with _packages_lock.hold(busy) as waited:
            if waited and _identity(target) != before and _metadata_or_none(target) == metadata:
                log.info(
                    "%s %s was installed meanwhile by another process",
                    metadata.code,
                    metadata.version,
                )
                return _installed_model(metadata, target)
            staging = Path(tempfile.mkdtemp(prefix=f"{WORK_DIR_PREFIX}staging-", dir=root))
            try:
                _extract_all(zf, staging, path)
                _check_extracted(staging / top, metadata, path)
                _check_loads(staging / top, path)
                try:
                    _swap_into_place(staging / top, target)
                except OSError as error:
                    raise InputError(path, f"cannot install into {root} ({error})") from error
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    log.info("installed %s %s from %s", metadata.code, metadata.version, path)
    return _installed_model(metadata, target)


def _identity(directory: Path) -> tuple[int, int] | None:
    """Which directory is at this path now (a swap puts a new one there); None if none."""
    try:
        status = directory.stat()
    except OSError:
        return None
    return status.st_dev, status.st_ino


def _metadata_or_none(package_dir: Path) -> PackageMetadata | None:
    try:
        return _read_installed_metadata(package_dir)
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def _check_loads(package_dir: Path, archive: Path) -> None:
    """Load the model and tokenizer once before installing: files that look right but are not
    what they claim must not replace a package that works."""
    import ctranslate2
    import sentencepiece

    try:
        ctranslate2.Translator(str(package_dir / "model"), device="cpu", intra_threads=1)
    except (RuntimeError, ValueError, OSError) as error:
        raise InputError(archive, f"the model does not load ({_first_line(error)})") from error
    tokenizer = package_dir / "sentencepiece.model"
    if tokenizer.is_file():
        try:
            sentencepiece.SentencePieceProcessor(model_file=str(tokenizer))
        except (RuntimeError, OSError) as error:
            problem = f"sentencepiece.model does not load ({_first_line(error)})"
            raise InputError(archive, problem) from error


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


# --- installed packages -------------------------------------------------------------------------


def _read_installed_metadata(package_dir: Path) -> PackageMetadata:
    """Metadata of an installed package directory; ValueError/OSError if it is not usable."""
    if not (package_dir / "model" / "model.bin").is_file():
        raise ValueError("no model/model.bin")
    if not any((package_dir / name).is_file() for name in TOKENIZER_NAMES):
        raise ValueError("no tokenizer")
    metadata_path = package_dir / "metadata.json"
    if metadata_path.stat().st_size > MAX_METADATA_BYTES:
        raise ValueError("metadata.json is too large")
    with metadata_path.open(encoding="utf-8") as handle:
        try:
            raw = json.load(handle)
        except json.JSONDecodeError as error:
            raise ValueError(f"metadata.json is not valid JSON ({error})") from error
    return PackageMetadata.from_json(raw)


def _installed_model(metadata: PackageMetadata, package_dir: Path) -> InstalledModel:
    return InstalledModel(
        code=metadata.code,
        from_code=metadata.from_code,
        to_code=metadata.to_code,
        from_name=metadata.from_name,
        to_name=metadata.to_name,
        version=metadata.version,
        path=package_dir,
        target_prefix=metadata.target_prefix,
    )


def _recover_from_crash(root: Path) -> None:
    """Tidy work dirs left by a crash: put back a version set aside but never replaced."""
    now = time.time()
    for child in root.iterdir():
        if not child.name.startswith(WORK_DIR_PREFIX) or not child.is_dir():
            continue
        try:
            status = child.stat()  # a rename updates ctime, not mtime
            if now - max(status.st_mtime, status.st_ctime) < STALE_WORK_DIR_SECONDS:
                continue
            old = OLD_DIR.fullmatch(child.name)
            if old and not (root / old["code"]).exists():
                os.rename(child, root / old["code"])
                log.warning("restored %s left aside by an interrupted install", old["code"])
            else:
                shutil.rmtree(child)
        except OSError as error:
            log.warning("cannot tidy %s: %s", child, error)


def list_installed() -> list[InstalledModel]:
    """Usable packages in `models_dir()`, sorted by code then version; broken ones are skipped."""
    found = []
    root = models_dir()
    # Tidying waits for no one: during an install (seconds) the lock is taken, and a window
    # asking what is installed must not freeze until it ends. Holding the lock, it cannot take
    # the work directories of a running install, in this process or another, for leftovers.
    with suppress(ReaderError), _packages_lock.hold("tidying", timeout=0):
        _recover_from_crash(root)
    for child in sorted(root.iterdir()):
        if child.name.startswith(WORK_DIR_PREFIX) or not child.is_dir():
            continue
        try:
            metadata = _read_installed_metadata(child)
        except (OSError, ValueError, UnicodeDecodeError) as error:
            log.warning("ignoring %s: %s", child, error)
            continue
        found.append(_installed_model(metadata, child))
    return sorted(found, key=lambda model: (model.code, version_key(model.version)))


def find_installed(from_code: str, to_code: str) -> InstalledModel | None:
    """The installed package for the pair, the highest version if several; None if none."""
    matches = [m for m in list_installed() if (m.from_code, m.to_code) == (from_code, to_code)]
    return max(matches, key=lambda model: version_key(model.version), default=None)


def remove_installed(code: str) -> InstalledModel:
    """Delete an installed package (every directory holding that code); return what was removed.

    `code` may be `vi_en`, `vi-en` or `translate-vi_en`. Raises ReaderError if not installed (say,
    another process removed it while we waited), LockTimeout if another process keeps installing or
    removing models for too long.
    """
    wanted = normalise_code(code)
    was_there = any(model.code == wanted for model in list_installed())
    with _packages_lock.hold(_busy("remove", wanted)) as waited:
        matches = [model for model in list_installed() if model.code == wanted]
        if not matches:
            gone = waited and was_there
            meanwhile = ": another Bilingual Reader process removed it meanwhile" if gone else ""
            raise ReaderError(f"model {wanted} is not installed{meanwhile}")
        for model in matches:
            # Rename first so a half-deleted directory is never listed as a package.
            doomed = model.path.with_name(f"{WORK_DIR_PREFIX}removing-{secrets.token_hex(4)}")
            os.rename(model.path, doomed)
            shutil.rmtree(doomed, ignore_errors=True)
    return max(matches, key=lambda model: version_key(model.version))
