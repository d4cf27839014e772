"""The look-up index an installed dictionary keeps beside its files.

StarDict's `.idx` is sorted by its own collation of the exact spelling, so it cannot answer
"hòa bình" when the headword is "hoà bình", nor "ban bí thư" for "Ban Bí thư". At install the
headwords and synonyms are read once, checked against the `.ifo`, and stored in a small SQLite
file under their comparison key (`headword_key`): opening a dictionary is then opening that file
(a millisecond, whatever its size), and a look-up is one indexed query.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path

from reader.core.dictionary.normalise import headword_key
from reader.core.dictionary.stardict import Ifo, IndexEntry, read_idx, read_syn
from reader.core.errors import InputError

INDEX_NAME = "index.sqlite3"
FORMAT_VERSION = 1  # raised when the key or the schema changes: older indexes are rebuilt
_SCHEMA = """
CREATE TABLE headwords (key TEXT NOT NULL, headword TEXT NOT NULL, offset INTEGER NOT NULL,
                        size INTEGER NOT NULL);
CREATE INDEX headwords_key ON headwords (key);
"""


def build_index(folder: Path, ifo: Ifo, idx: Path, syn: Path | None, articles_size: int) -> Path:
    """Check the index files against the `.ifo` and the articles, and write the look-up index
    (whole, or not at all)."""
    entries = _checked_entries(ifo, idx, articles_size)
    synonyms = _checked_synonyms(ifo, syn, entries) if syn else []
    target = folder / INDEX_NAME
    partial = folder / f"{INDEX_NAME}.partial"
    partial.unlink(missing_ok=True)
    connection = sqlite3.connect(partial)
    try:
        with connection:
            connection.executescript(_SCHEMA)
            connection.execute(f"PRAGMA user_version = {FORMAT_VERSION}")
            connection.executemany("INSERT INTO headwords VALUES (?, ?, ?, ?)", _rows(entries))
            connection.executemany("INSERT INTO headwords VALUES (?, ?, ?, ?)", synonyms)
    finally:
        connection.close()
    os.replace(partial, target)
    return target


def _rows(entries: Iterable[IndexEntry]) -> Iterator[tuple[str, str, int, int]]:
    for entry in entries:
        yield headword_key(entry.headword), entry.headword, entry.offset, entry.size


def _checked_entries(ifo: Ifo, idx: Path, articles_size: int) -> list[IndexEntry]:
    data = idx.read_bytes()
    if len(data) != ifo.idxfilesize:
        raise InputError(idx, f"is {len(data)} bytes, the .ifo says idxfilesize={ifo.idxfilesize}")
    entries = list(read_idx(data, ifo.offset_bits, idx))
    if len(entries) != ifo.wordcount:
        raise InputError(idx, f"has {len(entries)} headwords, the .ifo says {ifo.wordcount}")
    for entry in entries:
        if entry.offset + entry.size > articles_size:
            raise InputError(
                idx,
                f"{entry.headword!r} points past the end of the articles ({articles_size} bytes)",
            )
    return entries


def _checked_synonyms(
    ifo: Ifo, syn: Path, entries: list[IndexEntry]
) -> list[tuple[str, str, int, int]]:
    rows = []
    for spelling, ordinal in read_syn(syn.read_bytes(), syn):
        if ordinal >= len(entries):
            raise InputError(syn, f"{spelling!r} points at headword {ordinal} of {len(entries)}")
        entry = entries[ordinal]
        rows.append((headword_key(spelling), entry.headword, entry.offset, entry.size))
    if ifo.synwordcount and len(rows) != ifo.synwordcount:
        raise InputError(syn, f"has {len(rows)} synonyms, the .ifo says {ifo.synwordcount}")
    return rows


class HeadwordIndex:
    """Read-only queries on an installed dictionary's index; shared by threads (the window
    looks up in a worker), so one connection guarded by a lock."""

    def __init__(self, path: Path):
        self.path = path
        uri = f"{path.resolve().as_uri()}?mode=ro"
        try:
            self._connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
            version = self._connection.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.Error as error:
            raise InputError(path, f"the dictionary's index cannot be read ({error})") from error
        if version != FORMAT_VERSION:
            self._connection.close()
            raise InputError(path, "the dictionary's index is outdated: install it again")
        self._lock = threading.Lock()

    def find(self, key: str) -> list[tuple[str, int, int]]:
        """(headword, offset, size) of each article under `key`, in index order, once each."""
        with self._lock:
            rows = self._connection.execute(
                "SELECT headword, offset, size FROM headwords WHERE key = ? ORDER BY rowid", (key,)
            ).fetchall()
        return list(dict.fromkeys(rows))

    def present(self, keys: Collection[str]) -> set[str]:
        """Which of `keys` are headwords: one query for all the spans around a pointed word."""
        if not keys:
            return set()
        marks = ", ".join("?" * len(keys))
        with self._lock:
            rows = self._connection.execute(
                f"SELECT DISTINCT key FROM headwords WHERE key IN ({marks})", tuple(keys)
            ).fetchall()
        return {row[0] for row in rows}

    def sample(self, count: int) -> list[str]:
        """Some headwords, spread over the dictionary (for guessing its language)."""
        with self._lock:
            total = self._connection.execute("SELECT max(rowid) FROM headwords").fetchone()[0] or 0
            step = max(total // max(count, 1), 1)
            return [
                row[0]
                for row in self._connection.execute(
                    "SELECT headword FROM headwords WHERE rowid % ? = 0 LIMIT ?", (step, count)
                )
            ]

    def close(self) -> None:
        self._connection.close()
