"""Installed Argos model packages under `models_dir()`: validate, install atomically, list, remove.

An `.argosmodel` file is a zip of one directory holding `metadata.json`, a CTranslate2 `model/`
directory and a tokenizer (`sentencepiece.model` or `bpe.model`). We never trust it: the whole
archive is checked *before* anything is extracted, it is extracted into a staging directory inside
`models_dir()` (same filesystem, so the final move is a rename), checked again, then swapped in.
Each package is installed as `models_dir()/<code>` (e.g. `translate-vi_en`), so a new version
replaces the old one. Names starting with "." inside `models_dir()` are our work directories;
a crash may leave some behind, and the next `list_installed()` (or install, or removal) finishes or
undoes an interrupted swap at once (see `_swap_into_place`). Before the swap, a package must also
translate: a short trial through the real engine, on the staged files.

Each installed package holds `.bireader-digest`, a hash of the files its translations depend on,
so the translation cache tells apart two packages with the same version but different files.

Installs and removals take turns, across threads and across processes (two windows, or a window and
`bireader models`): each holds `models_dir()/.lock` (see `process_lock`) from staging to swap. One
that waits gives up after `LOCK_TIMEOUT_SECONDS` with a ReaderError naming the package; one that
waited and finds the very version it was installing just installed by the other succeeds without
installing it again.
"""

from __future__ import annotations

import hashlib
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
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from packaging.version import InvalidVersion, Version

from reader.core.changes import Changes
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

# Metadata strings we keep are shown in lists and menus, so they must print and stay short.
MAX_NAME_CHARS = 64
MAX_VERSION_CHARS = 32
MAX_TARGET_PREFIX_CHARS = 32
MAX_PACKAGE_LANGUAGES = 256  # NLLB has about 200

TOKENIZER_NAMES = ("sentencepiece.model", "bpe.model")
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")
PACKAGE_TYPE = "translate"
WORK_DIR_PREFIX = "."  # staging / swap / removal directories: never listed as packages

# A swap names the verified new version `.new-<code>` and the old one `.old-<code>` (older
# releases added `-<8 hex>`); staging and removal directories are always disposable.
SWAP_DIR = re.compile(r"\.(?P<role>new|old)-(?P<code>.+?)(?:-[0-9a-f]{8})?")
STAGING_PREFIX = f"{WORK_DIR_PREFIX}staging-"
REMOVING_PREFIX = f"{WORK_DIR_PREFIX}removing-"

DIGEST_NAME = ".bireader-digest"  # in each installed package: see content_digest
DIGEST = re.compile(r"[0-9a-f]{64}")
CACHE_KEY_DIGEST_CHARS = 16  # 64 bits: no accidental collision, short in every cache row

# The trial translation before an install: short, greedy, bounded, any source language.
TRIAL_SENTENCE = "Hello world, 2024."
TRIAL_MAX_UNKNOWN_SHARE = 0.5  # more unknown tokens: the tokenizer is not the model's

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
    digest: str  # sha256 of the files translations depend on (see content_digest)

    @property
    def changes(self) -> Changes:
        """What installing or removing this model changed (`install_package_file`,
        `remove_installed` and `download_and_install` return the model)."""
        return Changes(models=True)

    @property
    def key(self) -> str:
        """Names this exact package in the translation cache: a reinstall with other files (even
        of the same version) gets a new key, so its translations never mix with the old ones. A
        multi-pair package's key names the pair: the same sentence has one translation a target."""
        key = f"{self.code}@{self.version}#{self.digest[:CACHE_KEY_DIGEST_CHARS]}"
        if self.code != f"{PACKAGE_TYPE}-{self.from_code}_{self.to_code}":
            key += f":{self.from_code}_{self.to_code}"
        return key


