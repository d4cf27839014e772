"""Images (PNG, JPEG, TIFF) read by OCR: each is a one-page document, a multi-page TIFF has
every page, in order. Decoded with Pillow, which refuses decompression bombs."""

from __future__ import annotations

from pathlib import Path

from reader.core.documents.importers.archive import one_line
from reader.core.documents.importers.base import RawDocument
from reader.core.errors import InputError

# Magic numbers, so a mis-named image is still recognised.
_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
MAX_FRAMES = 2000  # pages of a TIFF: beyond any scanned book


class ImageImporter:
    name = "image"
    extensions = (".png", ".jpg", ".jpeg", ".tif", ".tiff")

    def sniff(self, path: Path, head: bytes) -> bool:
        return head.startswith(_SIGNATURES)

    def read(self, path: Path) -> RawDocument:
        from reader.core.ocr.pages import PageImage, flowing, recognise_pages

        frames = _frame_count(path)
        pages = [PageImage(number, _renderer(path, number)) for number in range(frames)]
        return RawDocument(blocks=flowing(recognise_pages(path, pages)))


def _open(path: Path):
    from PIL import Image, UnidentifiedImageError

    try:
        return Image.open(path)
    except UnidentifiedImageError as error:  # its message repeats the path
        raise InputError(
            path, "not a readable image (damaged, or not PNG, JPEG or TIFF)"
        ) from error
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise InputError(path, f"not a readable image ({one_line(error)})") from error


def _frame_count(path: Path) -> int:
    with _open(path) as image:
        frames = getattr(image, "n_frames", 1)
    if frames > MAX_FRAMES:
        raise InputError(path, f"has {frames} pages; the limit is {MAX_FRAMES}")
    return frames


def _renderer(path: Path, number: int):
    def render():
        from PIL import Image, ImageOps

        with _open(path) as image:
            try:
                image.seek(number)
                # A photo's EXIF says which way is up; Tesseract reads upright text only.
                return ImageOps.exif_transpose(image).convert("L")
            except (OSError, ValueError, Image.DecompressionBombError) as error:
                raise InputError(
                    path, f"page {number + 1} cannot be decoded ({one_line(error)})"
                ) from error

    return render
