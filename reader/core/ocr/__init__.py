"""OCR of scanned PDF pages and images with Tesseract (tesserocr), for the importers.

`options` says how to OCR (language, progress, cancel), `data` manages the language data,
`engine` recognises a page image, `cache` keeps what a page gave, `pages` runs through a
document's pages, `pdf` mixes OCR'd pages with text-layer ones.
"""

from reader.core.ocr.options import OcrCancelled, OcrOptions, OcrProgress, ocr_options

__all__ = ["OcrCancelled", "OcrOptions", "OcrProgress", "ocr_options"]