class PackagePair(NamedTuple):
    """One direction a package translates, and the token its decoding starts with."""

    from_code: str
    to_code: str
    target_prefix: str


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
    # Every direction it translates: one for most packages, many for NLLB/M2M-style ones
    # (`from_codes`/`to_codes`), whose target prefix is the target language's token.
    pairs: tuple[PackagePair, ...] = ()
    names: tuple[tuple[str, str], ...] = ()  # (code, name) of the languages it names

    @classmethod
    def from_json(cls, raw: object) -> PackageMetadata:
        """Validate parsed metadata.json; raises ValueError with the problem."""
        if not isinstance(raw, dict):
            raise ValueError("metadata.json is not a JSON object")
        package_type = raw.get("type", PACKAGE_TYPE)
        if package_type != PACKAGE_TYPE:
            raise ValueError(f"package type is {package_type!r}, expected {PACKAGE_TYPE!r}")
        sources = _language_codes(raw, "from_codes", "from_code")
        targets = _language_codes(raw, "to_codes", "to_code")
        version = _text(raw, "package_version", MAX_VERSION_CHARS, default=None)
        if not _is_version(version):
            raise ValueError("metadata.json: package_version is not a version")
        prefixes = _target_prefixes(raw, targets)
        pairs = tuple(PackagePair(s, t, prefixes[t]) for s in sources for t in targets if s != t)
        if not pairs:
            raise ValueError(f"metadata.json translates {sources[0]!r} into itself")
        first = pairs[0]
        multi = len(pairs) > 1 or "from_code" not in raw or "to_code" not in raw
        names = _language_names(raw, first)
        return cls(
            code=_multi_pair_code(sources, targets) if multi else package_code(*first[:2]),
            from_code=first.from_code,
            to_code=first.to_code,
            from_name=names.get(first.from_code, first.from_code),
            to_name=names.get(first.to_code, first.to_code),
            version=version,
            target_prefix=first.target_prefix,
            pairs=pairs,
            names=tuple(sorted(names.items())),
        )

    @classmethod
    def parse(cls, data: bytes) -> PackageMetadata:
        """Validate the bytes of metadata.json; raises ValueError with the problem."""
        if len(data) > MAX_METADATA_BYTES:
            raise ValueError("metadata.json is too large")
        try:
            raw = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValueError(f"metadata.json is not valid JSON ({error})") from error
        except RecursionError as error:
            raise ValueError("metadata.json is nested too deeply") from error
        if _has_lone_surrogate(raw):
            raise ValueError("metadata.json has a string that is not valid Unicode")
        return cls.from_json(raw)


def _has_lone_surrogate(value: object) -> bool:
    """Does any string in parsed JSON, even in a field we do not read, hold a lone surrogate?
    JSON escapes (`\\ud800`) allow them; UTF-8 files, terminals and Qt cannot encode them."""
    pending = [value]
    while pending:  # iterative: the JSON may be nested nearly as deep as the recursion limit
        item = pending.pop()
        if isinstance(item, dict):
            pending += [*item.keys(), *item.values()]
        elif isinstance(item, list):
            pending += item
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
    return False


def _text(raw: dict, key: str, limit: int, default: str | None = "") -> str:
    """A string field we keep (and show): printable (no control, format or line-break
    character), at most `limit` characters."""
    value = raw.get(key, default)
    if not isinstance(value, str):
        raise ValueError(f"metadata.json: {key} missing or not a string")
    if not value.isprintable():
        raise ValueError(f"metadata.json: {key} has a control or invalid character")
    if len(value) > limit:
        raise ValueError(f"metadata.json: {key} is longer than {limit} characters")
    return value


def _language_codes(raw: dict, list_key: str, key: str) -> list[str]:
    """`from_codes` (a list) if the package has one, else `from_code`; the same for targets."""
    if list_key not in raw:
        return [_language_code(raw, key)]
    codes = raw[list_key]
    if not isinstance(codes, list) or not codes or len(codes) > MAX_PACKAGE_LANGUAGES:
        raise ValueError(f"metadata.json: {list_key} is not a list of language codes")
    if not all(isinstance(code, str) and LANGUAGE_CODE.fullmatch(code) for code in codes):
        raise ValueError(f"metadata.json: {list_key} is not a list of language codes")
    return list(dict.fromkeys(codes))


def _target_prefixes(raw: dict, targets: list[str]) -> dict[str, str]:
    """The token each target's decoding starts with. One target: `target_prefix` (or none).
    Several: `target_prefixes` ({code: token}), or a `target_prefix` naming `{to_code}`
    (`__{to_code}__` for M2M); without either the model cannot be told which to write."""
    template = _text(raw, "target_prefix", MAX_TARGET_PREFIX_CHARS)
    explicit = raw.get("target_prefixes", {})
    if not isinstance(explicit, dict):
        raise ValueError("metadata.json: target_prefixes is not an object")
    if len(targets) > 1 and "{to_code}" not in template and set(targets) - set(explicit):
        raise ValueError("metadata.json: several target languages but no target prefix for each")
    prefixes = {}
    for target in targets:
        prefix = explicit.get(target, template.replace("{to_code}", target))
        if not isinstance(prefix, str) or len(prefix) > MAX_TARGET_PREFIX_CHARS:
            raise ValueError(f"metadata.json: the target prefix for {target!r} is not a token")
        if any(character.isspace() or not character.isprintable() for character in prefix):
            raise ValueError("metadata.json: target_prefix is not a single token")
        prefixes[target] = prefix
    return prefixes


