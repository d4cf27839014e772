"""The vocabulary as an Anki deck package (`.apkg`, written by genanki) or as CSV, with the same
columns: Word, Definition, Sentence, Translation, Source.

The note type and the deck keep fixed ids, and each note's guid comes from its word and
sentence: importing a newer export into Anki updates the cards it made before (keeping their
review history) instead of adding copies.
"""

from __future__ import annotations

import csv
import html
from collections.abc import Sequence
from pathlib import Path

from reader.core.files import writing
from reader.core.vocabulary.service import VocabularyEntry

COLUMNS = ("Word", "Definition", "Sentence", "Translation", "Source")
FORMATS = ("apkg", "csv")
# Chosen once at random, as Anki asks (genanki's README); never change them.
MODEL_ID = 1_607_392_319
DECK_ID = 2_059_400_110
DECK_NAME = "Bilingual Reader vocabulary"
_FRONT = "<div class=word>{{Word}}</div><div class=sentence>{{Sentence}}</div>"
_BACK = (
    "{{FrontSide}}<hr id=answer><div class=definition>{{Definition}}</div>"
    "<div class=translation>{{Translation}}</div><div class=source>{{Source}}</div>"
)
_CSS = (
    ".card { font-family: sans-serif; font-size: 20px; text-align: left; }"
    ".word { font-size: 28px; font-weight: bold; } .sentence, .translation { margin-top: 1em; }"
    ".translation { color: #555; } .source { margin-top: 1em; font-size: 14px; color: #888; }"
)


def row_of(entry: VocabularyEntry) -> tuple[str, str, str, str, str]:
    return entry.word, entry.definition, entry.sentence, entry.translation, entry.source


def export_vocabulary(entries: Sequence[VocabularyEntry], target: Path, format: str) -> None:
    if format not in FORMATS:
        raise ValueError(f"unknown vocabulary format {format!r}")
    with writing(target) as partial:
        if format == "csv":
            _write_csv(entries, partial)
        else:
            _write_apkg(entries, partial)


def _write_csv(entries: Sequence[VocabularyEntry], path: Path) -> None:
    # utf-8-sig: spreadsheet programs read Vietnamese right only with the byte-order mark.
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        writer.writerows(row_of(entry) for entry in entries)


def _write_apkg(entries: Sequence[VocabularyEntry], path: Path) -> None:
    import genanki

    model = genanki.Model(
        MODEL_ID,
        "Bilingual Reader word",
        fields=[{"name": name} for name in COLUMNS],
        templates=[{"name": "Word in context", "qfmt": _FRONT, "afmt": _BACK}],
        css=_CSS,
    )
    deck = genanki.Deck(DECK_ID, DECK_NAME)
    for entry in entries:
        deck.add_note(
            genanki.Note(
                model=model,
                fields=[_anki_field(value) for value in row_of(entry)],
                guid=genanki.guid_for(entry.word, entry.sentence),
            )
        )
    genanki.Package(deck).write_to_file(str(path))


def _anki_field(text: str) -> str:
    """Anki fields are HTML: the text escaped, its line breaks kept."""
    return html.escape(text).replace("\n", "<br>")
