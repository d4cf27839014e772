"""The bilingual PDF, read back with pdfium: both languages in their order, Vietnamese letters
intact, fonts embedded, tables, highlights and notes. Real copy model, no mock."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from reader.app.printing import ensure_gui_application, export_pdf, vietnamese_family
from reader.cli import main
from reader.core.documents import BlockKind, load_document
from reader.core.export_notes import stored_annotations
from reader.core.library import add_document
from reader.core.notes.service import annotate_quote
from reader.core.storage import open_database
from reader.core.translate.packages import install_package_file
from reader.core.translate.service import TranslationService
from tests.conftest import SHARED

COPY_MODEL = SHARED / "models" / "translate-vi_en-copy.argosmodel"
DECREE_ANNEX = SHARED / "samples" / "real" / "nd-30-2020-phu-luc-I.docx"


@pytest.fixture(autouse=True)
def application(qapp):
    """pytest-qt's QApplication: the QGuiApplication the CLI would make could not be followed
    by the QApplication that later window tests in this process need."""
    return qapp


@pytest.fixture
def service(bireader_home):
    install_package_file(COPY_MODEL)
    database = open_database()
    yield TranslationService(database)
    database.close()


def _pages(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(path)
    try:
        return [pdf[number].get_textpage().get_text_range() for number in range(len(pdf))]
    finally:
        pdf.close()


def _words(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _embedded_fonts(path: Path) -> list[str]:
    """Base names of the fonts whose file is in the PDF (a FontFile2 stream in the descriptor)."""
    data = path.read_bytes()
    return re.findall(rb"/FontName /([\w+-]+)[^>]*?/FontFile2", data)


@pytest.mark.skipif(not DECREE_ANNEX.exists(), reason="the shared real samples are not here")
def test_a_real_decree_annex_reads_back_in_both_languages_in_order(service, tmp_path) -> None:
    ensure_gui_application()
    document = load_document(DECREE_ANNEX)
    out = export_pdf(service, document, "en", tmp_path / "annex.pdf", layout="interleaved")
    pages = _pages(out)
    assert len(pages) > 1
    text = _words(" ".join(pages))
    assert "Tiếng Việt → English" in text
    prose = [b for b in document.blocks if b.kind is BlockKind.PARAGRAPH and len(b.text) > 60]
    positions = [text.find(_words(block.text)[:50]) for block in prose[:12]]
    assert -1 not in positions  # diacritics intact: the exact Vietnamese words are there
    assert positions == sorted(positions)  # in reading order
    # Interleaved: each paragraph twice (the copy model translates by copying), one after the other
    first = _words(prose[0].text)[:50]
    assert text.count(first) >= 2
    assert _embedded_fonts(out), "fonts must be embedded"


def test_the_body_font_covers_vietnamese() -> None:
    from PySide6.QtGui import QFontDatabase

    ensure_gui_application()
    family = vietnamese_family()
    assert QFontDatabase.WritingSystem.Vietnamese in QFontDatabase.writingSystems(family)


def test_side_by_side_pdf_has_tables_highlights_and_notes(service, tmp_path) -> None:
    ensure_gui_application()
    source = tmp_path / "bang.md"
    source.write_text(
        "# Điều 1. Phạm vi\n\nCơ quan phải bảo đảm lưu trữ hồ sơ.\n\n"
        "| STT | Tên loại văn bản |\n| --- | --- |\n| 1 | Nghị quyết |\n",
        encoding="utf-8",
    )
    database = service.database
    document_id = add_document(database, source).document_id
    annotate_quote(database, document_id, "lưu trữ hồ sơ", note="Ghi chú về hồ sơ")
    document = load_document(source)
    out = export_pdf(
        service,
        document,
        "en",
        tmp_path / "bang.pdf",
        annotations=stored_annotations(database, document),
    )
    text = _words(" ".join(_pages(out)))
    assert "Tiếng Việt English" in text  # the two columns' heads
    assert text.count("Nghị quyết") == 2  # the table on both sides
    assert "Ghi chú về hồ sơ" in text  # the note, as a footnote
    assert "Notes" in text


def test_cli_writes_a_pdf_and_refuses_a_bad_layout(service, tmp_path, capsys) -> None:
    source = tmp_path / "ngan.txt"
    source.write_text("Điều này được áp dụng từ ngày ký.", encoding="utf-8")
    out = tmp_path / "ngan.pdf"
    assert main(["export", str(source), "--to", "en", "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF") and str(out) in capsys.readouterr().out
    assert "Điều này được áp dụng từ ngày ký." in _words(" ".join(_pages(out)))
    with pytest.raises(SystemExit) as exit_info:
        main(["export", str(source), "--layout", "columns", "-o", str(tmp_path / "x.pdf")])
    assert exit_info.value.code == 2 and not (tmp_path / "x.pdf").exists()
