"""`bireader export FILE [--to LANG] --format html|epub|md [--layout ...] -o OUT`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from reader.cli.options import add_translation_pair, target_for
from reader.cli.output import printable, report_warnings
from reader.core.documents import load_document
from reader.core.export import FORMATS, LAYOUTS, export_document
from reader.core.files import check_target, is_stream
from reader.core.storage import open_database
from reader.core.translate.service import TranslationService


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export", help="write the document with its translation (HTML, EPUB or Markdown)"
    )
    parser.add_argument("file")
    add_translation_pair(parser)
    parser.add_argument(
        "--format", choices=FORMATS, default=None, help="default: from OUT's suffix, else html"
    )
    parser.add_argument("--layout", choices=LAYOUTS, default="side-by-side")
    parser.add_argument(
        "-o", "--output", required=True, type=Path, metavar="OUT", help="a file, or - for stdout"
    )
    parser.set_defaults(func=_export)


def _export(args: argparse.Namespace) -> int:
    export_format = args.format or _format_from_suffix(args.output)
    check_target(args.output)  # before reading and translating the document
    document = load_document(args.file, language=args.from_code)
    report_warnings(document.warnings)
    database = open_database()
    try:
        service = TranslationService(database)
        with tqdm(
            total=document.sentence_count, unit="sent", file=sys.stderr, leave=False, desc="export"
        ) as bar:
            output = export_document(
                service,
                document,
                target_for(args.to_code, document.language),
                args.output,
                format=export_format,
                layout=args.layout,
                on_progress=lambda done, _total: bar.update(done - bar.n),
            )
    finally:
        database.close()
    print(printable(str(output)), file=sys.stderr if is_stream(output) else sys.stdout)
    return 0


def _format_from_suffix(output: Path) -> str:
    suffix = output.suffix.lower().lstrip(".")
    suffix = {"htm": "html", "markdown": "md", "xhtml": "html"}.get(suffix, suffix)
    return suffix if suffix in FORMATS else "html"
