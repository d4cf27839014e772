"""Bilingual export end to end, with the tiny real vi→en package (never a mock)."""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import stat
import subprocess
import threading
import zipfile
from pathlib import Path

import pytest
from lxml import etree, html
from markdown_it import MarkdownIt

from reader.cli import main
from reader.core.documents import BlockKind, load_document
from reader.core.documents.importers import RawBlock, RawDocument
from reader.core.documents.loader import build_document
from reader.core.export import LAYOUTS, export_document, translate_all
from reader.core.storage import open_database
from reader.core.translate.service import TranslationService
from tests.conftest import SHARED
from tests.documents_helpers import DOCUMENTS, sentence_texts

FEATURES = DOCUMENTS / "features.epub"
EPUBCHECK_JAR = Path("/usr/share/java/epubcheck.jar")
MY_EDIT = "My own translation of the opening sentence."
_OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}


@pytest.fixture
def service(installed_vi_en):
    database = open_database()
    yield TranslationService(database, beam_size=1)
    database.close()


def _export(service, source: Path, out: Path, **options) -> Path:
    document = load_document(source)
    return export_document(service, document, "en", out, **options)


def test_html_side_by_side_keeps_structure_and_the_users_edits(service, tmp_path: Path) -> None:
    document = load_document(FEATURES)
    service.save_edit(document, 1, 0, MY_EDIT, to_code="en")
    out = export_document(service, document, "en", tmp_path / "out.html", format="html")
    page = html.parse(str(out)).getroot()
    rows = page.xpath("//table[@class='bilingual']/tbody/tr")
    assert len(rows) == len(document.blocks)
    for row, block in zip(rows, document.blocks, strict=True):
        original, translated = row.findall("td")
        if block.kind is BlockKind.TABLE:  # a table stays a table, cell by cell
            inner = original.xpath(".//table//td | .//table//th")
            cells = [" ".join(td.text_content().split()) for td in inner]
            assert cells == [text for row in block.table_rows() for text, _ in row]
        else:
            assert " ".join(original.text_content().split()).endswith(" ".join(block.text.split()))
        assert translated.get("lang") == "en" and translated.text_content().strip()
        if block.kind is BlockKind.HEADING:  # headings stay headings on both sides
            assert original.find(f"h{block.level}") is not None
            assert translated.find(f"h{block.level}") is not None
    edited = page.xpath("//span[contains(@class, 'edited')]")
    assert [span.text for span in edited] == [MY_EDIT]
    assert edited[0].get("id") == "t-b1.s0" and page.get_element_by_id("b1.s0") is not None


def test_html_interleaved_puts_each_translation_after_its_block(service, tmp_path: Path) -> None:
    out = _export(service, FEATURES, tmp_path / "out.html", layout="interleaved")
    divs = html.parse(str(out)).getroot().xpath("//body/div")
    assert [div.get("lang") for div in divs[:4]] == ["vi", "en", "vi", "en"]
    assert "translation" in divs[1].get("class")


def _validate_epub_structure(path: Path) -> etree._Element:
    """What epubcheck checks first, in Python: OCF container, package, manifest, spine, nav,
    well-formed XHTML, and every nav link pointing at an existing file and id."""
    with zipfile.ZipFile(path) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"application/epub+zip"
        container = etree.fromstring(archive.read("META-INF/container.xml"))
        opf_path = container.find(".//{*}rootfile").get("full-path")
        opf = etree.fromstring(archive.read(opf_path))
        base = posixpath.dirname(opf_path)
        assert opf.get("version") == "3.0"
        assert opf.findtext("opf:metadata/dc:title", namespaces=_OPF)
        assert opf.find("opf:metadata/opf:meta[@property='dcterms:modified']", _OPF) is not None
        items = {i.get("id"): i for i in opf.iterfind("opf:manifest/opf:item", _OPF)}
        names = set(archive.namelist())
        documents = {}
        for item in items.values():
            member = posixpath.join(base, item.get("href"))
            assert member in names
            if item.get("media-type") == "application/xhtml+xml":
                documents[member] = etree.fromstring(archive.read(member))  # well-formed
        spine = [ref.get("idref") for ref in opf.iterfind("opf:spine/opf:itemref", _OPF)]
        assert spine and all(idref in items for idref in spine)
        [nav] = [i for i in items.values() if "nav" in (i.get("properties") or "")]
        nav_doc = documents[posixpath.join(base, nav.get("href"))]
        links = nav_doc.xpath("//*[local-name()='nav']//*[local-name()='a']/@href")
        assert links
        for link in links:
            target, _, fragment = link.partition("#")
            root = documents[posixpath.join(base, target)]
            assert root.xpath(f"//*[@id='{fragment}']"), link
        return opf


