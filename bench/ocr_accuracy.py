"""OCR accuracy and speed on Vietnamese pages rendered from text we did not tune on.

Paragraphs of the constitution (plain text) and of the novel (EPUB) in `shared/samples/real/`
are drawn with DejaVu Sans as A4 pages at 200 dpi, with Gaussian noise and a slight skew (1-2°),
OCR'd with the installed (or shared) Vietnamese data, and compared with the drawn text:
character error rate = Levenshtein distance / reference length, over whitespace-normalised text.

    PYTHONPATH=. python bench/ocr_accuracy.py [--pages 6] [--pdf FILE]

With `--pdf`, a PDF with a text layer is also turned into a scan (each page drawn at 200 dpi,
noisy and skewed, saved as an image-only PDF) and imported whole, through the same path as a
user's scan (render at 300 dpi, OCR, paragraphs): its text is compared with the text layer's.

Goals: CER <= 2 %, <= 5 s a page on 2 cores.
"""

from __future__ import annotations

import argparse
import random
import sys
import textwrap
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont
from rapidfuzz.distance import Levenshtein

from reader.core.documents.loader import load_document
from reader.core.ocr.data import OcrData, find_data
from reader.core.ocr.engine import OcrEngine

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REAL = SHARED / "samples" / "real"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DPI = 200
PAGE_PIXELS = (int(8.27 * DPI), int(11.69 * DPI))  # A4
FONT_POINTS = 11
MARGIN = DPI  # one inch


def paragraphs(path: Path, skip: int, count: int) -> list[str]:
    """Prose paragraphs of a real document (long ones: headings say little about accuracy)."""
    prose = [b.text for b in load_document(path).blocks if len(b.text) > 200]
    return prose[skip : skip + count]


def render_page(texts: list[str], rng: random.Random) -> tuple[Image.Image, str]:
    """A noisy, slightly skewed page of the paragraphs that fit; and the text drawn."""
    font = ImageFont.truetype(str(FONT), round(FONT_POINTS * DPI / 72))
    page = Image.new("L", PAGE_PIXELS, 255)
    draw = ImageDraw.Draw(page)
    line_height = round(font.size * 1.4)
    chars_per_line = int((PAGE_PIXELS[0] - 2 * MARGIN) / (font.size * 0.55))
    y, drawn = MARGIN, []
    for text in texts:
        lines = textwrap.wrap(text, chars_per_line)
        if y + line_height * len(lines) > PAGE_PIXELS[1] - MARGIN:
            break
        for line in lines:
            draw.text((MARGIN, y), line, font=font, fill=0)
            y += line_height
        y += line_height // 2
        drawn.append(" ".join(lines))
    page = page.rotate(rng.uniform(1, 2) * rng.choice((-1, 1)), fillcolor=255, expand=False)
    noise = Image.effect_noise(PAGE_PIXELS, 40)
    page = Image.blend(page, noise, 0.15).filter(ImageFilter.GaussianBlur(0.5))
    return page, "\n".join(drawn)


def character_error_rate(reference: str, hypothesis: str) -> float:
    reference, hypothesis = " ".join(reference.split()), " ".join(hypothesis.split())
    return Levenshtein.distance(reference, hypothesis) / max(1, len(reference))


def scanned_copy(pdf: Path, dest: Path, rng: random.Random) -> int:
    """An image-only copy of the PDF, as a scanner would make it; returns its page count."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    pages = []
    for page in document:
        image = page.render(scale=DPI / 72, grayscale=True).to_pil()
        skewed = image.rotate(rng.uniform(1, 2) * rng.choice((-1, 1)), fillcolor=255)
        noisy = Image.blend(skewed, Image.effect_noise(skewed.size, 40), 0.15)
        pages.append(noisy.filter(ImageFilter.GaussianBlur(0.5)))
    document.close()
    pages[0].save(dest, "PDF", resolution=DPI, save_all=True, append_images=pages[1:])
    return len(pages)


def scanned_pdf_figures(pdf: Path, rng: random.Random) -> None:
    import tempfile

    reference = "\n".join(block.text for block in load_document(pdf).blocks)
    with tempfile.TemporaryDirectory() as directory:
        scan = Path(directory) / pdf.name
        pages = scanned_copy(pdf, scan, rng)
        started = time.perf_counter()
        document = load_document(scan)
        seconds = time.perf_counter() - started
    found = "\n".join(block.text for block in document.blocks)
    print(
        f"{pdf.name} scanned: CER {character_error_rate(reference, found):.2%} over "
        f"{len(reference)} characters, {seconds / pages:.2f} s a page ({pages} pages, "
        f"{len(document.blocks)} blocks; text layer: {len(load_document(pdf).blocks)})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=6)
    parser.add_argument("--pdf", type=Path, help="a PDF with a text layer, to scan and read")
    args = parser.parse_args()
    data = find_data("vie") or OcrData("vie", SHARED / "data/tessdata/vie.traineddata", True)
    sources = [REAL / "hien-phap-2013.txt", REAL / "ngo-tat-to-tat-den.epub"]
    rng = random.Random(11)
    errors = length = 0
    seconds = 0.0
    with OcrEngine(data) as engine:
        for number in range(args.pages):
            source = sources[number % 2]
            page, reference = render_page(paragraphs(source, 20 + 8 * number, 8), rng)
            started = time.perf_counter()
            found = "\n".join(p.text for p in engine.recognise(page))
            seconds += time.perf_counter() - started
            cer = character_error_rate(reference, found)
            errors += round(cer * len(reference))
            length += len(reference)
            print(f"page {number + 1} ({source.name}): CER {cer:.2%}, {len(reference)} chars")
    print(f"CER {errors / length:.2%} over {length} characters")
    print(f"{seconds / args.pages:.2f} s a page ({args.pages} pages, {DPI} dpi)")
    if args.pdf:
        scanned_pdf_figures(args.pdf, rng)
    return 0


if __name__ == "__main__":
    sys.exit(main())
