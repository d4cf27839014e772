"""`bireader search QUERY`: full-text search over the library's documents and notes."""

from __future__ import annotations

import argparse
import json

from reader.cli.options import positive_integer, utf8_text
from reader.cli.output import printable
from reader.core.notes.search import SearchHit, search
from reader.core.storage import open_database


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "search", help="search documents and notes (accents optional: 'viet' finds 'Việt')"
    )
    parser.add_argument(
        "query", nargs="+", type=utf8_text, help="words to find (each as a word prefix)"
    )
    parser.add_argument(
        "--document", type=positive_integer, metavar="ID", help="only in this document"
    )
    parser.add_argument("--limit", type=positive_integer, default=20)
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument("--notes", action="store_true", help="search notes only")
    scope.add_argument("--text", action="store_true", help="search documents' text only")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(func=_search)


def _search(args: argparse.Namespace) -> int:
    hits = search(
        open_database(),
        " ".join(args.query),
        document_id=args.document,
        limit=args.limit,
        include_documents=not args.notes,
        include_notes=not args.text,
    )
    if args.json:
        print(json.dumps([hit.to_json() for hit in hits], ensure_ascii=False, indent=2))
        return 0
    for hit in hits:
        print(_line(hit))
    return 0 if hits else 1


def _line(hit: SearchHit) -> str:
    where = f"doc {hit.document_id} ¶{hit.block_index + 1}"
    kind = f"note {hit.annotation_uuid}" if hit.kind == "note" else "text"
    return f"{where}  {kind}  [{printable(hit.document_title)}]\n    {printable(_marked(hit))}"


def _marked(hit: SearchHit) -> str:
    """The snippet with matches in [brackets]."""
    text, out, last = " ".join(hit.snippet.split("\n")), [], 0
    for start, end in hit.highlights:
        out += [text[last:start], "[", text[start:end], "]"]
        last = end
    out.append(text[last:])
    return "".join(out)
