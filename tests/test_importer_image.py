"""Images are one-page documents read by OCR; a multi-page TIFF gives every page in order."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from PIL import Image

from reader.core.documents import load_document
from tests.documents_helpers import assert_refused
from tests.ocr_support import (
    KNOWN_TEXT,
    OTHER_TEXT,
    character_error_rate,
    text_page,
)


def document_text(path: Path) -> str:
    return "\n".join(block.text for block in load_document(path).blocks)


def test_a_png_of_known_text_becomes_a_document_close_to_it(tmp_path: Path, vie_installed) -> None:
    path = tmp_path / "dieu-16.png"
    text_page().save(path)
    document = load_document(path)
    assert (document.format, document.ocr, document.title) == ("image", True, "dieu-16")
    assert document.language == "vi"
    assert len(document.blocks) == len(KNOWN_TEXT)
    text = "\n".join(block.text for block in document.blocks)
    assert character_error_rate("\n".join(KNOWN_TEXT), text) < 0.10


def test_a_jpeg_is_recognised_by_its_bytes_whatever_its_name(tmp_path: Path, vie_installed) -> None:
    path = tmp_path / "scan.dat"
    text_page(OTHER_TEXT).save(path, "JPEG", quality=85)
    assert character_error_rate(OTHER_TEXT[0], document_text(path)) < 0.10


def test_every_page_of_a_multi_page_tiff_in_order(tmp_path: Path, vie_installed) -> None:
    path = tmp_path / "pages.tiff"
    first, second = text_page(KNOWN_TEXT[:1]), text_page(OTHER_TEXT)
    first.save(path, save_all=True, append_images=[second], compression="tiff_lzw")
    expected = KNOWN_TEXT[0] + "\n" + OTHER_TEXT[0]
    assert character_error_rate(expected, document_text(path)) < 0.10


def test_a_truncated_image_is_refused_in_one_line(tmp_path: Path, vie_installed, capsys) -> None:
    path = tmp_path / "cut.png"
    text_page().save(path)
    path.write_bytes(path.read_bytes()[:200])
    assert_refused(path, "cannot be decoded", capsys)


def test_an_image_without_data_says_how_to_get_it(
    tmp_path: Path, no_system_tessdata, capsys
) -> None:
    path = tmp_path / "page.png"
    text_page().save(path)
    assert_refused(path, "bireader ocr install vie", capsys)


def test_a_decompression_bomb_is_refused_before_it_is_decoded(
    tmp_path: Path, vie_installed, capsys
) -> None:
    """A tiny PNG whose header claims 100 000 x 100 000 pixels (10 GB once decoded)."""
    path = tmp_path / "bomb.png"
    Image.new("L", (1, 1)).save(path)
    data = bytearray(path.read_bytes())
    header = b"IHDR" + struct.pack(">II", 100_000, 100_000) + bytes(data[24:29])
    data[12:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(header))
    path.write_bytes(bytes(data))
    assert_refused(path, "not a readable image", capsys)


def test_a_paragraph_going_on_overleaf_is_one_block(tmp_path: Path, vie_installed) -> None:
    cut = KNOWN_TEXT[0].index(" chính trị")
    path = tmp_path / "overleaf.tiff"
    first, second = text_page((KNOWN_TEXT[0][:cut],)), text_page((KNOWN_TEXT[0][cut + 1 :],))
    first.save(path, save_all=True, append_images=[second])
    (block,) = load_document(path).blocks
    assert character_error_rate(KNOWN_TEXT[0], block.text) < 0.10
