"""Taking a dictionary's files out of what the user gave: an `.ifo` file (with its siblings), a
folder, or an archive (tar, compressed or not, or zip).

An archive is checked whole before anything is copied, as model packages are: member names
(no absolute path, no `..`, no odd characters), types (regular files and folders only: no
links, no devices), count and sizes. Only the StarDict files of exactly one dictionary are then
copied, under one stem, into the staging folder: nothing else of the archive reaches the disk.
"""

from __future__ import annotations

import shutil
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from reader.core.documents.files import check_regular_file
from reader.core.errors import InputError

MAX_MEMBERS = 10_000
MAX_TOTAL_BYTES = 4 * 1024**3
MAX_RATIO = 200  # uncompressed / compressed, beyond which a zip member is a bomb
# Each file's role and the suffixes it may have, the preferred one first.
ROLES = {
    "ifo": (".ifo",),
    "idx": (".idx", ".idx.gz"),
    "articles": (".dict.dz", ".dict"),
    "syn": (".syn",),
}
TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")


@dataclass(frozen=True, slots=True)
class StarDictFiles:
    ifo: Path
    idx: Path
    articles: Path
    syn: Path | None


@dataclass(frozen=True, slots=True)
class _Member:
    name: str  # its path in the source, "/"-separated
    size: int
    open: Callable[[], AbstractContextManager[BinaryIO]]


def gather_files(source: Path, staging: Path, stem: str) -> StarDictFiles:
    """Copy one dictionary's files from `source` into `staging` as `<stem><suffix>`."""
    copied = {}
    with _members(source) as members:
        for role, member in _one_dictionary(members, source).items():
            suffix = next(s for s in ROLES[role] if member.name.lower().endswith(s))
            target = staging / f"{stem}{suffix}"
            _copy(member, target, source)
            copied[role] = target
    return StarDictFiles(copied["ifo"], copied["idx"], copied["articles"], copied.get("syn"))


@contextmanager
def _members(source: Path) -> Iterator[list[_Member]]:
    """The files `source` holds, readable while the block runs (an archive stays open)."""
    if source.is_dir():
        yield _folder_members(source)
        return
    check_regular_file(source)  # a FIFO, a device, a broken link: refused for what it is
    name = source.name.lower()
    if name.endswith(".ifo"):
        yield _folder_members(source.parent, stem=source.name[: -len(".ifo")])
        return
    if name.endswith(".zip"):
        with _opened(zipfile.ZipFile, source, "zip") as archive:
            yield _zip_members(archive, source)
        return
    if name.endswith(TAR_SUFFIXES):
        with _opened(tarfile.open, source, "tar") as archive:
            yield _tar_members(archive, source)
        return
    raise InputError(
        source,
        "is not a StarDict dictionary: give its .ifo file, its folder, or a .tar.gz, "
        ".tar.bz2, .tar.xz or .zip archive of its files",
    )


def _folder_members(folder: Path, stem: str | None = None) -> list[_Member]:
    members = []
    for path in sorted(folder.iterdir()):
        if stem is not None and not path.name.startswith(f"{stem}."):
            continue
        if path.is_symlink() or not path.is_file() or _role(path.name) is None:
            continue  # links are not followed: the dictionary is the files themselves
        members.append(_Member(path.name, path.stat().st_size, lambda path=path: path.open("rb")))
    return members


@contextmanager
def _opened(opener: Callable, source: Path, kind: str) -> Iterator:
    try:
        archive = opener(source)
    except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise InputError(source, f"is not a readable {kind} archive ({error})") from error
    with archive:
        yield archive


