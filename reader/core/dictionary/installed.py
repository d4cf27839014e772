"""Installing, listing, opening and removing dictionaries under the data directory.

Each dictionary is a folder `dictionaries/<name>/` holding its StarDict files under one stem
(`dictionary.ifo`, `.idx`, `.dict` or `.dict.dz`, `.syn`), the look-up index built from them and
`about.json` (its name and languages). An install is staged in a hidden folder beside the others,
checked whole, then renamed into place: a failure leaves nothing new, and a dictionary it replaces
keeps working until the rename.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import tempfile
import unicodedata
import zlib
from collections import Counter
from collections.abc import Collection, Iterator
from contextlib import suppress
from dataclasses import asdict, dataclass
from pathlib import Path

from reader.core import paths
from reader.core.dictionary.archives import StarDictFiles, gather_files
from reader.core.dictionary.index import INDEX_NAME, HeadwordIndex, build_index
from reader.core.dictionary.normalise import headword_key
from reader.core.dictionary.stardict import Articles, Field, Ifo, read_ifo, split_fields
from reader.core.errors import InputError, ReaderError, os_problem, warn

STEM = "dictionary"
ABOUT_NAME = "about.json"
STAGING_PREFIX = ".staging-"
LANGUAGE_SAMPLE = 300  # headwords enough for py3langid to tell the language apart
TARGET_SHARE = 0.3  # of the articles' lines, for their language to be the target


@dataclass(frozen=True, slots=True)
class DictionaryInfo:
    name: str  # the folder's name, what `dict remove` takes
    title: str  # the .ifo's bookname
    source_language: str
    target_language: str
    wordcount: int
    synwordcount: int
    types: str  # the .ifo's sametypesequence ("" when each article says)


@dataclass(frozen=True, slots=True)
class Article:
    headword: str
    fields: tuple[Field, ...]


class UnknownDictionaryError(ReaderError):
    def __init__(self, name: str):
        super().__init__(f"no dictionary named {name!r} is installed (see `bireader dict list`)")


def dictionaries_dir() -> Path:
    path = paths.data_dir() / "dictionaries"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


class Dictionary:
    """An installed dictionary, opened for look-ups: its index file only, nothing parsed."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.info = _read_about(folder)
        self.index = HeadwordIndex(folder / INDEX_NAME)
        self._articles = Articles(_article_file(folder))
        self._types = self.info.types

    def lookup(self, key: str) -> list[Article]:
        """The articles under a comparison key (see `headword_key`)."""
        return [
            Article(headword, tuple(split_fields(self._articles.read(offset, size), self._types)))
            for headword, offset, size in self.index.find(key)
        ]

    def present(self, keys: Collection[str]) -> set[str]:
        """Which of these comparison keys are headwords here."""
        return self.index.present(keys)

    def close(self) -> None:
        self.index.close()


def install_dictionary(
    source: Path, source_language: str | None = None, target_language: str | None = None
) -> DictionaryInfo:
    """Install a dictionary from an `.ifo` file (with its siblings), a folder, or an archive
    (`.tar.gz`, `.tar.bz2`, `.tar.xz`, `.zip`), replacing one of the same name."""
    source = Path(source)
    root = dictionaries_dir()
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=root))
    try:
        files = gather_files(source, staging, STEM)
        info = _prepare(staging, files, source, source_language, target_language)
        _swap_into_place(staging, root / info.name)
    except OSError as error:
        raise InputError(source, f"cannot be installed ({os_problem(error)})") from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return info


def _prepare(
    staging: Path,
    files: StarDictFiles,
    source: Path,
    source_language: str | None,
    target_language: str | None,
) -> DictionaryInfo:
    ifo = read_ifo(files.ifo)
    idx = _plain_idx(files.idx, ifo)
    articles = Articles(files.articles)
    build_index(staging, ifo, idx, files.syn, articles.size())
    index = HeadwordIndex(staging / INDEX_NAME)
    try:
        source_language = source_language or _guess_language(index.sample(LANGUAGE_SAMPLE))
        target_language = target_language or _guess_target(index, articles, ifo, source_language)
    finally:
        index.close()
    info = DictionaryInfo(
        name=_folder_name(ifo, source),
        title=ifo.bookname or files.ifo.stem,
        source_language=source_language,
        target_language=target_language,
        wordcount=ifo.wordcount,
        synwordcount=ifo.synwordcount,
        types=ifo.sametypesequence,
    )
    (staging / ABOUT_NAME).write_text(json.dumps(asdict(info), ensure_ascii=False), "utf-8")
    return info


