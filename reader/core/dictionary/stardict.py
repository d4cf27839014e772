"""Reading StarDict dictionaries (the format of GoldenDict, KOReader, sdcv).

A dictionary is a few files with one stem: `.ifo` (what it is, how many words), `.idx` (the
sorted headwords, each with the offset and size of its article), `.dict` or `.dict.dz` (the
articles; `.dz` is dictzip: gzip cut in chunks that can be inflated one by one) and an optional
`.syn` (other spellings, each pointing at a headword's ordinal in `.idx`). Format:
https://github.com/huzheng001/stardict-3/blob/master/dict/doc/StarDictFileFormat

Our own small reader rather than a library: the PyPI readers (pystardict, pysdcv, stargaze)
parse the whole index into a Python dict at open, inflate whole `.dz` files, or are
unmaintained, and pyglossary is a converter far larger than what we need. Reading the
format is a few dozen lines; random access into dictzip is what makes a look-up cheap.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reader.core.errors import InputError

IFO_MAGIC = "StarDict's dict ifo file"
VERSIONS = ("2.4.2", "3.0.0")
# Types of a field in an article: lower case ones are text ended by NUL, upper case ones
# binary data preceded by their size (StarDictFileFormat, "sametypesequence").
TEXT_TYPES = frozenset("mlgtxykwhnr")
DATA_TYPES = frozenset("WPX")
MAX_IFO_BYTES = 64 * 1024
MAX_HEADWORD_BYTES = 256  # the format's limit, which also bounds a corrupt .idx's damage


@dataclass(frozen=True, slots=True)
class Ifo:
    """The `.ifo` file's facts, checked."""

    bookname: str
    version: str
    wordcount: int
    idxfilesize: int
    offset_bits: int  # 32, or 64 (version 3.0.0 only)
    sametypesequence: str  # "" when each article names its fields' types
    synwordcount: int
    description: str


@dataclass(frozen=True, slots=True)
class Field:
    """One part of an article: its type letter and its content."""

    type: str
    data: bytes

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")


@dataclass(frozen=True, slots=True)
class IndexEntry:
    headword: str
    offset: int
    size: int


def read_ifo(path: Path) -> Ifo:
    """Parse and check an `.ifo` file; InputError names what is wrong."""
    try:
        raw = path.read_bytes()[: MAX_IFO_BYTES + 1]
    except OSError as error:
        raise InputError(path, f"cannot be read ({error.strerror})") from error
    if len(raw) > MAX_IFO_BYTES:
        raise InputError(path, "is too large for a StarDict .ifo file")
    lines = raw.decode("utf-8", errors="replace").lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != IFO_MAGIC:
        raise InputError(path, f"is not a StarDict .ifo file (its first line is not {IFO_MAGIC!r})")
    options = dict(line.split("=", 1) for line in lines[1:] if "=" in line)
    try:
        return _checked_ifo({key.strip(): value.strip() for key, value in options.items()})
    except ValueError as error:
        raise InputError(path, str(error)) from error


def _checked_ifo(options: dict[str, str]) -> Ifo:
    version = options.get("version", "")
    if version not in VERSIONS:
        raise ValueError(f"StarDict version {version!r} is not one of {', '.join(VERSIONS)}")
    offset_bits = _count(options, "idxoffsetbits", default=32)
    if offset_bits not in (32, 64) or (offset_bits == 64 and version != "3.0.0"):
        raise ValueError(f"idxoffsetbits={offset_bits} is not valid for version {version}")
    sequence = options.get("sametypesequence", "")
    unknown = set(sequence) - TEXT_TYPES - DATA_TYPES
    if unknown:
        raise ValueError(f"sametypesequence has unknown types {''.join(sorted(unknown))!r}")
    return Ifo(
        bookname=options.get("bookname") or "",
        version=version,
        wordcount=_count(options, "wordcount"),
        idxfilesize=_count(options, "idxfilesize"),
        offset_bits=offset_bits,
        sametypesequence=sequence,
        synwordcount=_count(options, "synwordcount", default=0),
        description=options.get("description", ""),
    )


def _count(options: dict[str, str], key: str, default: int | None = None) -> int:
    value = options.get(key)
    if value is None:
        if default is None:
            raise ValueError(f"{key} is missing")
        return default
    if not value.isdigit() or (int(value) == 0 and default is None):
        raise ValueError(f"{key}={value!r} is not a positive whole number")
    return int(value)


def read_idx(data: bytes, offset_bits: int, path: Path) -> Iterator[IndexEntry]:
    """The `.idx` entries in file order (sorted as StarDict sorts, not as we compare)."""
    number = struct.Struct(">QI" if offset_bits == 64 else ">II")
    position = 0
    while position < len(data):
        end = data.find(b"\0", position, position + MAX_HEADWORD_BYTES + 1)
        if end < 0 or end + 1 + number.size > len(data):
            raise InputError(path, f"the index is damaged at byte {position}")
        offset, size = number.unpack_from(data, end + 1)
        yield IndexEntry(data[position:end].decode("utf-8", errors="replace"), offset, size)
        position = end + 1 + number.size


def read_syn(data: bytes, path: Path) -> Iterator[tuple[str, int]]:
    """(other spelling, ordinal of its headword in `.idx`) for each `.syn` entry."""
    position = 0
    while position < len(data):
        end = data.find(b"\0", position, position + MAX_HEADWORD_BYTES + 1)
        if end < 0 or end + 5 > len(data):
            raise InputError(path, f"the synonyms file is damaged at byte {position}")
        (ordinal,) = struct.unpack_from(">I", data, end + 1)
        yield data[position:end].decode("utf-8", errors="replace"), ordinal
        position = end + 5


