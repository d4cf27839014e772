"""What OCR found on a page, kept so that reopening a scan costs no recognition.

A file cache (`data_dir()/cache/ocr/<key>.json`), not a database table: entries are written
from import workers with no session at hand, belong to no library document (`bireader segment`
OCRs too), and the whole cache can be deleted at any time. The key is the sha256 of the source
file's bytes, the page number, the language, the digest of the language data and the engine's
settings: other data or settings recognise again, the same page of the same file never does.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from reader.core.errors import InputError
from reader.core.files import write_text
from reader.core.ocr.engine import OcrParagraph
from reader.core.paths import data_dir

log = logging.getLogger(__name__)

# Bump when the engine's output for the same page changes (settings, paragraph building).
ENGINE_VERSION = "1"


def cache_dir() -> Path:
    path = data_dir() / "cache" / "ocr"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def page_key(file_digest: str, page: int, language: str, data_digest: str) -> str:
    parts = (ENGINE_VERSION, file_digest, str(page), language, data_digest)
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def cached_page(key: str) -> list[OcrParagraph] | None:
    """The page's paragraphs if cached; None if not, or if the entry is unreadable."""
    path = cache_dir() / f"{key}.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return [OcrParagraph.from_json(paragraph) for paragraph in raw["paragraphs"]]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as error:
        log.warning("ignoring a damaged OCR cache entry %s: %s", path, error)
        return None


def store_page(key: str, paragraphs: list[OcrParagraph]) -> None:
    """Written whole (a reader never sees half an entry) and private to the user (the text of
    the user's scans); a failure only costs a later OCR."""
    path = cache_dir() / f"{key}.json"
    body = {"paragraphs": [paragraph.to_json() for paragraph in paragraphs]}
    try:
        write_text(path, json.dumps(body, ensure_ascii=False))
    except InputError as error:
        log.warning("cannot cache OCR of a page: %s", error)
