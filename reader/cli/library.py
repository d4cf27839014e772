"""`bireader library add|list|rename|remove|migrate`."""

from __future__ import annotations

import argparse
import json

from reader.cli.ocr import ocr_page_bar
from reader.cli.options import AUTO, positive_integer, source_language, utf8_text
from reader.cli.output import printable, report_warnings
from reader.core.library import (
    LibraryEntry,
    add_document,
    list_documents_with_progress,
    remove_document,
    rename_document,
)
from reader.core.storage import open_database
from reader.core.storage.db import library_url
from reader.core.translate.service import TranslationService


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("library", help="add, list, rename and remove documents")
    commands = parser.add_subparsers(dest="library_command", metavar="ACTION", required=True)

    add = commands.add_parser("add", help="import a file; prints the document's id")
    add.add_argument("file")
    add.add_argument(
        "--lang",
        "--from",
        dest="lang",
        default=AUTO,
        type=source_language,
        metavar="LANG",
        help="source language code, or auto (default)",
    )
    add.set_defaults(func=_add)

    listing = commands.add_parser("list", help="list the documents")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(func=_list)

    rename = commands.add_parser(
        "rename", help="give a document your title (kept when the file is imported again)"
    )
    rename.add_argument("id", type=positive_integer)
    rename.add_argument(
        "title", type=utf8_text, help='the new title; "" goes back to the imported one'
    )
    rename.set_defaults(func=_rename)

    remove = commands.add_parser("remove", help="remove a document (the file is not touched)")
    remove.add_argument("id", type=positive_integer)
    remove.set_defaults(func=_remove)

    migrate = commands.add_parser(
        "migrate",
        help="copy the whole library into another, empty one (SQLite ⇄ PostgreSQL)",
        description="Copy every document, note, translation and edit of the current library "
        "(BIREADER_DATABASE_URL, the preference, or the local file) into an empty library: "
        "postgresql://USER@HOST/DATABASE (password from ~/.pgpass) or a SQLite file.",
    )
    migrate.add_argument("--to", required=True, metavar="URL", help="the target library")
    migrate.set_defaults(func=_migrate)


def _add(args: argparse.Namespace) -> int:
    with ocr_page_bar():
        result = add_document(open_database(), args.file, language=args.lang)
    report_warnings(result.document.warnings)
    print(result.document_id)
    return 0


def _list(args: argparse.Namespace) -> int:
    """By id, with the progress the window's library shows (read, translated)."""
    database = open_database()
    entries = list_documents_with_progress(database, TranslationService(database))
    entries.sort(key=lambda entry: entry.id)
    if args.json:
        print(json.dumps([_listed(entry) for entry in entries], ensure_ascii=False, indent=2))
        return 0
    for entry in entries:
        title = printable(entry.title)
        print(f"{entry.id:>4}  {entry.language:<3} {entry.sentences:>6} sent.  {title}")
        print(f"      {_percent(entry.reading_progress)} read, {_translated(entry)} translated")
        print(f"      {printable(entry.path or '')}")
    return 0


def _listed(entry: LibraryEntry) -> dict:
    return {**entry.to_json(), "translated": entry.translated, "read": entry.reading_progress}


def _percent(value: int | None) -> str:
    return "—" if value is None else f"{value}%"


def _translated(entry: LibraryEntry) -> str:
    if entry.translated is None or not entry.sentences:
        return "—"
    return _percent(100 * entry.translated // entry.sentences)


def _rename(args: argparse.Namespace) -> int:
    entry = rename_document(open_database(), args.id, args.title)
    print(f"{entry.id}: {printable(entry.title)}")
    return 0


def _remove(args: argparse.Namespace) -> int:
    entry = remove_document(open_database(), args.id)
    print(f"removed {entry.id}: {printable(entry.title)}")
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from reader.core.storage.transfer import copy_library

    source = open_database()
    target = open_database(library_url(args.to))
    try:
        copied = copy_library(source, target)
    finally:
        source.close()
        target.close()
    counts = ", ".join(f"{rows} {table}" for table, rows in copied.rows.items() if rows)
    print(f"copied to {target.location}: {counts or 'an empty library'}")
    return 0
