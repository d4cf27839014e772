"""`bireader ocr available|list|install|remove`: the Tesseract language data that OCR needs;
and `ocr_page_bar`, the progress of OCR for the commands that open documents (light to import:
the data management is imported by the `ocr` handlers only)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from reader.cli.output import printable
from reader.core.ocr.options import OcrOptions, OcrProgress, ocr_options

if TYPE_CHECKING:
    from reader.core.ocr.data import OcrData

SUFFIX = ".traineddata"  # as `reader.core.ocr.data.SUFFIX`


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "ocr", help="install and remove the language data that reads scans and images"
    )
    commands = parser.add_subparsers(dest="ocr_command", metavar="ACTION", required=True)

    available = commands.add_parser("available", help="OCR data that can be downloaded")
    available.add_argument("--json", action="store_true", help="machine-readable output")
    available.set_defaults(func=_available)

    listing = commands.add_parser("list", help="installed OCR data (ours and the system's)")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(func=_list)

    install = commands.add_parser(
        "install", help=f"install OCR data: a language to download (vie) or a {SUFFIX} file"
    )
    install.add_argument("data", metavar="LANG-or-FILE")
    install.set_defaults(func=_install)

    remove = commands.add_parser("remove", help="remove installed OCR data")
    remove.add_argument("language", help="e.g. vie")
    remove.set_defaults(func=_remove)


def _data_json(data: OcrData) -> dict:
    return {"language": data.language, "path": str(data.path), "system": data.system}


def _available(args: argparse.Namespace) -> int:
    from reader.core.ocr.data import CATALOGUE, find_data
    from reader.core.sizes import human_size

    rows = []
    for entry in CATALOGUE:
        found = find_data(entry.language)
        rows.append(
            {
                "language": entry.language,
                "name": entry.name,
                "size": entry.size,
                "url": entry.url,
                "sha256": entry.sha256,
                "installed": str(found.path) if found else None,
            }
        )
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    print(f"{'LANG':<6} {'NAME':<12} {'SIZE':>9}  INSTALLED")
    for row in rows:
        size, installed = human_size(row["size"]), printable(row["installed"] or "-")
        print(f"{row['language']:<6} {row['name']:<12} {size:>9}  {installed}")
    return 0


def _list(args: argparse.Namespace) -> int:
    from reader.core.ocr.data import list_data

    found = list_data()
    if args.json:
        print(json.dumps([_data_json(data) for data in found], ensure_ascii=False, indent=2))
        return 0
    if not found:
        print("no OCR data installed (see `bireader ocr available`)", file=sys.stderr)
    for data in found:
        origin = " (system)" if data.system else ""
        print(f"{data.language:<8} {printable(str(data.path))}{origin}")
    return 0


def _install(args: argparse.Namespace) -> int:
    from reader.cli.models import ProgressBar
    from reader.core.ocr.data import download_data, install_file

    path = Path(args.data)
    if path.exists() or args.data.endswith(SUFFIX):
        data = install_file(path)
    else:
        bar = ProgressBar(f"{args.data}{SUFFIX}")
        try:
            data = download_data(args.data, progress=bar)
        finally:
            bar.close()
    print(f"installed OCR data {data.language} ({printable(str(data.path))})")
    return 0


def _remove(args: argparse.Namespace) -> int:
    from reader.core.ocr.data import remove_data

    data = remove_data(args.language)
    print(f"removed OCR data {data.language} ({printable(str(data.path))})")
    return 0


@contextmanager
def ocr_page_bar() -> Iterator[None]:
    """Around a command that opens documents: a bar of pages on stderr while a scan is OCR'd."""
    from reader.cli.models import ProgressBar  # tqdm is imported once a page is OCR'd

    bar = ProgressBar("OCR", unit="page")

    def show(progress: OcrProgress) -> None:
        bar(progress.done, progress.total)

    try:
        with ocr_options(OcrOptions(progress=show)):
            yield
    finally:
        bar.close()
