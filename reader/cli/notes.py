"""`bireader notes list|add|edit|delete|tags|export|import`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from reader.cli.options import positive_integer, utf8_text
from reader.cli.output import printable
from reader.core.files import write_text
from reader.core.notes.export import FORMATS, export_annotations
from reader.core.notes.service import (
    COLOURS,
    DEFAULT_COLOUR,
    SIDES,
    STATUSES,
    Annotation,
    annotate_quote,
    delete_annotation,
    list_annotations,
    list_tags,
    update_annotation,
)
from reader.core.storage import open_database


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("notes", help="highlights and notes: list, add, export, import")
    commands = parser.add_subparsers(dest="notes_command", metavar="ACTION", required=True)

    listing = commands.add_parser("list", help="list annotations (in reading order)")
    listing.add_argument("--document", type=positive_integer, metavar="ID")
    listing.add_argument("--color", "--colour", dest="colour", choices=COLOURS)
    listing.add_argument("--tag", type=utf8_text)
    listing.add_argument("--status", choices=STATUSES)
    listing.add_argument("--author", type=utf8_text, metavar="NAME", help="only this author's")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(func=_list)

    add = commands.add_parser("add", help="annotate a quote of a document; prints its uuid")
    add.add_argument("document", type=positive_integer, metavar="DOC_ID")
    add.add_argument("--quote", required=True, type=utf8_text, help="the exact text to annotate")
    add.add_argument("--side", choices=SIDES, default="original")
    add.add_argument(
        "--occurrence",
        type=positive_integer,
        metavar="N",
        help="which occurrence when the quote occurs more than once (1 = first)",
    )
    add.add_argument("--note", default="", type=utf8_text, help="note text (Markdown)")
    add.add_argument("--color", "--colour", dest="colour", choices=COLOURS, default=DEFAULT_COLOUR)
    add.add_argument(
        "--tag", action="append", default=[], type=utf8_text, help="a tag (repeatable)"
    )
    add.add_argument(
        "--private",
        action="store_true",
        help="readable by you only (on a team library, the server enforces it)",
    )
    add.add_argument("--json", action="store_true", help="print the annotation as JSON")
    add.set_defaults(func=_add)

    edit = commands.add_parser("edit", help="change an annotation's note, colour, tags or privacy")
    edit.add_argument("uuid")
    edit.add_argument("--note", type=utf8_text)
    edit.add_argument("--color", "--colour", dest="colour", choices=COLOURS)
    edit.add_argument(
        "--tag", action="append", type=utf8_text, help="replaces the tags (repeatable)"
    )
    edit.add_argument("--no-tags", action="store_true", help="remove every tag")
    privacy = edit.add_mutually_exclusive_group()
    privacy.add_argument(
        "--private", dest="private", action="store_const", const=True, help="readable by you only"
    )
    privacy.add_argument(
        "--public", dest="private", action="store_const", const=False, help="readable by all"
    )
    edit.set_defaults(func=_edit)

    remove = commands.add_parser("delete", help="delete an annotation")
    remove.add_argument("uuid")
    remove.set_defaults(func=_delete)

    tags = commands.add_parser("tags", help="list the tags in use")
    tags.add_argument("--document", type=positive_integer, metavar="ID")
    tags.set_defaults(func=_tags)

    export = commands.add_parser("export", help="export as Markdown, W3C JSON-LD or Anki CSV")
    export.add_argument("--document", type=positive_integer, metavar="ID")
    export.add_argument("--format", choices=FORMATS, required=True)
    export.add_argument("--output", "-o", type=Path, help="file to write (default, or -: stdout)")
    export.set_defaults(func=_export)

    importing = commands.add_parser("import", help="import W3C Web Annotation JSON")
    importing.add_argument("file", type=Path)
    importing.add_argument(
        "--document",
        type=positive_integer,
        metavar="ID",
        help="put every annotation on this document",
    )
    importing.add_argument(
        "--add-documents",
        action="store_true",
        help="add a document missing from the library from the local file the annotations name",
    )
    importing.set_defaults(func=_import)


def _list(args: argparse.Namespace) -> int:
    notes = list_annotations(
        open_database(),
        args.document,
        colour=args.colour,
        tag=args.tag,
        status=args.status,
        author=args.author,
    )
    if args.json:
        print(json.dumps([note.to_json() for note in notes], ensure_ascii=False, indent=2))
        return 0
    for note in notes:
        print(_line(note))
    return 0


def _line(note: Annotation) -> str:
    anchor = note.anchor
    where = f"doc {note.document_id} ¶{anchor.block_index + 1} {anchor.start}-{anchor.end}"
    side = " [translation]" if note.side == "translation" else ""
    orphan = " ORPHAN" if note.status != "anchored" else ""
    tags = printable("".join(f" #{tag}" for tag in note.tags))
    quote = " ".join(note.quote.split())
    quote = quote if len(quote) <= 60 else quote[:59] + "…"
    who = printable(f"  by {note.author}") if note.author else ""
    private = " private" if note.private else ""
    text = (
        f"{note.uuid}  {where}{side}{orphan}  {note.colour}{tags}{who}{private}"
        f"  “{printable(quote)}”"
    )
    if note.note:
        text += "\n      " + printable(" ".join(note.note.split()))
    return text


def _add(args: argparse.Namespace) -> int:
    note = annotate_quote(
        open_database(),
        args.document,
        args.quote,
        side=args.side,
        occurrence=args.occurrence,
        note=args.note,
        colour=args.colour,
        tags=args.tag,
        private=args.private,
    )
    print(json.dumps(note.to_json(), ensure_ascii=False, indent=2) if args.json else note.uuid)
    return 0


def _edit(args: argparse.Namespace) -> int:
    tags = [] if args.no_tags else args.tag
    note = update_annotation(
        open_database(),
        args.uuid,
        note=args.note,
        colour=args.colour,
        tags=tags,
        private=args.private,
    )
    print(_line(note))
    return 0


def _delete(args: argparse.Namespace) -> int:
    note = delete_annotation(open_database(), args.uuid)
    print(f"deleted {note.uuid}")
    return 0


def _tags(args: argparse.Namespace) -> int:
    for tag in list_tags(open_database(), args.document):
        print(printable(tag))
    return 0


def _export(args: argparse.Namespace) -> int:
    text = export_annotations(open_database(), args.format, args.document)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    write_text(args.output, text)
    print(f"wrote {printable(str(args.output))}", file=sys.stderr)
    return 0


def _import(args: argparse.Namespace) -> int:
    from reader.core.notes.importer import import_w3c  # pydantic: only this command pays for it

    result = import_w3c(
        open_database(), args.file, document_id=args.document, add_documents=args.add_documents
    )
    print(
        f"imported {result.imported} annotation(s) ({result.orphans} orphaned), "
        f"skipped {result.skipped} already present, added {result.documents_added} document(s)"
    )
    return 0
