"""`bireader lookup TEXT [--from vi] [--json]`: what the installed dictionaries say."""

from __future__ import annotations

import argparse
import json

from reader.cli.options import language_code
from reader.cli.output import printable
from reader.core.errors import ReaderError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("lookup", help="look a word or phrase up in the dictionaries")
    parser.add_argument(
        "text", help="a word or phrase (case and tone-mark placement do not matter)"
    )
    parser.add_argument(
        "--from",
        dest="from_code",
        type=language_code,
        metavar="LANG",
        help="only dictionaries of this language (default: all)",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(func=_lookup)


def _lookup(args: argparse.Namespace) -> int:
    from reader.core.dictionary.installed import open_dictionaries
    from reader.core.dictionary.lookup import article_text, lookup

    dictionaries = open_dictionaries(args.from_code)
    if not dictionaries:
        which = f"from {args.from_code} " if args.from_code else ""
        raise ReaderError(f"no dictionary {which}is installed (see `bireader dict install --help`)")
    try:
        found = lookup(args.text, dictionaries)
    finally:
        for dictionary in dictionaries:
            dictionary.close()
    if args.json:
        rows = [
            {
                "dictionary": item.dictionary.name,
                "headword": item.article.headword,
                "definition": article_text(item.article),
            }
            for item in found
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0 if found else 1
    if not found:
        print(printable(f"{args.text}: not in the dictionaries"))
        return 1
    for item in found:
        print(printable(f"{item.article.headword} ({item.dictionary.name})"))
        print(article_text(item.article))
        print()
    return 0
