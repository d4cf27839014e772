"""Fuzzing every importer through `load_document` (which also runs decoding, language detection
and segmentation): any input either loads into a sound Document or is refused with our one-line
`ReaderError` naming the file; nothing else escapes. `bench/fuzz_long.py` runs far more examples."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz_support import (
    DOCUMENTS,
    count,
    fuzz_settings,
    html_page,
    load_or_refuse,
    mutate,
    mutations,
    rezip,
)

ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1258", "cp1252", "latin-1", "koi8-r"]
MARKDOWN = [
    "# ",
    "## ",
    "\n",
    "\n\n",
    "* ",
    "- ",
    "1. ",
    "> ",
    "```",
    "`",
    "|a|b|\n|-|-|\n",
    "[l](http://x)",
    "![i](file:///etc/passwd)",
    "<div>",
    "</div>",
    "<script>x</script>",
    "**",
    "_",
    "---\n",
    "\\",
    "&amp;",
    "Việt Nam. ",
    "TP. Hồ Chí Minh",
    "    code\n",
]


def _write(data: bytes, suffix: str) -> Path:
    handle = tempfile.NamedTemporaryFile(suffix=suffix, delete=False)  # noqa: SIM115
    with handle:
        handle.write(data)
    return Path(handle.name)


def _check(data: bytes, suffix: str) -> None:
    path = _write(data, suffix)
    try:
        load_or_refuse(path)
    finally:
        path.unlink()


@fuzz_settings()
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".txt", ".md", ".html", ".xyz"]))
def test_arbitrary_bytes(data: bytes, suffix: str) -> None:
    count("bytes")
    _check(data, suffix)


@fuzz_settings()
@given(text=st.text(max_size=2000), encoding=st.sampled_from(ENCODINGS))
def test_text_in_any_encoding(text: str, encoding: str) -> None:
    count("text")
    _check(text.encode(encoding, errors="replace"), ".txt")


@fuzz_settings()
@given(pieces=st.lists(st.sampled_from(MARKDOWN) | st.text(max_size=15), max_size=40))
def test_markdown(pieces: list[str]) -> None:
    count("markdown")
    _check("".join(pieces).encode(), ".md")


@fuzz_settings()
@given(page=html_page, encoding=st.sampled_from(["utf-8", "cp1258", "utf-16"]))
def test_generated_html(page: str, encoding: str) -> None:
    count("html")
    _check(page.encode(encoding, errors="replace"), ".html")


SEEDS = {
    "html": ["sample.html", "sample-cp1258.html"],
    "md": ["sample.md", "features.md"],
    "pdf": ["sample.pdf", "features.pdf"],
    "epub": ["sample.epub", "features.epub", "sample.epub2.epub"],
    "docx": ["sample.docx", "features.docx"],
}


@fuzz_settings()
@given(seed=st.sampled_from(SEEDS["html"] + SEEDS["md"] + SEEDS["pdf"]), changes=mutations)
def test_mutated_html_markdown_and_pdf(seed: str, changes: list) -> None:
    count("mutated-" + seed.rsplit(".", 1)[-1])
    source = DOCUMENTS / seed
    _check(mutate(source.read_bytes(), changes), source.suffix)


@fuzz_settings()
@given(
    seed=st.sampled_from(SEEDS["epub"] + SEEDS["docx"]), member=st.floats(0, 1), changes=mutations
)
def test_mutated_member_of_epub_and_docx(seed: str, member: float, changes: list) -> None:
    count("member-" + seed.rsplit(".", 1)[-1])
    source = DOCUMENTS / seed
    _check(rezip(source, member, changes), source.suffix)


@fuzz_settings(0.5)
@given(seed=st.sampled_from(SEEDS["epub"] + SEEDS["docx"]), changes=mutations)
def test_mutated_bytes_of_epub_and_docx(seed: str, changes: list) -> None:
    count("zipbytes-" + seed.rsplit(".", 1)[-1])
    source = DOCUMENTS / seed
    _check(mutate(source.read_bytes(), changes), source.suffix)


# --- what the long fuzz run found (bench/fuzz_long.py), kept as plain regression cases --------


def _corrupt_deflate(seed: Path, member: str, out: Path) -> Path:
    """The seed with a member's compressed bytes garbled (its CRC can no longer be checked:
    decompression fails first)."""
    data = bytearray(seed.read_bytes())
    with zipfile.ZipFile(seed) as archive:
        info = archive.getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 5, start + 40):
        data[offset] ^= 0x5A
    out.write_bytes(bytes(data))
    return out


def _nul_in_package_document(out: Path) -> Path:
    with zipfile.ZipFile(DOCUMENTS / "sample.epub") as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    members["EPUB/content.opf"] = members["EPUB/content.opf"].replace(b"<dc:title", b"\0<dc:title")
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out


def _one_byte_missing(out: Path) -> Path:
    data = (DOCUMENTS / "sample.docx").read_bytes()
    out.write_bytes(data[:1] + data[2:])
    return out


FOUND = {
    "docx member with broken deflate data": lambda tmp: _corrupt_deflate(
        DOCUMENTS / "sample.docx", "word/document.xml", tmp / "deflate.docx"
    ),
    "epub chapter with broken deflate data": lambda tmp: _corrupt_deflate(
        DOCUMENTS / "sample.epub", "EPUB/text/ch001.xhtml", tmp / "deflate.epub"
    ),
    "epub package document with a NUL byte": lambda tmp: _nul_in_package_document(tmp / "nul.epub"),
    "docx with its first header damaged": lambda tmp: _one_byte_missing(tmp / "header.docx"),
    "pdf whose title has a lone UTF-16 surrogate": lambda tmp: _bytes(
        tmp / "title.pdf",
        (DOCUMENTS / "sample.pdf").read_bytes().replace(b"/Title<FEFF0054", b"/Title<FEFFD800", 1),
    ),  # same length: the xref still holds
    "html with a control character after dropped furniture": lambda tmp: _bytes(
        tmp / "control.html", b'<html><body><br class="share">\x1fabc<p>Xin chao.</p></body></html>'
    ),
}


def _bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("case", sorted(FOUND))
def test_inputs_found_by_fuzzing_are_refused_clearly_or_read(case: str, tmp_path: Path) -> None:
    load_or_refuse(FOUND[case](tmp_path))


# Chapters of a container: paragraphs, <br>-separated lines, tables, code, as books have them.
chapter_body = st.lists(
    st.sampled_from(
        [
            "<p>Chị Dậu bưng bát cháo. - Thầy em cố ngồi dậy!</p>",
            "Dòng một<br/><br/>Dòng hai<br/>vẫn đoạn hai",
            "<table><tr><td>STT</td><td>Nội dung. Ghi chú</td></tr><tr><td>1</td></tr></table>",
            "<pre>$ ls -la .\n  echo 'x.'</pre>",
            "<h2>Chương I</h2>",
        ]
    ),
    min_size=1,
    max_size=6,
).map("".join)


@fuzz_settings(0.5)
@given(
    chapters=st.lists(chapter_body, min_size=1, max_size=3),
    spine=st.lists(st.integers(0, 2), min_size=1, max_size=3000),
)
def test_epub_spine_repeats_never_multiply_the_text(chapters: list[str], spine: list[int]) -> None:
    """A spine that lists chapters again and again (a 2 KB "spine bomb") reads each once."""
    from tests.hostile_documents import book_epub

    spine = [index % len(chapters) for index in spine]
    with tempfile.TemporaryDirectory() as folder:
        document = load_or_refuse(book_epub(Path(folder) / "book.epub", chapters, spine))
    count("epub spine")
    if document is not None:
        one_copy = sum(len(body) for body in chapters)
        assert sum(len(block.text) for block in document.blocks) <= one_copy