def split_fields(article: bytes, sametypesequence: str) -> list[Field]:
    """An article's fields: typed by `sametypesequence`, or by a letter before each field."""
    if sametypesequence:
        return _fields_of_sequence(article, sametypesequence)
    fields, position = [], 0
    while position < len(article):
        kind = chr(article[position])
        data, position = _field_at(article, position + 1, kind, last=False)
        fields.append(Field(kind, data))
    return fields


def _fields_of_sequence(article: bytes, sequence: str) -> list[Field]:
    fields, position = [], 0
    for number, kind in enumerate(sequence):
        data, position = _field_at(article, position, kind, last=number == len(sequence) - 1)
        fields.append(Field(kind, data))
    return fields


def _field_at(article: bytes, position: int, kind: str, *, last: bool) -> tuple[bytes, int]:
    """A field's content and where the next one starts. With `sametypesequence` the last field
    has neither its NUL nor its size: it is the rest of the article."""
    if last:
        return article[position:], len(article)
    if kind.isupper():
        (size,) = (
            struct.unpack_from(">I", article, position) if position + 4 <= len(article) else (0,)
        )
        start = position + 4
        return article[start : start + size], start + size
    end = article.find(b"\0", position)
    end = len(article) if end < 0 else end
    return article[position:end], end + 1


class Articles:
    """Random access to the articles of a `.dict` or a `.dict.dz` file."""

    def __init__(self, path: Path):
        self.path = path
        self._chunks = _dictzip_chunks(path) if path.name.endswith(".dz") else None

    def read(self, offset: int, size: int) -> bytes:
        if self._chunks is None:
            with self.path.open("rb") as file:
                file.seek(offset)
                return file.read(size)
        return self._chunks.read(offset, size)

    def size(self) -> int:
        """The articles' total (uncompressed) size, for checking index offsets."""
        if self._chunks is None:
            return self.path.stat().st_size
        return self._chunks.uncompressed_size()


class _DictzipChunks:
    """A dictzip file's chunks: each inflated on its own, the last few kept (a look-up and its
    neighbours mostly fall in the same chunks)."""

    CACHED_CHUNKS = 64  # 64 x 58 KB (dictzip's default chunk): under 4 MB a dictionary

    def __init__(self, path: Path, chunk_length: int, starts: tuple[int, ...]):
        self.path = path
        self.chunk_length = chunk_length  # uncompressed bytes per chunk
        self.starts = starts  # file offset of each compressed chunk, and of the end
        self._chunk = lru_cache(maxsize=self.CACHED_CHUNKS)(self._inflate)

    def read(self, offset: int, size: int) -> bytes:
        first = offset // self.chunk_length
        last = min((offset + size - 1) // self.chunk_length, len(self.starts) - 2)
        data = b"".join(self._chunk(number) for number in range(first, last + 1))
        start = offset - first * self.chunk_length
        return data[start : start + size]

    def uncompressed_size(self) -> int:
        chunks = len(self.starts) - 1
        return (chunks - 1) * self.chunk_length + len(self._chunk(chunks - 1)) if chunks else 0

    def cache_info(self):
        return self._chunk.cache_info()

    def _inflate(self, number: int) -> bytes:
        start, end = self.starts[number], self.starts[number + 1]
        with self.path.open("rb") as file:
            file.seek(start)
            compressed = file.read(end - start)
        try:
            return zlib.decompressobj(-zlib.MAX_WBITS).decompress(compressed)
        except zlib.error as error:
            raise InputError(
                self.path, f"damaged dictzip chunk at byte {start} ({error})"
            ) from error


_FTEXT, _FHCRC, _FEXTRA, _FNAME, _FCOMMENT = 1, 2, 4, 8, 16


def _dictzip_chunks(path: Path) -> _DictzipChunks:
    """The chunk table of a dictzip file: the gzip header's extra field "RA" (random access)
    holds the chunk length and each chunk's compressed size (dictzip(1))."""
    with path.open("rb") as file:
        header = file.read(10)
        if len(header) < 10 or header[:3] != b"\x1f\x8b\x08":
            raise InputError(path, "is not a gzip (dictzip) file")
        flags = header[3]
        if not flags & _FEXTRA:
            raise InputError(
                path, "is gzip but not dictzip (no chunk table): recompress it with dictzip"
            )
        (extra_length,) = struct.unpack("<H", file.read(2))
        extra = file.read(extra_length)
        for flag in (_FNAME, _FCOMMENT):
            if flags & flag:
                _skip_zero_terminated(file)
        if flags & _FHCRC:
            file.read(2)
        data_start = file.tell()
    chunk_length, sizes = _random_access_field(extra, path)
    starts = [data_start]
    for size in sizes:
        starts.append(starts[-1] + size)
    return _DictzipChunks(path, chunk_length, tuple(starts))


def _random_access_field(extra: bytes, path: Path) -> tuple[int, tuple[int, ...]]:
    position = 0
    while position + 4 <= len(extra):
        tag, length = (
            extra[position : position + 2],
            struct.unpack_from("<H", extra, position + 2)[0],
        )
        body = extra[position + 4 : position + 4 + length]
        if tag == b"RA" and len(body) >= 6:
            _version, chunk_length, count = struct.unpack_from("<HHH", body)
            if chunk_length and len(body) >= 6 + 2 * count:
                return chunk_length, struct.unpack_from(f"<{count}H", body, 6)
        position += 4 + length
    raise InputError(path, "is gzip but not dictzip (no chunk table): recompress it with dictzip")


def _skip_zero_terminated(file) -> None:
    while file.read(1) not in (b"\0", b""):
        pass
