"""What the bilingual exports make of real documents: one line of figures per document and format.

For each document of `../shared/samples/real/` (when present) and of the files given on the
command line, exports side by side into HTML, Markdown and EPUB with the shared copy model
(`../shared/models/translate-vi_en-copy.argosmodel`, whose "translation" is its input; its
translations are cached in `--home`, so a second run only writes) and prints:

* the document's tables, code blocks, contents pages and letterheads;
* the export's tables and code blocks, read back as HTML (Markdown rendered by markdown-it
  with tables): the goal is twice the document's (original and translation), none of them
  merged or broken by a fence inside the code; line breaks (<br>) kept;
* for EPUB, how many of its XHTML files are well-formed;
* the output file's mode under umask 0 (goal 600), and whether a character device given as the
  output is still a device afterwards (root only: a device node made with mknod, a stand-in
  for /dev/null);
* seconds to export (translation included on the first run).

Run: `.venv/bin/python bench/export_fidelity.py [--home DIR] [FILE...]`
"""

from __future__ import annotations

import argparse
import contextlib
import os
import stat
import sys
import tempfile
import time
import zipfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLES = SHARED / "samples" / "real"
COPY_MODEL = SHARED / "models" / "translate-vi_en-copy.argosmodel"
sys.path.insert(0, str(REPO))

FORMATS = ("html", "md", "epub")
KINDS = ("table", "code", "contents", "header")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--home", type=Path, default=Path(tempfile.gettempdir()) / "bench-export")
    args = parser.parse_args()
    os.environ["BIREADER_HOME"] = str(args.home)
    from reader.core.documents import load_document
    from reader.core.storage import open_database
    from reader.core.translate.service import TranslationService

    _install_copy_model()
    database = open_database()
    service = TranslationService(database, beam_size=1)
    print(
        f"{'document':40} {'fmt':>4} {'tab/code/toc/hdr':>16} {'→ tables':>8} {'code':>4} "
        f"{'<br>':>5} {'xhtml ok':>8} {'mode':>4} {'device':>6} {'secs':>6}"
    )
    paths = args.paths or sorted(SAMPLES.iterdir()) if SAMPLES.is_dir() else args.paths
    for path in paths:
        if path.name == "README.md":
            continue
        document = load_document(path)
        kinds = Counter(block.kind.value for block in document.blocks)
        in_document = "/".join(str(kinds[kind]) for kind in KINDS)
        for format in FORMATS:
            figures = _figures(service, document, format)
            print(f"{path.name[:40]:40} {format:>4} {in_document:>16} {figures}")
    database.close()
    return 0


def _install_copy_model() -> None:
    from reader.core.translate.packages import find_installed, install_package_file

    if find_installed("vi", "en") is None:
        install_package_file(COPY_MODEL)


def _figures(service, document, format: str) -> str:
    from reader.core.export import export_document

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"out.{format}"
        previous = os.umask(0)
        try:
            started = time.perf_counter()
            export_document(service, document, "en", out, format=format)
            seconds = time.perf_counter() - started
        finally:
            os.umask(previous)
        mode = f"{stat.S_IMODE(out.stat().st_mode):o}"
        pages, well_formed = _pages(out, format)
        device = _device_kept(service, document, Path(folder), format)
    tables = sum(len(_content_tables(page)) for page in pages)
    code = sum(len(page.xpath("//*[local-name()='pre']")) for page in pages)
    breaks = sum(len(page.xpath("//*[local-name()='br']")) for page in pages)
    return (
        f"{tables:>8} {code:>4} {breaks:>5} {well_formed:>8} {mode:>4} {device:>6} {seconds:>6.1f}"
    )


def _pages(out: Path, format: str) -> tuple[list, str]:
    from lxml import etree, html
    from markdown_it import MarkdownIt

    if format == "html":
        return [html.parse(str(out)).getroot()], "-"
    if format == "md":
        rendered = MarkdownIt("commonmark").enable("table").render(out.read_text(encoding="utf-8"))
        return [html.fromstring(f"<html><body>{rendered}</body></html>")], "-"
    pages, names = [], []
    with zipfile.ZipFile(out) as archive:
        names = [name for name in archive.namelist() if name.endswith(".xhtml")]
        for name in names:
            with contextlib.suppress(etree.XMLSyntaxError):  # counted as not well-formed
                pages.append(etree.fromstring(archive.read(name)))
    return pages, f"{len(pages)}/{len(names)}"


def _content_tables(page) -> list:
    """The document's tables, not the side-by-side layout's own two-column one(s)."""
    return [
        table
        for table in page.xpath("//*[local-name()='table']")
        if "bilingual" not in (table.get("class") or "")
        and not table.xpath(".//*[local-name()='th'][1][normalize-space()='Tiếng Việt']")
    ]


def _device_kept(service, document, folder: Path, format: str) -> str:
    """Export into a character device node (a copy of /dev/null's): is it still a device?"""
    from reader.core.export import export_document

    if os.geteuid() != 0:
        return "n/a"
    node = folder / "null"
    os.mknod(node, 0o666 | stat.S_IFCHR, os.stat("/dev/null").st_rdev)
    export_document(service, document, "en", node, format=format)
    return "kept" if stat.S_ISCHR(node.lstat().st_mode) else "LOST"


if __name__ == "__main__":
    sys.exit(main())
