import zipfile
from pathlib import Path

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

K = BlockKind


def test_sample_docx_gives_the_blocks_a_reader_sees() -> None:
    document = load_document(DOCUMENTS / "sample.docx")
    assert document.format == "docx"
    assert document.language == "vi"
    assert document.title == SAMPLE_TITLE
    kinds = [block.kind for block in document.blocks]
    assert len(kinds) == 19
    assert kinds[0] is K.HEADING and document.blocks[0].level == 1  # the "Title" paragraph
    assert kinds.count(K.CAPTION) == 3 and kinds.count(K.LIST_ITEM) == 7
    assert sentence_texts(document)[:3] == FIRST_SENTENCES


def test_sample_sentences_are_those_of_the_text_version() -> None:
    assert (
        sentence_texts(load_document(DOCUMENTS / "sample.docx"))
        == sample_sentences_without_debris()
    )


def test_headings_nested_lists_tables_quotes_and_footnotes() -> None:
    document = load_document(DOCUMENTS / "features.docx")
    blocks = [(block.kind, block.level, block.text) for block in document.blocks]
    assert blocks[:11] == [(K.HEADING, 1, "Tài liệu thử nghiệm"), *FEATURES_CHAPTER_ONE]
    cells = [text for kind, _, text in blocks if kind is K.TABLE_CELL]
    assert cells == FEATURES_TABLE_CELLS
    assert (K.QUOTE, 0, "Đây là một đoạn trích dẫn trong chương hai.") in blocks
    assert blocks[-1] == (K.FOOTNOTE, 0, "Đây là nội dung của chú thích.")
    assert [(level, title) for level, title, _ in document.toc] == [
        (1, "Tài liệu thử nghiệm"),
        (1, "Chương một"),
        (2, "Danh sách"),
        (2, "Bảng"),
        (1, "Chương hai"),
    ]


def test_merged_table_cells_come_out_once(tmp_path: Path) -> None:
    import docx

    made = docx.Document()
    table = made.add_table(rows=2, cols=2)
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = "Tiêu đề gộp."
    table.cell(1, 0).text = "Trái."
    table.cell(1, 1).text = "Phải."
    path = tmp_path / "merged.docx"
    made.save(str(path))
    assert [block.text for block in load_document(path).blocks] == [
        "Tiêu đề gộp.",
        "Trái.",
        "Phải.",
    ]


def test_truncated_docx_is_refused(tmp_path: Path, capsys) -> None:
    assert_refused(truncated_copy(DOCUMENTS / "sample.docx", tmp_path), "truncated zip", capsys)


def test_zip_bomb_is_refused_before_unpacking(tmp_path: Path, capsys) -> None:
    bomb = zip_bomb(tmp_path / "bomb.docx", "word/document.xml")
    assert_refused(bomb, "zip bomb", capsys)


def test_zip_that_is_not_a_word_document_is_refused(tmp_path: Path, capsys) -> None:
    path = tmp_path / "report.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "Không phải tài liệu Word.")
    assert_refused(path, "no word/document.xml", capsys)


def test_old_binary_word_file_is_refused(tmp_path: Path, capsys) -> None:
    path = tmp_path / "old.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 20)
    assert_refused(path, "not a valid DOCX", capsys)
