"""`bireader bookmarks list|add|rename|remove`: places in a document to come back to."""

from __future__ import annotations

import argparse
import json

from reader.cli.options import positive_integer, utf8_text
from reader.cli.output import printable
from reader.core.library import get_entry
from reader.core.notes.bookmarks import (
    Bookmark,
    add_bookmark,
    bookmark_quote,
    list_bookmarks,
    remove_bookmark,
    rename_bookmark,
)
from reader.core.notes.reanchor import ANCHORED
from reader.core.storage import open_database


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("bookmarks", help="bookmarks: list, add, rename, remove")
    commands = parser.add_subparsers(dest="bookmarks_command", metavar="ACTION", required=True)

    listing = commands.add_parser("list", help="list bookmarks (in reading order)")
    listing.add_argument("--document", type=positive_integer, metavar="ID")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(func=_list)

    add = commands.add_parser(
        "add", help="bookmark a sentence (default: where you left off reading); prints its uuid"
    )
    add.add_argument("document", type=positive_integer, metavar="DOC_ID")
    add.add_argument("--quote", type=utf8_text, help="bookmark the sentence this text starts in")
    add.add_argument(
        "--occurrence",
        type=positive_integer,
        metavar="N",
        help="which occurrence when the quote occurs more than once (1 = first)",
    )
    add.add_argument("--label", default="", type=utf8_text)
    add.add_argument("--json", action="store_true", help="print the bookmark as JSON")
    add.set_defaults(func=_add)

    rename = commands.add_parser("rename", help="change a bookmark's label")
    rename.add_argument("uuid")
    rename.add_argument("label", type=utf8_text)
    rename.set_defaults(func=_rename)

    remove = commands.add_parser("remove", help="remove a bookmark")
    remove.add_argument("uuid")
    remove.set_defaults(func=_remove)


def _list(args: argparse.Namespace) -> int:
    bookmarks = list_bookmarks(open_database(), args.document)
    if args.json:
        print(json.dumps([b.to_json() for b in bookmarks], ensure_ascii=False, indent=2))
        return 0
    for bookmark in bookmarks:
        print(_line(bookmark))
    return 0


def _line(bookmark: Bookmark) -> str:
    where = f"doc {bookmark.document_id} ¶{bookmark.block_index + 1}"
    orphan = " ORPHAN" if bookmark.status != ANCHORED else ""
    return f"{bookmark.uuid}  {where}{orphan}  {printable(bookmark.title)}"


def _add(args: argparse.Namespace) -> int:
    database = open_database()
    if args.quote:
        bookmark, _ = bookmark_quote(
            database, args.document, args.quote, occurrence=args.occurrence, label=args.label
        )
    else:
        block = get_entry(database, args.document).reading_block
        bookmark, _ = add_bookmark(database, args.document, block, 0, args.label)
    text = json.dumps(bookmark.to_json(), ensure_ascii=False, indent=2)
    print(text if args.json else bookmark.uuid)
    return 0


def _rename(args: argparse.Namespace) -> int:
    bookmark, _ = rename_bookmark(open_database(), args.uuid, args.label)
    print(_line(bookmark))
    return 0


def _remove(args: argparse.Namespace) -> int:
    bookmark, _ = remove_bookmark(open_database(), args.uuid)
    print(f"removed {bookmark.uuid}")
    return 0
