"""`bireader vocab list|add|remove|export`: the vocabulary list."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from reader.cli.options import positive_integer
from reader.cli.output import printable


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("vocab", help="the vocabulary list: list, add, remove, export")
    commands = parser.add_subparsers(dest="vocab_command", metavar="ACTION", required=True)

    listing = commands.add_parser("list", help="the saved words")
    listing.add_argument(
        "--document", type=positive_integer, metavar="ID", help="only this document's"
    )
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(func=_list)

    add = commands.add_parser(
        "add", help="save a word or phrase with its sentence, translation and definition"
    )
    add.add_argument("text", help="the word or phrase, as in the document")
    add.add_argument(
        "--document", type=positive_integer, required=True, metavar="ID", help="the document"
    )
    add.add_argument(
        "--occurrence",
        type=_positive,
        default=1,
        metavar="N",
        help="take the Nth sentence containing it (default: the first)",
    )
    add.set_defaults(func=_add)

    remove = commands.add_parser("remove", help="remove a saved word")
    remove.add_argument("id", type=positive_integer, help="its id, as `vocab list` shows it")
    remove.set_defaults(func=_remove)

    export = commands.add_parser("export", help="write the vocabulary as an Anki deck or CSV")
    export.add_argument("--format", choices=("apkg", "csv"), required=True)
    export.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    export.set_defaults(func=_export)


def _positive(value: str) -> int:
    number = int(value) if value.isdigit() else 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {value!r}")
    return number


def _list(args: argparse.Namespace) -> int:
    from reader.core.storage import open_database
    from reader.core.vocabulary.service import list_words

    database = open_database()
    try:
        entries = list_words(database, args.document)
    finally:
        database.close()
    if args.json:
        print(json.dumps([entry.to_json() for entry in entries], ensure_ascii=False, indent=2))
        return 0
    if not entries:
        print("the vocabulary is empty (see `bireader vocab add --help`)", file=sys.stderr)
    for entry in entries:
        definition = " ".join(entry.definition.split())  # one line a word
        print(printable(f"{entry.id:>5}  {entry.word:<24} {definition[:70]}"))
    return 0


def _add(args: argparse.Namespace) -> int:
    from reader.core.storage import open_database
    from reader.core.vocabulary.service import add_from_document

    database = open_database()
    try:
        entry, _ = add_from_document(database, args.text, args.document, args.occurrence)
    finally:
        database.close()
    print(printable(f"saved {entry.word!r} as {entry.id}: {entry.sentence}"))
    return 0


def _remove(args: argparse.Namespace) -> int:
    from reader.core.storage import open_database
    from reader.core.vocabulary.service import remove_word

    database = open_database()
    try:
        entry, _ = remove_word(database, args.id)
    finally:
        database.close()
    print(printable(f"removed {entry.word!r} ({entry.id})"))
    return 0


def _export(args: argparse.Namespace) -> int:
    from reader.core.files import check_target, is_stream
    from reader.core.storage import open_database
    from reader.core.vocabulary.export import export_vocabulary
    from reader.core.vocabulary.service import list_words

    check_target(args.output)
    database = open_database()
    try:
        entries = list_words(database)
    finally:
        database.close()
    export_vocabulary(entries, args.output, args.format)
    stream = sys.stderr if is_stream(args.output) else sys.stdout
    print(printable(f"wrote {len(entries)} words to {args.output}"), file=stream)
    return 0