def _language_names(raw: dict, first: PackagePair) -> dict[str, str]:
    """{code: name}: from_name/to_name, and a multi-pair package's `languages` list."""
    names = {}
    languages = raw.get("languages", [])
    for entry in languages if isinstance(languages, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("code"), str):
            names[entry["code"]] = _text(entry, "name", MAX_NAME_CHARS) or entry["code"]
    for key, code in (("from_name", first.from_code), ("to_name", first.to_code)):
        if name := _text(raw, key, MAX_NAME_CHARS):
            names.setdefault(code, name)
    return names


def _multi_pair_code(sources: list[str], targets: list[str]) -> str:
    """The install directory of a multi-pair package: its languages, or a digest of a long
    list (NLLB names 200)."""
    code = f"{PACKAGE_TYPE}-{'-'.join(sources)}_{'-'.join(targets)}"
    if len(code) <= MAX_NAME_CHARS:
        return code
    digest = hashlib.sha256(code.encode()).hexdigest()[:12]
    return f"{PACKAGE_TYPE}-multi-{digest}"


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
    if metadata_info.file_size > MAX_METADATA_BYTES:  # before reading it: zipfile keeps to it
        raise ValueError("metadata.json is too large")
    if f"{top}/model/model.bin" not in files:
        raise ValueError("no model/model.bin in the package directory")
    if not any(f"{top}/{name}" in files for name in TOKENIZER_NAMES):
        raise ValueError("no tokenizer (sentencepiece.model or bpe.model) in the package directory")
    return PackageMetadata.parse(zf.read(metadata_info))


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


def _swap_dir(target: Path, role: str) -> Path:
    return target.with_name(f"{WORK_DIR_PREFIX}{role}-{target.name}")


def _discard(directory: Path) -> None:
    """Delete a directory, renamed first so that a crash midway never leaves half of it under a
    name that means something (a package, or a `.new-`/`.old-` swap directory)."""
    doomed = directory.with_name(f"{REMOVING_PREFIX}{secrets.token_hex(4)}")
    os.rename(directory, doomed)
    shutil.rmtree(doomed, ignore_errors=True)


def _swap_into_place(staged: Path, target: Path) -> None:
    """Replace `target` with the verified `staged` directory so that a crash at any point leaves
    one whole version behind, found at once by `_finish_interrupted_swaps`.

    `staged` is first renamed `.new-<code>`; renaming the old version `.old-<code>` commits the
    install (after a crash from there on the new version goes in), renaming `.new-<code>` to
    `target` completes it. A failure before that puts the old version back.
    """
    new, old = _swap_dir(target, "new"), _swap_dir(target, "old")
    os.rename(staged, new)
    replacing = target.exists() or target.is_symlink()
    try:
        if replacing:
            os.rename(target, old)
        os.rename(new, target)
    except OSError:
        if replacing and old.exists() and not target.exists():
            os.rename(old, target)
        _discard(new)
        raise
    if replacing:
        with suppress(OSError):  # installed all the same; the next listing tidies it
            _discard(old)