def test_epub_is_valid_and_reads_back_with_both_languages(service, tmp_path: Path) -> None:
    document = load_document(FEATURES)
    service.save_edit(document, 1, 0, MY_EDIT, to_code="en")
    out = export_document(service, document, "en", tmp_path / "out.epub", format="epub")
    opf = _validate_epub_structure(out)
    assert opf.xpath("//dc:language/text()", namespaces=_OPF) == ["en", "vi"]
    assert len(opf.xpath("//opf:spine/opf:itemref", namespaces=_OPF)) == 2  # two chapters
    reread = load_document(out, language="vi")
    assert reread.format == "epub"
    texts = sentence_texts(reread)
    for sentence in sentence_texts(document):
        assert sentence in texts  # every original sentence is in the export
    assert any(MY_EDIT in block.text for block in reread.blocks)
    assert reread.toc[0][1].startswith("Chương một — ")  # nav labels pair the headings


@pytest.mark.skipif(
    shutil.which("java") is None or not EPUBCHECK_JAR.exists(), reason="epubcheck not installed"
)
def test_epub_passes_epubcheck(service, tmp_path: Path) -> None:
    """One layout here (epubcheck's JVM takes ~12 s); both were checked by hand."""
    out = _export(service, FEATURES, tmp_path / "out.epub", format="epub")
    result = subprocess.run(
        ["java", "-jar", str(EPUBCHECK_JAR), str(out)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_markdown_interleaved_and_side_by_side(service, tmp_path: Path) -> None:
    document = load_document(FEATURES)
    service.save_edit(document, 1, 0, MY_EDIT, to_code="en")
    interleaved = _export(service, FEATURES, tmp_path / "i.md", format="md", layout="interleaved")
    lines = interleaved.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# Chương một"
    assert lines[2].startswith("> # ")  # the heading's translation, as a heading, quoted
    assert lines[6].startswith(f"> {MY_EDIT} ✎")  # the edited sentence is marked
    assert "- Mục thứ nhất của danh sách." in lines
    assert "  - Mục con thứ nhất." in lines
    table = _export(service, FEATURES, tmp_path / "t.md", format="md")
    rows = table.read_text(encoding="utf-8").splitlines()
    assert rows[:2] == ["| Tiếng Việt | English |", "| --- | --- |"]
    one_line_blocks = [
        b for b in document.blocks if b.kind not in (BlockKind.TABLE, BlockKind.CODE)
    ]
    assert len(_bilingual_rows(rows)) == len(one_line_blocks)
    assert rows[2].startswith("| **Chương một** | **")


def _bilingual_rows(lines: list[str]) -> list[str]:
    """The rows of a side-by-side Markdown export's two-column table(s)."""
    rows, inside = [], False
    for previous, line in zip(["", *lines], lines, strict=False):
        if line == "| --- | --- |" and previous == "| Tiếng Việt | English |":
            inside = True
        elif not line:
            inside = False
        elif inside:
            rows.append(line)
    return rows


def test_cli_export_writes_the_file_and_prints_its_path(installed_vi_en, tmp_path, capsys) -> None:
    out = tmp_path / "sample.epub"
    code = main(
        [
            "export",
            str(DOCUMENTS / "sample.html"),
            "--to",
            "en",
            "--format",
            "epub",
            "--layout",
            "interleaved",
            "-o",
            str(out),
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.out.strip() == str(out)
    _validate_epub_structure(out)


def test_cli_format_follows_the_output_suffix(installed_vi_en, tmp_path, capsys) -> None:
    out = tmp_path / "sample.md"
    assert main(["export", str(DOCUMENTS / "sample.docx"), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("| Tiếng Việt | English |")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--to", "fr"], "no installed model translates vi into fr"),
        (["-o", "/nonexistent/dir/out.html"], "does not exist"),
    ],
)
def test_cli_errors_exit_2_and_write_nothing(installed_vi_en, tmp_path, capsys, arguments, message):
    out = tmp_path / "out.html"
    argv = ["export", str(DOCUMENTS / "sample.docx"), "-o", str(out), *arguments]
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 2 and message in captured.err and "Traceback" not in captured.err
    assert list(tmp_path.iterdir()) == []  # no output, no leftover temporary file


def test_cli_bad_input_file_exits_2(installed_vi_en, tmp_path, capsys) -> None:
    broken = tmp_path / "broken.epub"
    broken.write_bytes((DOCUMENTS / "sample.epub").read_bytes()[:3000])
    assert main(["export", str(broken), "-o", str(tmp_path / "out.html")]) == 2
    assert "truncated zip" in capsys.readouterr().err
    assert not (tmp_path / "out.html").exists()


# --- tables, code, contents and letterheads; control characters ------------------------------

LETTERHEAD = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nSố: 30/2020/NĐ-CP"
CONTENTS = "Chương I. Quy định chung\nChương II. Văn bản hành chính"
# A fence of its own inside the code, and a longer one: neither may close the export's fence.
CODE = 'def mau():\n    """```\n    ````"""\n    return "|"'
TABLE_ROWS = (
    ("STT", "Tên loại văn bản", "Viết tắt"),
    ("1", "Nghị quyết (cá biệt). Ban hành theo mẫu.", "NQ"),
    ("2", "Quyết định | cá biệt", ""),
)
LINES = "- Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015.\n1. Văn bản hành chính."


def _structured_document():
    """What the importers make of an official document: letterhead, contents, a table, code."""
    raw = RawDocument(
        [
            RawBlock(BlockKind.HEADER, LETTERHEAD),
            RawBlock(BlockKind.HEADING, "Nghị định về công tác văn thư", 1),
            RawBlock(BlockKind.CONTENTS, CONTENTS),
            RawBlock(BlockKind.PARAGRAPH, LINES),
            RawBlock(BlockKind.TABLE, "", rows=TABLE_ROWS),
            RawBlock(BlockKind.CODE, CODE),
        ]
    )
    return build_document(raw, path=None, format="docx", language="vi")


def _expected_tables(service, document) -> tuple[list[list[str]], list[list[str]]]:
    """The table's cells, and each cell's translation: its sentences' translations, joined."""
    translations = translate_all(service, document, service.route("vi", "en"))
    [table] = [block for block in document.blocks if block.kind is BlockKind.TABLE]
    rows = table.table_rows()
    original = [[text for text, _ in row] for row in rows]
    translated = [
        [
            " ".join(translations[(table.index, s.index)].translation for s in cell)
            for _, cell in row
        ]
        for row in rows
    ]
    return original, translated


def _rendered_tables(root) -> list[list[list[str]]]:
    return [
        [[" ".join(cell.xpath("string()").split()) for cell in row.xpath("./*")] for row in rows]
        for rows in (table.xpath(".//*[local-name()='tr']") for table in _content_tables(root))
    ]


def _content_tables(root) -> list:
    """The document's own tables, not the side-by-side layout's two-column table."""
    return [
        table
        for table in root.xpath("//*[local-name()='table']")
        if "bilingual" not in (table.get("class") or "")
        and not table.xpath("./*[local-name()='thead']//*[text()='Tiếng Việt']")
    ]


def _normalised(rows: list[list[str]]) -> list[list[str]]:
    return [[" ".join(cell.split()) for cell in row] for row in rows]


def _pages(out: Path, format: str) -> list:
    """The export as parsed (X)HTML pages: Markdown through a CommonMark renderer."""
    if format == "html":
        return [html.parse(str(out)).getroot()]
    if format == "md":
        rendered = MarkdownIt("commonmark").enable("table").render(out.read_text(encoding="utf-8"))
        return [html.fromstring(f"<html><body>{rendered}</body></html>")]
    with zipfile.ZipFile(out) as archive:
        names = sorted(name for name in archive.namelist() if name.endswith(".xhtml"))
        return [etree.fromstring(archive.read(name)) for name in names if "nav" not in name]


def _texts(pages: list, xpath: str) -> list[str]:
    return [element.xpath("string()") for page in pages for element in page.xpath(xpath)]


@pytest.mark.parametrize("layout", ["side-by-side", "interleaved"])
@pytest.mark.parametrize("format", ["html", "epub", "md"])
def test_tables_code_contents_and_letterheads_keep_their_form(service, tmp_path, format, layout):
    document = _structured_document()
    out = export_document(
        service, document, "en", tmp_path / f"out.{format}", format=format, layout=layout
    )
    pages = _pages(out, format)
    original, translated = _expected_tables(service, document)
    tables = [_normalised(rows) for page in pages for rows in _rendered_tables(page)]
    assert tables == [_normalised(original), _normalised(translated)]  # each cell beside its own
    code = [text.rstrip("\n") for text in _texts(pages, "//*[local-name()='pre']")]
    assert code == [CODE, CODE]  # verbatim on both sides, its fences closing nothing
    # Letterhead and contents keep their lines on both sides; a decree's lines stay lines, not
    # a Markdown list.
    breaks = len(_texts(pages, "//*[local-name()='br']"))
    assert breaks == 2 * (LETTERHEAD.count("\n") + CONTENTS.count("\n") + LINES.count("\n"))
    assert not _texts(pages, "//*[local-name()='ul' or local-name()='ol']")
    body = " ".join(_texts(pages, "//*[local-name()='body']"))
    assert body.count("Số: 30/2020/NĐ-CP") == 2 and body.count("Chương II. Văn bản hành chính") == 2


@pytest.mark.parametrize("format", ["html", "epub", "md"])
def test_control_characters_in_a_translation_do_not_break_the_export(service, tmp_path, format):
    document = load_document(DOCUMENTS / "sample.html")
    pasted = "Pasted\x00 from a\x1b\x07 terminal\x0c with\ufffe noise."
    service.save_edit(document, 1, 0, pasted, to_code="en")
    out = export_document(service, document, "en", tmp_path / f"out.{format}", format=format)
    if format == "epub":
        _validate_epub_structure(out)  # every XHTML file well-formed
        with zipfile.ZipFile(out) as archive:
            text = "".join(archive.read(name).decode() for name in archive.namelist())
    else:
        text = out.read_text(encoding="utf-8")
    assert "Pasted from a terminal with noise." in text
    assert not any(char in text for char in "\x00\x1b\x07\x0c\ufffe")


# --- where the export goes: streams, devices, links, folders, modes ---------------------------


def _cli_export(out: str, *more: str) -> list[str]:
    return ["export", str(DOCUMENTS / "sample.docx"), "--to", "en", "-o", out, *more]


def test_cli_export_to_dev_null_leaves_the_device(installed_vi_en, capsys) -> None:
    before = os.stat("/dev/null")
    assert main(_cli_export("/dev/null")) == 0
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (
        before.st_ino,
        before.st_rdev,
    )
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.endswith("\r/dev/null\n")  # stdout may be the file


def test_cli_export_to_stdout(installed_vi_en, capsys) -> None:
    assert main(_cli_export("-", "--format", "md")) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("| Tiếng Việt | English |")
    assert captured.err.endswith("\r-\n")  # after the progress bar


def test_cli_export_into_a_fifo_read_by_another_thread(installed_vi_en, tmp_path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    assert main(_cli_export(str(fifo), "--format", "html")) == 0
    reader.join(timeout=60)
    page = html.fromstring(received[0])
    assert page.xpath("//table[@class='bilingual']")
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_cli_export_through_a_symlink_keeps_the_link(installed_vi_en, tmp_path) -> None:
    real = tmp_path / "exports" / "sample.html"
    real.parent.mkdir()
    real.write_text("an older export")
    link = tmp_path / "latest.html"
    link.symlink_to(real)
    assert main(_cli_export(str(link))) == 0
    assert link.is_symlink() and link.resolve() == real
    assert "<table" in real.read_text(encoding="utf-8")
    assert [path.name for path in real.parent.iterdir()] == ["sample.html"]


def test_cli_export_to_a_folder_is_one_line_and_exit_2(installed_vi_en, tmp_path, capsys) -> None:
    assert main(_cli_export(str(tmp_path))) == 2
    err = capsys.readouterr().err
    assert err == f"bireader: {tmp_path}: is a folder, not a file\n"
    assert list(tmp_path.iterdir()) == []


def test_cli_export_is_user_only_whatever_the_umask(installed_vi_en, tmp_path) -> None:
    out = tmp_path / "out.epub"
    previous = os.umask(0)
    try:
        assert main(_cli_export(str(out))) == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


# --- the reader's highlights and notes in the export -------------------------------------------

COPY_MODEL = SHARED / "models" / "translate-vi_en-copy.argosmodel"
ANNOTATED_TEXT = (
    "Nghị định này quy định về công tác văn thư và quản lý nhà nước.\n\n"
    "Cơ quan, tổ chức phải bảo đảm việc lưu trữ hồ sơ đúng quy định."
)
NOTE = "Compare with **Điều 2**."
_SENTENCE_ID = re.compile(r"b\d+\.s\d+")


@pytest.fixture
def annotated(tmp_path, bireader_home):
    """A document in the library with a noted highlight on the original, a plain one on the
    translation (the copy model's output is its input), and the service that translated it."""
    from reader.core.export_notes import stored_annotations
    from reader.core.library import add_document
    from reader.core.notes.service import annotate_quote
    from reader.core.translate.packages import install_package_file

    install_package_file(COPY_MODEL)
    source = tmp_path / "nghi-dinh.txt"
    source.write_text(ANNOTATED_TEXT, encoding="utf-8")
    database = open_database()
    document_id = add_document(database, source).document_id
    service = TranslationService(database)  # the window's: its cache is the notes'
    document = load_document(source)
    translate_all(service, document, service.route("vi", "en"))  # the cache the quote is found in
    annotate_quote(database, document_id, "công tác văn thư", note=NOTE, colour="green")
    annotate_quote(database, document_id, "lưu trữ hồ sơ", side="translation")
    yield service, document, stored_annotations(database, document)
    database.close()


def test_html_marks_highlights_on_their_side_with_linked_notes(annotated, tmp_path) -> None:
    service, document, annotations = annotated
    out = export_document(service, document, "en", tmp_path / "out.html", annotations=annotations)
    page = html.parse(str(out)).getroot()
    original, translated = page.xpath("//table[@class='bilingual']/tbody/tr[1]/td")
    assert [m.text for m in original.xpath(".//mark[@class='green']")] == ["công tác văn thư"]
    assert not translated.xpath(".//mark")  # an original-side highlight stays on its side
    second = page.xpath("//table[@class='bilingual']/tbody/tr[2]/td")[1]
    assert [m.text for m in second.xpath(".//mark[@class='yellow']")] == ["lưu trữ hồ sơ"]
    link = original.xpath(".//a[@class='noteref']")[0]
    note = page.get_element_by_id(link.get("href").removeprefix("#"))
    assert note.xpath(".//strong")[0].text == "Điều 2"  # the note's Markdown, rendered
    assert "công tác văn thư" in note.text_content()
    assert page.xpath("//a[@class='noteref']/@href") == ["#note-1"]  # only noted ones
    assert not [t for t in page.xpath("//@title") if _SENTENCE_ID.search(t)]


def test_markdown_uses_mark_syntax_and_footnotes(annotated, tmp_path) -> None:
    service, document, annotations = annotated
    for layout in LAYOUTS:
        out = tmp_path / f"{layout}.md"
        export_document(
            service, document, "en", out, format="md", layout=layout, annotations=annotations
        )
        text = out.read_text(encoding="utf-8")
        assert "==công tác văn thư==[^1]" in text
        assert text.count("==lưu trữ hồ sơ==") == 1  # the translation side only
        definition = [line for line in text.splitlines() if line.startswith("[^1]: ")]
        assert definition == ["[^1]: “công tác văn thư” — Compare with **Điều 2**."]


def test_epub_notes_are_footnote_asides_in_the_chapter_that_refers_to_them(
    annotated, tmp_path
) -> None:
    service, document, annotations = annotated
    out = export_document(
        service, document, "en", tmp_path / "out.epub", format="epub", annotations=annotations
    )
    _validate_epub_structure(out)
    ops = "{http://www.idpf.org/2007/ops}type"
    with zipfile.ZipFile(out) as archive:
        chapter = etree.fromstring(archive.read("EPUB/chapter-001.xhtml"))
    refs = [a for a in chapter.iter("{*}a") if a.get(ops) == "noteref"]
    asides = [a for a in chapter.iter("{*}aside") if a.get(ops) == "footnote"]
    assert [ref.get("href") for ref in refs] == [f"#{aside.get('id')}" for aside in asides]
    assert len(asides) == 1 and "Điều 2" in "".join(asides[0].itertext())


def test_cli_export_carries_the_librarys_annotations_of_that_text(annotated, tmp_path) -> None:
    _service, document, _annotations = annotated
    out = tmp_path / "cli.md"
    assert main(["export", str(document.source_path), "--to", "en", "-o", str(out)]) == 0
    assert "==công tác văn thư==[^1]" in out.read_text(encoding="utf-8")
    document.source_path.write_text(ANNOTATED_TEXT + " Thêm.", encoding="utf-8")
    assert main(["export", str(document.source_path), "--to", "en", "-o", str(out)]) == 0
    assert "==" not in out.read_text(encoding="utf-8")  # another text: its anchors do not apply


def test_default_export_folder_is_the_documents_writable_folder(tmp_path) -> None:
    from reader.core.export import default_export_folder, documents_folder
    from reader.core.paths import sample_document

    documents = documents_folder()
    source = tmp_path / "a.txt"
    source.write_text("x", encoding="utf-8")
    assert default_export_folder(source) == tmp_path.resolve()
    assert default_export_folder(sample_document()) == documents  # never the app's resources
    assert default_export_folder(None) == documents
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "b.txt").write_text("x", encoding="utf-8")
    locked.chmod(0o500)  # read-only, even for root (who could write past it)
    assert default_export_folder(locked / "b.txt") == documents


def test_the_print_page_keeps_marks_and_notes_but_not_the_sentence_spans(annotated) -> None:
    from reader.core.export import bilingual, print_html

    service, document, annotations = annotated
    content = bilingual(service, document, "en", None, "side-by-side", annotations)
    page = html.fromstring(print_html(content, "side-by-side"))
    assert not page.xpath("//span[@class='s']")  # Qt reads a long page 10x faster without
    assert [m.text for m in page.xpath("//mark")] == ["công tác văn thư", "lưu trữ hồ sơ"]
    assert page.xpath("//table[@class='bilingual']/@width") == ["100%"]
    assert "Tiếng Việt → English" in page.xpath("//p[@class='print-title']")[0].text_content()


def test_the_documents_folder_is_the_users_else_home(tmp_path, monkeypatch) -> None:
    from reader.core.export import documents_folder

    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(tmp_path / "Tài liệu"))
    monkeypatch.setenv("HOME", str(tmp_path))
    assert documents_folder() == tmp_path  # not there: home
    (tmp_path / "Tài liệu").mkdir()
    assert documents_folder() == tmp_path / "Tài liệu"
