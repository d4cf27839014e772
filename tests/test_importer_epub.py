import shutil
import zipfile
from pathlib import Path

import pytest

from reader.core.documents import BlockKind, load_document
from tests.documents_helpers import (
    DOCUMENTS,
    FEATURES_CHAPTER_ONE,
    FEATURES_TABLE_CELLS,
    FIRST_SENTENCES,
    SAMPLE_TITLE,
    assert_refused,
    sample_sentences_without_debris,
    sentence_texts,
    truncated_copy,
    zip_bomb,
)

EPUBS = ["sample.epub", "sample.epub2.epub"]
K = BlockKind


@pytest.mark.parametrize("name", EPUBS)
def test_sample_epub_2_and_3_give_the_blocks_a_reader_sees(name: str) -> None:
    document = load_document(DOCUMENTS / name)
    assert document.format == "epub"
    assert document.language == "vi"
    assert document.title == SAMPLE_TITLE
    kinds = [block.kind for block in document.blocks]
    assert len(kinds) == 19  # the title page and the printed contents page are left out
    assert kinds.count(K.HEADING) == 1 and kinds.count(K.CAPTION) == 3
    assert kinds.count(K.LIST_ITEM) == 7
    assert sentence_texts(document)[:3] == FIRST_SENTENCES
    assert document.toc == ((1, SAMPLE_TITLE, 0),)


@pytest.mark.parametrize("name", EPUBS)
def test_sample_sentences_are_those_of_the_text_version(name: str) -> None:
    assert sentence_texts(load_document(DOCUMENTS / name)) == sample_sentences_without_debris()


@pytest.mark.parametrize("name", ["features.epub", "features.epub2.epub"])
def test_chapters_lists_tables_quotes_and_footnotes(name: str) -> None:
    document = load_document(DOCUMENTS / name)
    blocks = [(block.kind, block.level, block.text) for block in document.blocks]
    assert blocks[:10] == FEATURES_CHAPTER_ONE
    tables = [block for block in document.blocks if block.kind is K.TABLE]
    assert len(tables) == 1
    assert [cell for row in tables[0].table_rows() for cell, _ in row] == FEATURES_TABLE_CELLS
    assert (K.FOOTNOTE, 0, "Đây là nội dung của chú thích.") in blocks
    assert (K.QUOTE, 0, "Đây là một đoạn trích dẫn trong chương hai.") in blocks
    assert blocks[-1] == (K.PARAGRAPH, 0, "Đoạn cuối cùng của tài liệu.")  # spine order
    assert not any("↩" in text for _, _, text in blocks)  # footnote back links dropped


@pytest.mark.parametrize("name", ["features.epub", "features.epub2.epub"])
def test_table_of_contents_points_at_its_headings(name: str) -> None:
    """EPUB 3 from the nav document, EPUB 2 from the NCX; each entry at its heading block."""
    document = load_document(DOCUMENTS / name)
    assert [(level, title) for level, title, _ in document.toc] == [
        (1, "Chương một"),
        (2, "Danh sách"),
        (2, "Bảng"),
        (1, "Chương hai"),
    ]
    for _, title, index in document.toc:
        assert document.blocks[index].kind is K.HEADING and document.blocks[index].text == title


def test_truncated_epub_is_refused(tmp_path: Path, capsys) -> None:
    assert_refused(truncated_copy(DOCUMENTS / "sample.epub", tmp_path), "truncated zip", capsys)


def test_zip_bomb_is_refused_before_unpacking(tmp_path: Path, capsys) -> None:
    bomb = zip_bomb(
        tmp_path / "bomb.epub",
        "EPUB/text/ch001.xhtml",
        {"mimetype": b"application/epub+zip"},
    )
    assert bomb.stat().st_size < 1_000_000
    assert_refused(bomb, "zip bomb", capsys)


