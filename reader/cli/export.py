"""`bireader export FILE [--to LANG] --format html|epub|md|pdf [--layout ...] -o OUT`, with the
highlights and notes the library holds for that text."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from reader.cli.options import add_translation_pair, target_for
from reader.cli.output import printable, report_warnings
from reader.core.documents import load_document
from reader.core.export import FORMATS, LAYOUTS, export_document
from reader.core.export_notes import stored_annotations
from reader.core.files import check_target, is_stream
from reader.core.storage import open_database
from reader.core.translate.service import TranslationService

PDF = "pdf"  # written by Qt (reader.app.printing), not by the core
ALL_FORMATS = (*FORMATS, PDF)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export", help="write the document with its translation (HTML, EPUB, Markdown or PDF)"
    )
    parser.add_argument("file")
    add_translation_pair(parser)
    parser.add_argument(
        "--format",
        choices=ALL_FORMATS,
        default=None,
        help="default: from OUT's suffix, else html",
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
        annotations = stored_annotations(database, document)
        with tqdm(
            total=document.sentence_count, unit="sent", file=sys.stderr, leave=False, desc="export"
        ) as bar:
            to_code = target_for(args.to_code, document.language)
            options = dict(
                layout=args.layout,
                annotations=annotations,
                on_progress=lambda done, _total: bar.update(done - bar.n),
            )
            if export_format == PDF:
                output = _export_pdf(service, document, to_code, args.output, **options)
            else:
                output = export_document(
                    service, document, to_code, args.output, format=export_format, **options
                )
    finally:
        database.close()
    print(printable(str(output)), file=sys.stderr if is_stream(output) else sys.stdout)
    return 0


def _export_pdf(service, document, to_code: str, output: Path, **options) -> Path:
    from reader.app.printing import ensure_gui_application, export_pdf  # Qt: only for a PDF

    ensure_gui_application()
    return export_pdf(service, document, to_code, output, **options)


def _format_from_suffix(output: Path) -> str:
    suffix = output.suffix.lower().lstrip(".")
    suffix = {"htm": "html", "markdown": "md", "xhtml": "html"}.get(suffix, suffix)
    return suffix if suffix in ALL_FORMATS else "html"
