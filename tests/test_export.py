"""Bilingual export end to end, with the tiny real vi→en package (never a mock)."""

from __future__ import annotations

import posixpath
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree, html

from reader.cli import main
from reader.core.documents import BlockKind, load_document
from reader.core.export import export_document
from reader.core.storage import open_database
from reader.core.translate.service import TranslationService
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
        # a table's text has its cells' TABs and rows' LFs: compared word by word
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
    assert len(rows) == 2 + len(document.blocks)
    assert rows[2].startswith("| **Chương một** | **")


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