def _finish_interrupted_swaps(root: Path) -> None:
    """Complete or undo what a crash left of a swap (see `_swap_into_place`) and delete staging
    and removal leftovers. Only called with the packages lock held: no swap is running then.

    Per package: if `<code>` is there, its `.new-`/`.old-` directories are leftovers; if not,
    `.new-<code>` (verified before it got that name) goes in, else `.old-<code>` goes back.
    """
    swaps: dict[str, list[tuple[str, Path]]] = {}
    for child in sorted(root.iterdir()):
        if not child.is_dir() or child.is_symlink():
            continue
        swap = SWAP_DIR.fullmatch(child.name)
        if swap:
            swaps.setdefault(swap["code"], []).append((swap["role"], child))
        elif child.name.startswith((STAGING_PREFIX, REMOVING_PREFIX)):
            shutil.rmtree(child, ignore_errors=True)
    for code, found in swaps.items():
        target = root / code
        try:
            if not target.exists():
                role, chosen = min(found)  # "new" before "old"
                os.rename(chosen, target)
                outcome = "completed" if role == "new" else "undid"
                log.warning("%s: %s an interrupted install", code, outcome)
            for _, leftover in found:
                if leftover.exists():
                    _discard(leftover)
        except OSError as error:
            log.warning("cannot finish the interrupted install of %s: %s", code, error)


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
            _finish_interrupted_swaps(root)
            if waited and _identity(target) != before and _metadata_or_none(target) == metadata:
                log.info(
                    "%s %s was installed meanwhile by another process",
                    metadata.code,
                    metadata.version,
                )
                return _installed_model(metadata, target, may_store_digest=True)
            staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=root))
            try:
                _extract_all(zf, staging, path)
                _check_extracted(staging / top, metadata, path)
                _store_digest(staging / top)
                staged = _installed_model(metadata, staging / top, may_store_digest=False)
                _check_translates(staged, path)
                try:
                    _swap_into_place(staging / top, target)
                except OSError as error:
                    raise InputError(path, f"cannot install into {root} ({error})") from error
            finally:
                shutil.rmtree(staging, ignore_errors=True)
            installed = replace(staged, path=target)
    log.info("installed %s %s from %s", metadata.code, metadata.version, path)
    return installed


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
    except (OSError, ValueError):
        return None


def _check_translates(staged: InstalledModel, archive: Path) -> None:
    """Translate a short sentence with the staged package, through the engine readers use, before
    it may replace a working one: files that look right but are not what they claim (a model that
    does not load, a tokenizer that is not the model's, a model that says nothing) are refused."""
    from reader.core.translate.engine import trial_translation  # the engine imports this module

    try:
        trial = trial_translation(staged, TRIAL_SENTENCE)
    except ReaderError as error:
        # Name the package's file, not the staging directory it is in.
        problem = _first_line(error).replace(f"{staged.path}{os.sep}", "")
        raise InputError(archive, f"the package does not translate ({problem})") from error
    if trial.unknown_share > TRIAL_MAX_UNKNOWN_SHARE:
        problem = (
            f"its tokenizer does not match its model ({trial.unknown_share:.0%} of the tokens of "
            "a trial sentence are unknown to the model)"
        )
        raise InputError(archive, problem)
    if not trial.translation.strip():
        raise InputError(archive, "the package translates a trial sentence into nothing")


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


# --- installed packages -------------------------------------------------------------------------


def _read_installed_metadata(package_dir: Path) -> PackageMetadata:
    """Metadata of an installed package directory; ValueError/OSError if it is not usable."""
    if not (package_dir / "model" / "model.bin").is_file():
        raise ValueError("no model/model.bin")
    if not any((package_dir / name).is_file() for name in TOKENIZER_NAMES):
        raise ValueError("no tokenizer")
    with (package_dir / "metadata.json").open("rb") as handle:
        return PackageMetadata.parse(handle.read(MAX_METADATA_BYTES + 1))


def _installed_model(
    metadata: PackageMetadata, package_dir: Path, *, may_store_digest: bool
) -> InstalledModel:
    """The package as installed, for its first pair (see _installed_pairs for all)."""
    return InstalledModel(
        code=metadata.code,
        from_code=metadata.from_code,
        to_code=metadata.to_code,
        from_name=metadata.from_name,
        to_name=metadata.to_name,
        version=metadata.version,
        path=package_dir,
        target_prefix=metadata.target_prefix,
        digest=_package_digest(package_dir, may_store=may_store_digest),
    )


def _installed_pairs(
    metadata: PackageMetadata, package_dir: Path, *, may_store_digest: bool
) -> list[InstalledModel]:
    """One InstalledModel per pair the package translates, all on the same files."""
    first = _installed_model(metadata, package_dir, may_store_digest=may_store_digest)
    names = dict(metadata.names)
    return [first] + [
        replace(
            first,
            from_code=pair.from_code,
            to_code=pair.to_code,
            from_name=names.get(pair.from_code, pair.from_code),
            to_name=names.get(pair.to_code, pair.to_code),
            target_prefix=pair.target_prefix,
        )
        for pair in metadata.pairs[1:]
    ]


