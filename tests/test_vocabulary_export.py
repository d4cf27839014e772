"""The vocabulary as an Anki package (opened as Anki would: a zip holding a SQLite collection)
and as CSV, with the same five columns."""

from __future__ import annotations

import csv
import json
import sqlite3
import zipfile
from pathlib import Path

from reader.core.vocabulary.export import COLUMNS, DECK_ID, MODEL_ID, export_vocabulary
from reader.core.vocabulary.service import add_word, list_words

WORDS = [
    ("bảo vệ", "to protect\nto defend", "Công tác bảo vệ <b>chính trị</b> nội bộ.", "Protecting."),
    ("Ban Bí thư", "the Secretariat", "Ban Bí thư chỉ đạo.", ""),
]


def _entries(database, document_id):
    for word, definition, sentence, translation in WORDS:
        add_word(
            database,
            word,
            definition=definition,
            sentence=sentence,
            translation=translation,
            document_id=document_id,
        )
    return list_words(database)


def _anki_notes(package: Path, tmp_path: Path) -> tuple[list[list[str]], dict, list[str]]:
    with zipfile.ZipFile(package) as archive:
        archive.extract("collection.anki2", tmp_path)
    connection = sqlite3.connect(tmp_path / "collection.anki2")
    try:
        notes = [row[0].split("\x1f") for row in connection.execute("SELECT flds FROM notes")]
        models = json.loads(connection.execute("SELECT models FROM col").fetchone()[0])
        guids = [row[0] for row in connection.execute("SELECT guid FROM notes")]
    finally:
        connection.close()
    return notes, models, guids


def test_the_anki_package_holds_one_note_per_word(database, document_id, tmp_path: Path):
    entries = _entries(database, document_id)
    export_vocabulary(entries, tmp_path / "deck.apkg", "apkg")
    notes, models, guids = _anki_notes(tmp_path / "deck.apkg", tmp_path)
    model = models[str(MODEL_ID)]
    assert [field["name"] for field in model["flds"]] == list(COLUMNS)
    source = entries[0].source
    assert sorted(notes) == sorted(
        [
            [
                "bảo vệ",
                "to protect<br>to defend",
                "Công tác bảo vệ &lt;b&gt;chính trị&lt;/b&gt; nội bộ.",
                "Protecting.",
                source,
            ],
            ["Ban Bí thư", "the Secretariat", "Ban Bí thư chỉ đạo.", "", source],
        ]
    )
    # a second export gives the same ids: Anki updates the notes instead of adding copies
    export_vocabulary(entries, tmp_path / "again.apkg", "apkg")
    again_dir = tmp_path / "again"
    again_dir.mkdir()
    assert sorted(_anki_notes(tmp_path / "again.apkg", again_dir)[2]) == sorted(guids)
    assert str(DECK_ID) in _decks(again_dir)


def _decks(folder: Path) -> dict:
    connection = sqlite3.connect(folder / "collection.anki2")
    try:
        return json.loads(connection.execute("SELECT decks FROM col").fetchone()[0])
    finally:
        connection.close()


def test_the_csv_has_the_same_columns(database, document_id, tmp_path: Path):
    entries = _entries(database, document_id)
    export_vocabulary(entries, tmp_path / "words.csv", "csv")
    with (tmp_path / "words.csv").open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0] == list(COLUMNS)
    assert rows[1:] == [[w, d, s, t, entries[0].source] for w, d, s, t in WORDS]


def test_an_empty_vocabulary_exports_an_empty_deck(tmp_path: Path):
    export_vocabulary([], tmp_path / "empty.apkg", "apkg")
    assert _anki_notes(tmp_path / "empty.apkg", tmp_path)[0] == []
