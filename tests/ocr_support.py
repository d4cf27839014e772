"""Helpers for the OCR tests: the real Vietnamese data, pages of known text drawn as images.

Tests OCR with the real tesserocr and the real `vie.traineddata` from `shared/data/tessdata`,
installed into the test's own data directory through the real installer; nothing is downloaded.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from rapidfuzz.distance import Levenshtein

from reader.core.ocr import data as ocr_data
from tests.conftest import SHARED

VIE_DATA = SHARED / "data" / "tessdata" / "vie.traineddata"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DPI = 200

# Article 16 of the 2013 Constitution, as two paragraphs.
KNOWN_TEXT = (
    "Mọi người đều bình đẳng trước pháp luật. Không ai bị phân biệt đối xử trong đời sống "
    "chính trị, dân sự, kinh tế, văn hóa, xã hội.",
    "Nhà nước bảo đảm và phát huy quyền làm chủ của Nhân dân; công nhận, tôn trọng, bảo vệ "
    "và bảo đảm quyền con người, quyền công dân.",
)
OTHER_TEXT = ("Chị Dậu lo lắng nhìn ra ngoài sân, nơi những người tuần đang đứng chờ từ sáng sớm.",)


@pytest.fixture
def no_system_tessdata(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the data installed in the test's home counts, whatever this machine has."""
    monkeypatch.delenv("TESSDATA_PREFIX", raising=False)
    monkeypatch.setattr(ocr_data, "SYSTEM_DIRS", ())


@pytest.fixture
def vie_installed(bireader_home: Path, no_system_tessdata: None) -> ocr_data.OcrData:
    return ocr_data.install_file(VIE_DATA)


def text_page(paragraphs: tuple[str, ...] = KNOWN_TEXT, line_chars: int = 60) -> Image.Image:
    """A white grayscale page with the paragraphs drawn in 12 pt DejaVu Sans at 200 dpi."""
    font = ImageFont.truetype(str(FONT), round(12 * DPI / 72))
    line_height = round(font.size * 1.5)
    lines: list[str] = []
    for paragraph in paragraphs:
        lines.extend(textwrap.wrap(paragraph, line_chars))
        lines.append("")
    width = DPI + round(line_chars * font.size * 0.62)
    page = Image.new("L", (width, DPI // 2 * 2 + line_height * len(lines)), 255)
    draw = ImageDraw.Draw(page)
    for number, line in enumerate(lines):
        draw.text((DPI // 2, DPI // 2 + number * line_height), line, font=font, fill=0)
    return page


def as_scanned(page: Image.Image, skew_degrees: float) -> Image.Image:
    """The page as a scanner gives it: turned a little, noisy, slightly blurred."""
    page = page.rotate(skew_degrees, fillcolor=255, resample=Image.Resampling.BICUBIC)
    noisy = Image.blend(page, Image.effect_noise(page.size, 40), 0.15)
    return noisy.filter(ImageFilter.GaussianBlur(0.5))


def character_error_rate(reference: str, found: str) -> float:
    reference, found = " ".join(reference.split()), " ".join(found.split())
    return Levenshtein.distance(reference, found) / len(reference)