def _plain_idx(idx: Path, ifo: Ifo) -> Path:
    """Some dictionaries ship their index gzipped (`.idx.gz`): stored inflated, never beyond
    the size the `.ifo` declares (a gzip bomb stops there, and the size check then fails)."""
    if idx.suffix != ".gz":
        return idx
    plain = idx.with_suffix("")
    try:
        with gzip.open(idx) as packed, plain.open("wb") as unpacked:
            unpacked.write(packed.read(ifo.idxfilesize + 1))
    except (OSError, EOFError, zlib.error) as error:
        raise InputError(idx, f"the gzipped index is damaged ({error})") from error
    idx.unlink()
    return plain


def _folder_name(ifo: Ifo, source: Path) -> str:
    """A name easy to type in `dict remove`: the book's name in ASCII ("Việt–Anh" → viet-anh)."""
    spelt = (ifo.bookname or source.stem).replace("đ", "d").replace("Đ", "D")
    letters = "".join(
        c for c in unicodedata.normalize("NFD", spelt) if not unicodedata.combining(c)
    )
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", letters).strip(".-")
    return name.lower()[:64] or "dictionary"


def _guess_language(headwords: list[str]) -> str:
    from reader.core.segment.language import detect_language

    return detect_language("\n".join(headwords)) if headwords else "und"


def _guess_target(index: HeadwordIndex, articles: Articles, ifo: Ifo, source_language: str) -> str:
    """The language most lines of the articles are in, other than the headwords' own: a
    bilingual dictionary's articles quote examples in the source language too."""
    from reader.core.segment.language import language_confidence

    votes: Counter[str] = Counter()
    for headword in index.sample(LANGUAGE_SAMPLE // 3):
        for _, offset, size in index.find(headword_key(headword))[:1]:
            for field in split_fields(articles.read(offset, size), ifo.sametypesequence):
                lines = field.text.replace(headword, " ").splitlines()
                votes.update(language_confidence(line)[0] for line in lines if len(line) > 12)
    others = [(count, code) for code, count in votes.items() if code != source_language]
    if others and max(others)[0] >= TARGET_SHARE * sum(votes.values()):
        return max(others)[1]
    return source_language


def _swap_into_place(staging: Path, target: Path) -> None:
    """Rename the checked staging folder to `target`; an older version is renamed aside first
    and deleted after, so `target` is always one whole dictionary or none."""
    old = target.with_name(f"{STAGING_PREFIX}old-{target.name}")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.rename(target, old)
    try:
        os.rename(staging, target)
    except OSError:
        if old.exists():
            os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def list_dictionaries() -> list[DictionaryInfo]:
    return [info for _, info in _installed()]


def _installed() -> Iterator[tuple[Path, DictionaryInfo]]:
    for folder in sorted(dictionaries_dir().iterdir()):
        if folder.name.startswith(".") or not (folder / ABOUT_NAME).is_file():
            continue
        try:
            yield folder, _read_about(folder)
        except InputError:
            continue  # damaged by hand: `dict list` should still list the others


def open_dictionary(name: str) -> Dictionary:
    folder = dictionaries_dir() / name
    if name.startswith(".") or "/" in name or not (folder / ABOUT_NAME).is_file():
        raise UnknownDictionaryError(name)
    return Dictionary(folder)


def open_dictionaries(source_language: str | None = None) -> list[Dictionary]:
    """Every installed dictionary from `source_language` (all of them for None); one whose
    files were damaged since is left out with a warning, not the others with it."""
    opened = []
    for folder, info in _installed():
        if source_language in (None, info.source_language):
            try:
                opened.append(Dictionary(folder))
            except InputError as error:
                warn(folder, f"left out of look-ups: {error.problem}")
    return opened


def installed_state() -> tuple[tuple[str, int], ...]:
    """What changes when a dictionary is installed, replaced or removed (for a long-lived
    reader to know when to open them again)."""
    state = []
    for folder in sorted(dictionaries_dir().iterdir()):
        with suppress(OSError):
            state.append((folder.name, (folder / ABOUT_NAME).stat().st_mtime_ns))
    return tuple(state)


def remove_dictionary(name: str) -> DictionaryInfo:
    folder = dictionaries_dir() / name
    if name.startswith(".") or "/" in name or not (folder / ABOUT_NAME).is_file():
        raise UnknownDictionaryError(name)
    info = _read_about(folder)
    doomed = folder.with_name(f"{STAGING_PREFIX}removing-{name}")
    os.rename(folder, doomed)  # gone at once for readers, even if deleting takes a while
    shutil.rmtree(doomed, ignore_errors=True)
    return info


def _read_about(folder: Path) -> DictionaryInfo:
    path = folder / ABOUT_NAME
    try:
        return DictionaryInfo(**json.loads(path.read_text("utf-8")))
    except (OSError, ValueError, TypeError) as error:
        raise InputError(path, f"is damaged ({error}): install the dictionary again") from error


def _article_file(folder: Path) -> Path:
    for suffix in (".dict.dz", ".dict"):
        path = folder / f"{STEM}{suffix}"
        if path.is_file():
            return path
    raise InputError(folder, "the dictionary's articles are missing: install it again")
