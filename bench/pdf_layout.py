"""How well the PDF importer rebuilds a document's layout, on real and typeset PDFs.

    PYTHONPATH=. .venv/bin/python bench/pdf_layout.py [FILE.pdf ...] [--repeat N] [--shared DIR]

Without files it typesets the 2013 Constitution from shared/ (tests/pdf_builder.py: running
header, page numbers, a dot-leader contents page, footnotes, a paragraph on every page break)
and reads the real court precedent. For each PDF it prints: blocks; the share of blocks that end
mid-sentence (no terminal punctuation, and the next block starts in lower case); running
header/footer lines left (bare page numbers, and the typeset header); footnotes found; contents
lines left in prose blocks; CPU seconds per 100 pages (the file repeated `--repeat` times).
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from reader.core.documents.importers.pdf import PdfImporter  # noqa: E402
from reader.core.documents.model import BlockKind  # noqa: E402
from tests.pdf_builder import Typesetter  # noqa: E402

HEADER = Typesetter.header
_TERMINAL = tuple(".!?:;…”\"')»]")
_CONTENTS_LINE = re.compile(r"(?:\.\s*){4,}\s*\d{1,4}\b")


def typeset_constitution(constitution: Path, path: Path) -> Path:
    """The Constitution typeset: chapters as headings, articles as bold headings, a footnote
    on every tenth article, and a contents page listing the chapters."""
    paragraphs = [p.strip() for p in constitution.read_text(encoding="utf-8").split("\n\n")]
    paragraphs = [" ".join(p.split()) for p in paragraphs if p.strip() and "---" not in p]
    chapters = [p for p in paragraphs if p.startswith("Chương ")]
    setter = Typesetter()
    setter.contents([(chapter, 2 + 3 * n) for n, chapter in enumerate(chapters)])
    setter.start_page()
    articles = 0
    for paragraph in paragraphs:
        if paragraph.startswith("Chương "):
            setter.heading(paragraph)
        elif re.fullmatch(r"Điều \d+\.", paragraph):
            articles += 1
            setter.heading(paragraph, size=setter.size)
        elif articles % 5 == 0 and len(paragraph) > 100:
            word = paragraph.split()[3]
            note = f"Chú thích về “{' '.join(paragraph.split()[4:7])}” của điều {articles}."
            setter.paragraph(paragraph, notes={word: note})
        else:
            setter.paragraph(paragraph)
    print(f"typeset: {setter.page_number} pages, {setter.notes_set} footnotes")
    return setter.finish(path)


def measure(path: Path, repeat: int) -> dict[str, float]:
    import pypdfium2 as pdfium

    importer = PdfImporter()
    document = importer.read(path)
    blocks = document.blocks
    prose = [b for b in blocks if b.kind in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM)]
    mid_sentence = sum(
        1
        for block, following in itertools.pairwise(prose)
        if not block.text.rstrip().endswith(_TERMINAL) and following.text[:1].islower()
    )
    furniture = sum(
        block.text.strip().isdigit() or HEADER in block.text for block in blocks if block.text
    )
    contents_in_prose = sum(
        len(_CONTENTS_LINE.findall(block.text))
        for block in blocks
        if block.kind is not BlockKind.CONTENTS
    )
    with tempfile.TemporaryDirectory() as work:
        big = Path(work) / "big.pdf"
        source = pdfium.PdfDocument(str(path))
        copy = pdfium.PdfDocument.new()
        for _ in range(repeat):
            copy.import_pages(source)
        pages = len(copy)
        copy.save(str(big))
        started = time.process_time()
        importer.read(big)
        seconds = time.process_time() - started  # CPU time: the machine is shared
    return {
        "blocks": len(blocks),
        "mid-sentence %": round(100 * mid_sentence / max(1, len(prose)), 1),
        "header/footer lines left": furniture,
        "footnotes": sum(block.kind is BlockKind.FOOTNOTE for block in blocks),
        "contents lines in prose": contents_in_prose,
        "contents blocks": sum(block.kind is BlockKind.CONTENTS for block in blocks),
        "headings": sum(block.kind is BlockKind.HEADING for block in blocks),
        "pages": pages // repeat,
        "s / 100 pages": round(100 * seconds / pages, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=5, help="copies of each file for timing")
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = parser.parse_args()
    real = args.shared / "samples" / "real"
    with tempfile.TemporaryDirectory() as work:
        files = args.files or [
            typeset_constitution(real / "hien-phap-2013.txt", Path(work) / "hien-phap.pdf"),
            real / "an-le-43-2021-AL.pdf",
        ]
        for path in files:
            print(path.name, measure(path, args.repeat))


if __name__ == "__main__":
    main()
