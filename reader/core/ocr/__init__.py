"""OCR of scanned PDF pages and images with Tesseract (tesserocr), for the importers.

`data` manages the language data, `engine` recognises a page image, `cache` keeps what a page
gave, `pages` runs through a document's pages (progress, cancel), `pdf` mixes OCR'd pages with
text-layer ones. Set how to OCR around an import with `ocr_options`.
"""

from reader.core.ocr.pages import OcrCancelled, OcrOptions, OcrProgress, ocr_options

__all__ = ["OcrCancelled", "OcrOptions", "OcrProgress", "ocr_options"]
