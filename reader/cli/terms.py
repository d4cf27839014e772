"""`bireader terms DOC_ID`: a document's abbreviations, and which of them the model sees
written out (`--disable`, `--enable`, `--no-expansion`, `--expansion`)."""

from __future__ import annotations

import argparse
import json

from reader.cli.options import positive_integer, utf8_text
from reader.cli.output import printable
from reader.core.errors import ReaderError
from reader.core.library import get_document
from reader.core.storage import open_database
from reader.core.terms import document_abbreviations
from reader.core.terms.abbreviations import Abbreviation
from reader.core.terms.settings import (
    ExpansionSettings,
    expansion_settings,
    set_abbreviation_expansion,
    set_document_expansion,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "terms", help="a document's abbreviations, expanded for the translation"
    )
    parser.add_argument("document", type=positive_integer, metavar="DOC_ID")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    switch = parser.add_mutually_exclusive_group()
    switch.add_argument(
        "--disable", type=utf8_text, metavar="ABBR", help="keep ABBR short for the model"
    )
    switch.add_argument("--enable", type=utf8_text, metavar="ABBR", help="expand ABBR again")
    switch.add_argument(
        "--no-expansion",
        dest="expansion",
        action="store_false",
        default=None,
        help="expand none of the document's abbreviations",
    )
    switch.add_argument(
        "--expansion", dest="expansion", action="store_true", help="expand them again (default)"
    )
    parser.set_defaults(func=_terms)


def _terms(args: argparse.Namespace) -> int:
    database = open_database()
    document = get_document(database, args.document)
    found = document_abbreviations(document)
    abbreviation = args.disable or args.enable
    if abbreviation is not None:
        if abbreviation not in {item.abbreviation for item in found}:
            raise ReaderError(f"document {args.document} has no abbreviation {abbreviation!r}")
        set_abbreviation_expansion(
            database, document.content_hash, abbreviation, args.enable is not None
        )
    if args.expansion is not None:
        set_document_expansion(database, document.content_hash, args.expansion)
    settings = expansion_settings(database, document.content_hash)
    if args.json:
        print(json.dumps([_json(item, settings) for item in found], ensure_ascii=False, indent=2))
    else:
        _print_table(found, settings)
    return 0


def _json(item: Abbreviation, settings: ExpansionSettings) -> dict:
    return {**item.to_json(), "expanded": settings.expands(item.abbreviation)}


def _print_table(found: list[Abbreviation], settings: ExpansionSettings) -> None:
    if not settings.expand:
        print("(expansion is off for this document: the model sees the abbreviations)")
    for item in found:
        where = f"document ¶{item.block_index + 1}" if item.block_index is not None else "builtin"
        mark = "" if settings.expands(item.abbreviation) else "  [kept short]"
        fields = [item.abbreviation, item.expansion, where, f"{item.count}×{mark}"]
        print("\t".join(printable(field) for field in fields))