def _zip_members(archive: zipfile.ZipFile, source: Path) -> list[_Member]:
    infos = archive.infolist()
    _check_count(infos, source)
    members = []
    for info in infos:
        _check_name(info.filename, source)
        mode = info.external_attr >> 16
        if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
            raise InputError(source, f"member {info.filename!r} is a link or a special file")
        if info.flag_bits & 0x1:
            raise InputError(source, f"member {info.filename!r} is encrypted")
        if info.file_size > 1024**2 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise InputError(source, f"member {info.filename!r} inflates too much (zip bomb?)")
        if not info.is_dir():
            members.append(_Member(info.filename, info.file_size, lambda i=info: archive.open(i)))
    _check_total(members, source)
    return members


def _tar_members(archive: tarfile.TarFile, source: Path) -> list[_Member]:
    try:
        infos = archive.getmembers()  # reads the whole archive once: a damaged one fails here
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise InputError(source, f"is not a readable tar archive ({error})") from error
    _check_count(infos, source)
    members = []
    for info in infos:
        _check_name(info.name, source)
        if not (info.isfile() or info.isdir()):
            raise InputError(source, f"member {info.name!r} is a link or a special file")
        if info.isfile():
            members.append(_Member(info.name, info.size, lambda i=info: archive.extractfile(i)))
    _check_total(members, source)
    return members


def _check_name(name: str, source: Path) -> None:
    if "\\" in name or "\0" in name or name.startswith("/") or ":" in name:
        raise InputError(source, f"member {name!r} has an absolute path or a forbidden character")
    if ".." in PurePosixPath(name).parts:
        raise InputError(source, f"member {name!r} escapes its folder")


def _check_count(infos: list, source: Path) -> None:
    if len(infos) > MAX_MEMBERS:
        raise InputError(source, f"has too many members ({len(infos)} > {MAX_MEMBERS})")


def _check_total(members: list[_Member], source: Path) -> None:
    total = sum(member.size for member in members)
    if total > MAX_TOTAL_BYTES:
        raise InputError(source, f"unpacks to {total} bytes, over the limit of {MAX_TOTAL_BYTES}")


def _role(name: str) -> str | None:
    lowered = name.lower()
    return next(
        (role for role, suffixes in ROLES.items() if lowered.endswith(suffixes)),
        None,
    )


def _stem(name: str) -> str:
    lowered = name.lower()
    suffix = next(s for suffixes in ROLES.values() for s in suffixes if lowered.endswith(s))
    return name[: -len(suffix)]


def _one_dictionary(members: list[_Member], source: Path) -> dict[str, _Member]:
    ifos = [member for member in members if _role(member.name) == "ifo"]
    if not ifos:
        raise InputError(source, "holds no StarDict dictionary (no .ifo file)")
    if len(ifos) > 1:
        names = ", ".join(member.name for member in ifos)
        raise InputError(source, f"holds {len(ifos)} dictionaries ({names}): install one at a time")
    stem = _stem(ifos[0].name)
    found = {"ifo": ifos[0]}
    for role, suffixes in ROLES.items():
        for suffix in suffixes:  # the preferred form when both are there
            match = next((m for m in members if m.name.lower() == f"{stem}{suffix}".lower()), None)
            if match and role not in found:
                found[role] = match
    for role, what in (("idx", ".idx"), ("articles", ".dict or .dict.dz")):
        if role not in found:
            raise InputError(source, f"the dictionary {stem!r} has no {what} file")
    return found


def _copy(member: _Member, target: Path, source: Path) -> None:
    """Copy a member, never more than it declared (a lying archive header)."""
    try:
        with member.open() as reader, target.open("xb") as writer:
            shutil.copyfileobj(_Limited(reader, member.size, source, member.name), writer)
    except (tarfile.TarError, zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise InputError(source, f"member {member.name!r} is damaged ({error})") from error


class _Limited:
    def __init__(self, reader: BinaryIO, limit: int, source: Path, name: str):
        self.reader, self.left, self.source, self.name = reader, limit, source, name

    def read(self, size: int = -1) -> bytes:
        data = self.reader.read(65536 if size < 0 else size)
        self.left -= len(data)
        if self.left < 0:
            raise InputError(self.source, f"member {self.name!r} is larger than it declares")
        return data
