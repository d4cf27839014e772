"""How faithfully the importers rebuild real documents: one line of figures per document.

For each document of `../shared/samples/real/` (when present) and of the files and folders given
on the command line, prints: blocks, the share of prose blocks ending mid-sentence (a block that
ends without terminal punctuation and whose next block starts in lower case: a paragraph cut in
two), tables, code blocks, footnotes, the most sentences in one prose block (a
run of paragraphs read as one), running header/footer lines left (short lines repeated on
many pages), contents lines sent to the model (dot leaders and page numbers in translated text),
lone table cells left as paragraphs, seconds to import, and the title.

Goals (issue 11): mid-sentence < 2 % for text, HTML, EPUB and DOCX, < 3 % for PDF; 0 contents
lines and 0 code blocks sent to the model; 0 table cells as paragraphs.

Run: `.venv/bin/python bench/document_fidelity.py [FILE_OR_FOLDER...]`
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "samples" / "real"
sys.path.insert(0, str(REPO))

from reader.core.documents import load_document  # noqa: E402
from reader.core.documents.model import BlockKind, Document  # noqa: E402
from reader.core.errors import InputError  # noqa: E402

PROSE = {BlockKind.PARAGRAPH, BlockKind.LIST_ITEM, BlockKind.QUOTE, BlockKind.FOOTNOTE}
# A sentence may end in . ! ? … : ; followed by closing quotes or brackets.
ENDS_SENTENCE = re.compile(r"[.!?…:;]['\"”’»)\]]*$")
CONTENTS_LINE = re.compile(r"(\.{4,}|…{2,}|(\. ){4,})\s*\d+\s*$", re.MULTILINE)
# An enumerated point ("a)", "đ)", "- ", "+ ") starts a block of its own by design, even after a
# line without punctuation ("…gồm:" or "1. Thể thức văn bản" then "a) Quốc hiệu").
LIST_MARKER = re.compile(r"^([a-zđ]\)|[-+•–]\s)")
LONE_CELL = re.compile(r"^[\W\d_]{0,3}$|^\d+[.)]?$")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args()
    files = [path for path in _documents(args.paths)]
    print(
        f"{'document':44} {'fmt':>4} {'blocks':>6} {'mid-sent':>8} {'tables':>6} {'code':>4} "
        f"{'notes':>5} {'longest':>7} {'hdr/ftr':>7} {'toc→MT':>6} {'cells':>5} {'secs':>5}  title"
    )
    for path in files:
        try:
            started = time.perf_counter()
            document = load_document(path)
            seconds = time.perf_counter() - started
        except InputError as error:
            print(f"{path.name[:44]:44} refused: {error}")
            continue
        print(_figures(path, document, seconds))
    return 0


def _documents(paths: list[Path]) -> list[Path]:
    roots = ([SAMPLES] if SAMPLES.is_dir() else []) + paths
    found = []
    for root in roots:
        if root.is_dir():
            found += sorted(p for p in root.iterdir() if p.is_file() and p.suffix != ".md")
        else:
            found.append(root)
    return found


def _figures(path: Path, document: Document, seconds: float) -> str:
    kinds = Counter(block.kind for block in document.blocks)
    return (
        f"{path.name[:44]:44} {document.format:>4} {len(document.blocks):>6} "
        f"{mid_sentence_share(document):>7.1%} {kinds[BlockKind.TABLE]:>6} "
        f"{kinds[BlockKind.CODE]:>4} {kinds[BlockKind.FOOTNOTE]:>5} "
        f"{max((len(b.sentences) for b in document.blocks if b.kind in PROSE), default=0):>7} "
        f"{repeated_short_lines(document):>7} {contents_lines_translated(document):>6} "
        f"{lone_cells(document):>5} {seconds:>5.1f}  {document.title[:60]}"
    )


def mid_sentence_share(document: Document) -> float:
    blocks = document.blocks
    prose = [i for i, block in enumerate(blocks) if block.kind in PROSE]
    if not prose:
        return 0.0
    cut = sum(
        1
        for i in prose
        if i + 1 < len(blocks)
        and blocks[i + 1].kind in PROSE
        and not ENDS_SENTENCE.search(blocks[i].text)
        and blocks[i + 1].text[:1].islower()
        and not LIST_MARKER.match(blocks[i + 1].text)
    )
    return cut / len(prose)


def repeated_short_lines(document: Document) -> int | str:
    """Short blocks that come back three times or more, digits ignored: what running headers and
    footers (title, page number) leave behind. Only paged formats have them."""
    if document.format != "pdf":
        return "-"
    shapes = Counter(
        re.sub(r"\d+", "#", block.text)
        for block in document.blocks
        if block.kind in PROSE | {BlockKind.HEADING} and len(block.text) <= 80
    )
    return sum(count for shape, count in shapes.items() if count >= 3 and "#" in shape)


def contents_lines_translated(document: Document) -> int:
    # A form's blanks in a table cell ("Số: ....../......") are dots too, not a contents page.
    return sum(
        len(CONTENTS_LINE.findall(block.text))
        for block in document.blocks
        if block.translate and block.kind is not BlockKind.TABLE
    )


def lone_cells(document: Document) -> int:
    return sum(
        1
        for block in document.blocks
        if block.kind in (BlockKind.PARAGRAPH, BlockKind.TABLE_CELL) and LONE_CELL.match(block.text)
    )


if __name__ == "__main__":
    raise SystemExit(main())