# --- content digest -----------------------------------------------------------------------------


def _digested_files(package_dir: Path) -> list[Path]:
    """The files translations depend on: the metadata (target prefix), the model, the tokenizers
    (not the README, nor the sentence splitters of Argos, which we do not use)."""
    files = [package_dir / "metadata.json"]
    files += [package_dir / name for name in TOKENIZER_NAMES if (package_dir / name).is_file()]
    return files + sorted(path for path in (package_dir / "model").rglob("*") if path.is_file())


def content_digest(package_dir: Path) -> str:
    """sha256 over the names, sizes and bytes of the package's `_digested_files`."""
    digest = hashlib.sha256()
    for path in _digested_files(package_dir):
        digest.update(f"{path.relative_to(package_dir).as_posix()}\0".encode())
        digest.update(f"{path.stat().st_size}\0".encode())
        with path.open("rb") as handle:
            while chunk := handle.read(COPY_CHUNK_BYTES):
                digest.update(chunk)
    return digest.hexdigest()


def _store_digest(package_dir: Path) -> str:
    """Compute the package's digest and write it to its DIGEST_NAME file (atomically)."""
    digest = content_digest(package_dir)
    scratch = package_dir / f"{DIGEST_NAME}-{secrets.token_hex(4)}"
    try:
        scratch.touch(mode=0o600)  # user-only, as everything in the data folder
        scratch.write_text(digest + "\n", encoding="ascii")
        os.replace(scratch, package_dir / DIGEST_NAME)
    finally:
        scratch.unlink(missing_ok=True)
    return digest


def _package_digest(package_dir: Path, *, may_store: bool) -> str:
    """The digest stored at install. A package installed before digests existed gets it computed
    (SHA-256 reads some 1.5 GB/s: well under a second for a large model) and, if `may_store`
    (the packages lock is held, so no swap can put another package at this path meanwhile),
    stored for next time."""
    with suppress(OSError, UnicodeDecodeError):
        stored = (package_dir / DIGEST_NAME).read_text(encoding="ascii").strip()
        if DIGEST.fullmatch(stored):
            return stored
    if not may_store:
        return content_digest(package_dir)
    try:
        return _store_digest(package_dir)
    except OSError as error:  # a read-only directory: compute it every time
        log.warning("%s: cannot store the digest of its files (%s)", package_dir, error)
        return content_digest(package_dir)


def list_installed() -> list[InstalledModel]:
    """Usable packages in `models_dir()`, sorted by code then version; broken ones are skipped.

    First finishes what a crash left of an install (see `_finish_interrupted_swaps`), unless an
    install or removal is running (in this process or another): a window asking what is
    installed must not freeze until it ends, and that one's work directories are not leftovers.
    """
    root = models_dir()
    try:
        with _packages_lock.hold("tidying", timeout=0):
            _finish_interrupted_swaps(root)
            return _packages_in(root, may_store_digests=True)
    except ReaderError:  # the lock is taken, or cannot be (a read-only directory): just look
        return _packages_in(root, may_store_digests=False)


def _packages_in(root: Path, *, may_store_digests: bool) -> list[InstalledModel]:
    found = []
    for child in sorted(root.iterdir()):
        if child.name.startswith(WORK_DIR_PREFIX) or not child.is_dir():
            continue
        try:
            metadata = _read_installed_metadata(child)
            models = _installed_pairs(metadata, child, may_store_digest=may_store_digests)
        except (OSError, ValueError) as error:
            log.warning("ignoring %s: %s", child, error)
            continue
        found += models
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
    installed_codes = {model.code for model in list_installed()}
    wanted = code if code in installed_codes else normalise_code(code)  # a multi-pair code
    was_there = any(model.code == wanted for model in list_installed())
    with _packages_lock.hold(_busy("remove", wanted)) as waited:
        matches = [model for model in list_installed() if model.code == wanted]
        if not matches:
            gone = waited and was_there
            meanwhile = ": another Bilingual Reader process removed it meanwhile" if gone else ""
            raise ReaderError(f"model {wanted} is not installed{meanwhile}")
        for path in dict.fromkeys(model.path for model in matches):  # a multi-pair one: once
            _discard(path)
    return max(matches, key=lambda model: version_key(model.version))