def test_zip_without_epub_structure_is_refused(tmp_path: Path, capsys) -> None:
    path = tmp_path / "notes.epub"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "Không phải sách điện tử.")
    assert_refused(path, "META-INF/container.xml", capsys)


def test_wrong_extension_is_read_by_content(tmp_path: Path) -> None:
    """A real EPUB named .zip, and a DOCX named .epub: the content decides."""
    renamed = tmp_path / "book.zip"
    shutil.copy(DOCUMENTS / "sample.epub", renamed)
    assert load_document(renamed).format == "epub"
    docx_named_epub = tmp_path / "report.epub"
    shutil.copy(DOCUMENTS / "sample.docx", docx_named_epub)
    assert load_document(docx_named_epub).format == "docx"


def test_text_named_epub_is_refused(tmp_path: Path, capsys) -> None:
    path = tmp_path / "book.epub"
    path.write_bytes(bytes(range(256)) * 20)  # no format's signature: read as its name says
    assert_refused(path, "not a valid EPUB", capsys)


def _epub_with_chapter(path: Path, chapter: bytes) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
        archive.writestr(
            "META-INF/container.xml",
            '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container" version="1.0">'
            '<rootfiles><rootfile full-path="content.opf" '
            'media-type="application/oebps-package+xml"/>'
            "</rootfiles></container>",
        )
        archive.writestr(
            "content.opf",
            '<package xmlns="http://www.idpf.org/2007/opf" version="3.0">'
            '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
            "<dc:title>Thử</dc:title></metadata>"
            '<manifest><item id="c1" href="c1.xhtml" '
            'media-type="application/xhtml+xml"/></manifest>'
            '<spine><itemref idref="c1"/></spine></package>',
        )
        archive.writestr("c1.xhtml", chapter)
    return path


def test_external_entities_are_not_expanded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-MARKER")
    chapter = (
        f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>Trước &x; sau.</p></body></html>'
    ).encode()
    document = load_document(_epub_with_chapter(tmp_path / "xxe.epub", chapter))
    assert "SECRET-MARKER" not in document.blocks[0].text
    assert document.blocks[0].text.startswith("Trước")


def test_deeply_nested_chapter_is_refused(tmp_path: Path, capsys) -> None:
    chapter = (
        '<html xmlns="http://www.w3.org/1999/xhtml"><body>'
        + "<div>" * 50_000
        + "<p>Chào.</p>"
        + "</div>" * 50_000
        + "</body></html>"
    ).encode()
    assert_refused(_epub_with_chapter(tmp_path / "deep.epub", chapter), "nested too deeply", capsys)


def test_sloppy_chapter_that_is_not_xml_is_read_as_html(tmp_path: Path) -> None:
    chapter = "<html><body><p>Đoạn một<br>vẫn tiếp<p>Đoạn hai &nbsp; cuối.</body></html>".encode()
    document = load_document(_epub_with_chapter(tmp_path / "sloppy.epub", chapter))
    assert [block.text for block in document.blocks] == ["Đoạn một\nvẫn tiếp", "Đoạn hai cuối."]


def test_a_chapter_of_br_separated_paragraphs_is_read_paragraph_by_paragraph(
    tmp_path: Path,
) -> None:
    """A converted novel: one <div> per chapter, paragraphs separated by <br/><br/>, verses
    by a single <br/>."""
    paragraphs = [f"Đoạn {i}: chị Dậu bế cái Tỉu, dắt con Tý ra đầu làng." for i in range(300)]
    verse = "Trăm năm trong cõi người ta,<br/>Chữ tài chữ mệnh khéo là ghét nhau."
    chapter = (
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><div>'
        + "<br/><br/>\n".join([*paragraphs, verse])
        + "</div></body></html>"
    ).encode()
    document = load_document(_epub_with_chapter(tmp_path / "novel.epub", chapter))
    assert [block.text for block in document.blocks] == [*paragraphs, verse.replace("<br/>", "\n")]
    assert len(document.blocks[-1].sentences) == 1  # a line break does not end the sentence
