"""`bireader open [FILE]`: the reading window (no file: the library; first run: the sample)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from reader.cli.options import language_code, source_language
from reader.core.documents.files import check_document_file
from reader.core.errors import InputError, ReaderError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "open", help="open a document in the window (no file: the library)"
    )
    parser.add_argument("file", nargs="?", help="document to read (txt, md, html, epub, docx, pdf)")
    parser.add_argument(
        "--from",
        dest="source_language",
        type=source_language,
        metavar="LANG",
        help="language of the document (default: detected)",
    )
    parser.add_argument(
        "--to",
        dest="target_language",
        type=language_code,
        metavar="LANG",
        help="language to translate into (default: as last time, else English)",
    )
    parser.add_argument(
        "--screenshot",
        metavar="OUT.png",
        type=Path,
        help="render the window (no screen needed), save a PNG of it and exit",
    )
    parser.add_argument(
        "--wait-translation",
        action="store_true",
        help="with --screenshot: wait until the visible text is translated",
    )
    parser.set_defaults(func=_open)


def _check_display(offscreen_ok: bool) -> None:
    """Qt aborts the process (core dump, misleading advice) when Linux has no display: say so
    first. A screenshot alone can be made without one."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return
    if offscreen_ok:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return
    raise ReaderError(
        "no display to open a window on: run bireader in a desktop session, use the "
        "command-line commands (bireader --help), or "
        "QT_QPA_PLATFORM=offscreen bireader open FILE --screenshot OUT.png"
    )


def _open(args: argparse.Namespace) -> int:
    file = Path(args.file) if args.file else None
    if file is not None:
        check_document_file(file)  # before Qt starts: a FIFO, a link loop... in one line
    if args.screenshot is not None:
        if args.screenshot.suffix.lower() not in (".png", ".jpg", ".jpeg", ".bmp"):
            raise InputError(args.screenshot, "screenshot must be a .png, .jpg or .bmp file")
        if not args.screenshot.parent.resolve().is_dir():
            raise InputError(args.screenshot, "the screenshot's directory does not exist")
    elif args.wait_translation:
        raise InputError("--wait-translation", "only makes sense with --screenshot")
    _check_display(args.screenshot is not None)
    try:
        from reader.app.main import run  # Qt is imported only for this command
    except ImportError as error:
        raise ReaderError(f"the window cannot start: Qt is not usable here ({error})") from error

    return run(
        file,
        source_language=args.source_language,
        target_language=args.target_language,
        screenshot=args.screenshot,
        wait_translation=args.wait_translation,
    )
