"""Helpers shared by the importer tests: the generated test documents (see
tests/data/make_documents.py), the sample's sentences as the text importer sees them, and a
check that a bad file is refused by the CLI the way the brief says."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from reader.cli import main
from reader.core.documents import BlockKind, Document, load_document
from reader.core.library import list_documents
from reader.core.storage import open_database
from tests.conftest import SAMPLE

DOCUMENTS = Path(__file__).resolve().parent / "data" / "documents"
# Lines of the text copy of the web page that are page debris, not article text: the HTML
# importer drops them, the other formats were made without them.
PAGE_DEBRIS = ("Sign In", "Tag:", "File đính kèm")
SAMPLE_TITLE = (
    "Tình hình, kết quả công tác bảo vệ chính trị nội bộ (BVCTNB) Đảng năm 2023 "
    "và phương hướng, nhiệm vụ năm 2024"
)
FIRST_SENTENCES = [
    SAMPLE_TITLE,
    "08:48 14/01/2024",
    "Công tác BVCTNB là một bộ phận trọng yếu trong công tác xây dựng Đảng; là những hoạt động "
    "nhằm bảo vệ Cương lĩnh, Điều lệ Đảng, Hiến pháp và pháp luật của Nhà nước, sự đoàn kết "
    "thống nhất trong Đảng.",
]


def sentence_texts(document: Document) -> list[str]:
    return [sentence.text for _, sentence in document.iter_sentences()]


def sample_sentences_without_debris() -> list[str]:
    return [text for text in sentence_texts(load_document(SAMPLE)) if text not in PAGE_DEBRIS]


def assert_refused(path: Path, message: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`bireader library add FILE` exits 2 with one line naming the file and the problem,
    prints no traceback, and leaves the library empty."""
    code = main(["library", "add", str(path)])
    captured = capsys.readouterr()
    assert code == 2, captured.err
    assert message in captured.err
    assert str(path) in captured.err
    assert "Traceback" not in captured.err
    assert len(captured.err.strip().splitlines()) == 1
    database = open_database()
    try:
        assert list_documents(database) == []
    finally:
        database.close()


def truncated_copy(source: Path, tmp_path: Path, name: str | None = None) -> Path:
    data = source.read_bytes()
    target = tmp_path / (name or source.name)
    target.write_bytes(data[: len(data) // 2])
    return target


def zip_bomb(path: Path, member: str, first_members: dict[str, bytes] | None = None) -> Path:
    """A small zip holding `member` that unpacks to 100 MiB of zeros."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in (first_members or {}).items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_STORED)
        with archive.open(member, "w", force_zip64=True) as stream:
            chunk = b"\0" * 2**20
            for _ in range(100):
                stream.write(chunk)
    return path


# What a reader sees at the start of tests/data/documents/features.* (every format made from
# the same features.md): chapter one's blocks, and the table's cells in reading order.
FEATURES_CHAPTER_ONE = [
    (BlockKind.HEADING, 1, "Chương một"),
    (BlockKind.PARAGRAPH, 0, "Đây là đoạn mở đầu của chương một. Nó có một chú thích cuối trang."),
    (BlockKind.HEADING, 2, "Danh sách"),
    (BlockKind.LIST_ITEM, 1, "Mục thứ nhất của danh sách."),
    (BlockKind.LIST_ITEM, 2, "Mục con thứ nhất."),
    (BlockKind.LIST_ITEM, 2, "Mục con thứ hai."),
    (BlockKind.LIST_ITEM, 1, "Mục thứ hai của danh sách."),
    (BlockKind.LIST_ITEM, 1, "Bước một."),
    (BlockKind.LIST_ITEM, 1, "Bước hai."),
    (BlockKind.HEADING, 2, "Bảng"),
]
FEATURES_TABLE_CELLS = [
    "Năm",
    "Kết quả",
    "2023",
    "Hoàn thành tốt nhiệm vụ.",
    "2024",
    "Tiếp tục triển khai.",
]
