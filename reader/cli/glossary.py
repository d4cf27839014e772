"""`bireader glossary list|add|remove|import|export`: the terms the translation must obey."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from reader.cli.options import language_code, positive_integer, utf8_text
from reader.cli.output import printable
from reader.core.errors import ReaderError
from reader.core.files import writing
from reader.core.storage import open_database
from reader.core.terms.exchange import FORMATS, read_glossary_file, write_csv, write_tbx
from reader.core.terms.glossary import (
    GlossaryEntry,
    list_entries,
    make_entry,
    remove_entry,
    save_entries,
    save_entry,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "glossary", help="terms the translation obeys, per language pair"
    )
    commands = parser.add_subparsers(dest="glossary_command", metavar="ACTION", required=True)

    listing = commands.add_parser("list", help="list the entries")
    _add_pair(listing, required=False)
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(func=_list)

    add = commands.add_parser("add", help="add an entry (or replace the one for SRC)")
    add.add_argument("source", type=utf8_text, metavar="SRC")
    add.add_argument("target", type=utf8_text, metavar="TGT", nargs="?")
    _add_pair(add, required=True)
    add.add_argument("--keep", action="store_true", help="keep SRC as it is (a name, a code)")
    add.add_argument("--case-sensitive", action="store_true", help="match SRC's case exactly")
    add.add_argument(
        "--accent-insensitive", action="store_true", help="match SRC with or without diacritics"
    )
    add.set_defaults(func=_add)

    remove = commands.add_parser("remove", help="remove an entry by its id (see list)")
    remove.add_argument("id", type=positive_integer)
    remove.set_defaults(func=_remove)

    load = commands.add_parser("import", help="add the entries of a CSV or TBX file")
    load.add_argument("file", type=Path)
    _add_pair(load, required=True)
    load.set_defaults(func=_import)

    export = commands.add_parser("export", help="write the entries as CSV or TBX-Basic")
    export.add_argument("--format", choices=FORMATS, required=True)
    _add_pair(export, required=False)
    export.add_argument("--output", "-o", type=Path, help="file to write (default, or -: stdout)")
    export.set_defaults(func=_export)


def _add_pair(parser: argparse.ArgumentParser, *, required: bool) -> None:
    for option, dest in (("--from", "from_code"), ("--to", "to_code")):
        parser.add_argument(
            option, dest=dest, type=language_code, metavar="LANG", required=required
        )


def _list(args: argparse.Namespace) -> int:
    entries = list_entries(open_database(), args.from_code, args.to_code)
    if args.json:
        print(json.dumps([e.to_json() for e in entries], ensure_ascii=False, indent=2))
        return 0
    for entry in entries:
        print(_line(entry))
    return 0


def _line(entry: GlossaryEntry) -> str:
    target = "(keep as is)" if entry.keep else entry.target
    flags = [
        flag
        for flag, on in (
            ("case-sensitive", entry.case_sensitive),
            ("accent-insensitive", not entry.accent_sensitive),
        )
        if on
    ]
    pair = f"{entry.source_language}→{entry.target_language}"
    fields = [str(entry.id), pair, entry.source, target or "", " ".join(flags)]
    return "\t".join(printable(field) for field in fields).rstrip()


def _add(args: argparse.Namespace) -> int:
    if args.keep == (args.target is not None):
        raise ReaderError("glossary add: give TGT, or --keep (not both)")
    entry = make_entry(
        args.source,
        None if args.keep else args.target,
        args.from_code,
        args.to_code,
        case_sensitive=args.case_sensitive,
        accent_sensitive=not args.accent_insensitive,
    )
    print(_line(save_entry(open_database(), entry)))
    return 0


def _remove(args: argparse.Namespace) -> int:
    entry = remove_entry(open_database(), args.id)
    print(f"removed {_line(entry)}")
    return 0


def _import(args: argparse.Namespace) -> int:
    entries = read_glossary_file(args.file, args.from_code, args.to_code)
    saved = save_entries(open_database(), entries)
    print(f"imported {len(saved)} entr{'y' if len(saved) == 1 else 'ies'}")
    return 0


def _export(args: argparse.Namespace) -> int:
    entries = list_entries(open_database(), args.from_code, args.to_code)
    data = (
        write_csv(entries).encode("utf-8")
        if args.format == "csv"
        else write_tbx(entries, args.from_code or "vi")
    )
    if args.output is None:
        sys.stdout.buffer.write(data)
        return 0
    with writing(args.output) as partial:
        partial.write_bytes(data)
    print(f"wrote {printable(str(args.output))}", file=sys.stderr)
    return 0
