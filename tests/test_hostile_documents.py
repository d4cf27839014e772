"""Hostile documents: nothing executed, nothing fetched, nothing read from outside the file, no
entity bombs, and huge files refused at once without being read.
(Requests to a counting server while importing these: `tests/test_no_network.py`.)"""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from reader.cli import main
from reader.core.documents import load_document
from reader.core.documents.importers import htmlblocks
from reader.core.documents.loader import MAX_FILE_BYTES, MAX_TEXT_FILE_BYTES
from reader.core.errors import InputError, ReaderError
from tests.documents_helpers import DOCUMENTS, assert_refused
from tests.hostile_documents import (
    ARTICLE,
    NEVER_SHOWN,
    book_epub,
    epub_with_outside_chapter,
    hostile_docx,
    hostile_epub,
    hostile_html,
    xxe_xhtml,
)

UNREACHABLE = "http://127.0.0.1:9"  # discard port: nothing listens; a fetch would fail loudly
SECRET = "TOPSECRET-4242-do-not-import"


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(f"{SECRET}\n", encoding="utf-8")
    return path


def _all_text(document) -> str:
    return "\n".join(
        [
            document.title,
            *(block.text for block in document.blocks),
            *(title for _, title, _ in document.toc),
        ]
    )


def test_html_keeps_the_article_and_drops_scripts_frames_and_hidden_parts(
    tmp_path: Path, secret_file: Path
) -> None:
    page = tmp_path / "hostile.html"
    page.write_text(hostile_html(UNREACHABLE, secret_file), encoding="utf-8")
    document = load_document(page)
    text = _all_text(document)
    assert ARTICLE in text
    assert NEVER_SHOWN not in text
    assert SECRET not in text
    assert "fetch(" not in text and "@import" not in text


@pytest.mark.parametrize("suffix", [".xhtml", ".html"])
def test_external_entities_are_not_resolved_and_entity_bombs_do_not_explode(
    tmp_path: Path, secret_file: Path, suffix: str
) -> None:
    page = tmp_path / f"xxe{suffix}"
    page.write_text(xxe_xhtml(secret_file, UNREACHABLE), encoding="utf-8")
    started = time.monotonic()
    document = _load_or_refusal(page)
    assert time.monotonic() - started < 10
    if document is not None:
        text = _all_text(document)
        assert SECRET not in text
        assert "lollollol" not in text  # the billion laughs were not expanded


def _load_or_refusal(path: Path):
    try:
        return load_document(path)
    except ReaderError as error:
        assert str(path) in str(error)
        return None


def test_epub_with_entities_and_remote_resources_reads_only_its_own_text(
    tmp_path: Path, secret_file: Path
) -> None:
    book = hostile_epub(tmp_path / "hostile.epub", UNREACHABLE, secret_file)
    started = time.monotonic()
    document = _load_or_refusal(book)
    assert time.monotonic() - started < 10
    if document is not None:
        text = _all_text(document)
        assert SECRET not in text and "lollollol" not in text
        assert ARTICLE in text


@pytest.mark.parametrize(
    "href",
    [
        "http://127.0.0.1:9/chapter.xhtml",
        "file:///etc/passwd",
        "../../../../etc/passwd",
        "/etc/passwd",
        "%2E%2E/%2E%2E/etc/passwd",
    ],
)
def test_epub_chapter_outside_the_archive_is_never_read(tmp_path: Path, href: str) -> None:
    book = epub_with_outside_chapter(tmp_path / "outside.epub", href)
    with pytest.raises(InputError) as error:
        load_document(book)
    assert str(book) in str(error.value)
    assert "root:" not in str(error.value)


def test_epub_spine_listing_one_chapter_thousands_of_times_reads_it_once(tmp_path: Path) -> None:
    """The spine bomb: a few KB whose spine lists one chapter 20,000 times (each itemref was
    parsed again, to gigabytes of blocks)."""
    chapters = [f"<h1>Chương một</h1><p>{ARTICLE}</p>", "<p>Hết.</p>"]
    book = book_epub(tmp_path / "spine-bomb.epub", chapters, spine=[0] * 20_000 + [1, 0])
    assert book.stat().st_size < 10_000
    tracemalloc.start()
    started = time.monotonic()
    try:
        document = load_document(book)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 10
    assert peak < 64 * 2**20
    assert [block.text for block in document.blocks] == ["Chương một", ARTICLE, "Hết."]


@pytest.mark.parametrize(
    ("limit", "value", "message"),
    [("MAX_TEXT_CHARS", 20_000, "20,000 characters"), ("MAX_BLOCKS", 100, "100 blocks")],
)
def test_a_book_that_expands_past_the_text_budget_is_refused(
    tmp_path: Path, monkeypatch, capsys, limit: str, value: int, message: str
) -> None:
    """Distinct chapters, each small, that together expand past what a document may hold."""
    monkeypatch.setattr(htmlblocks, limit, value)
    chapters = [f"<p>{ARTICLE}</p><p>{ARTICLE}</p>"] * 80  # ~25,000 characters, 160 blocks
    book = book_epub(tmp_path / "expanding.epub", chapters, spine=list(range(80)))
    assert_refused(book, f"expands to more than {message}", capsys)


def test_docx_with_external_entities_and_relationships_reads_only_its_own_text(
    tmp_path: Path, secret_file: Path
) -> None:
    document_file = hostile_docx(
        DOCUMENTS / "sample.docx", tmp_path / "hostile.docx", UNREACHABLE, secret_file
    )
    document = _load_or_refusal(document_file)
    if document is not None:
        assert SECRET not in _all_text(document)


def test_a_file_over_the_size_limit_is_refused_without_being_read(tmp_path: Path, capsys) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as stream:
        stream.truncate(MAX_FILE_BYTES + 2**20)  # sparse: 201 MiB on paper, nothing on disk
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(InputError, match="too large"):
            load_document(huge)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 2
    assert peak < 8 * 2**20  # the file was not read into memory
    assert main(["library", "add", str(huge)]) == 2
    error = capsys.readouterr().err
    assert str(huge) in error and "too large" in error and error.count("\n") == 1


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html", ".log"])
def test_text_formats_have_a_lower_limit_and_are_refused_unread(tmp_path: Path, suffix) -> None:
    big = tmp_path / f"big{suffix}"
    with big.open("wb") as stream:
        stream.write(b"<html>" if suffix == ".html" else b"Mot cau. ")
        stream.truncate(MAX_TEXT_FILE_BYTES + 1)  # sparse
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match=r"text file is too large .* limit for text is 32 MiB"):
            load_document(big)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2**20  # refused before reading


@pytest.mark.parametrize("suffix", [".html", ".md", ".epub", ".docx", ".pdf"])
def test_the_size_limit_applies_to_every_format(tmp_path: Path, suffix: str) -> None:
    huge = tmp_path / f"huge{suffix}"
    with huge.open("wb") as stream:
        stream.write(b"<html>" if suffix == ".html" else b"PK\x03\x04")
        stream.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(InputError, match="too large"):
        load_document(huge)
