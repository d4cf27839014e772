"""The OCR page cache: entries read back as written, keyed by everything that changes a result."""

from __future__ import annotations

from reader.core.ocr.cache import cache_dir, cached_page, page_key, store_page
from reader.core.ocr.engine import OcrParagraph

PARAGRAPHS = [OcrParagraph("Điều 1.", 93.0, ()), OcrParagraph("Hà Nội, ngày", 52.5, ((0, 6),))]


def test_a_stored_page_reads_back() -> None:
    key = page_key("file", 3, "vie", "data")
    assert cached_page(key) is None
    store_page(key, PARAGRAPHS)
    assert cached_page(key) == PARAGRAPHS
    assert [path.name for path in cache_dir().iterdir()] == [f"{key}.json"]  # no temporary left


def test_the_key_depends_on_file_page_language_and_data() -> None:
    keys = {
        page_key("file", 3, "vie", "data"),
        page_key("other file", 3, "vie", "data"),
        page_key("file", 4, "vie", "data"),
        page_key("file", 3, "eng", "data"),
        page_key("file", 3, "vie", "other data"),
    }
    assert len(keys) == 5


def test_a_damaged_entry_is_a_miss_not_an_error() -> None:
    key = page_key("file", 0, "vie", "data")
    (cache_dir() / f"{key}.json").write_text('{"paragraphs": [{"text": 1', encoding="utf-8")
    assert cached_page(key) is None


def test_an_entry_is_readable_by_the_user_only() -> None:
    key = page_key("file", 1, "vie", "data")
    store_page(key, PARAGRAPHS)
    assert (cache_dir() / f"{key}.json").stat().st_mode & 0o077 == 0
