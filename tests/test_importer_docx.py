import zipfile
from pathlib import Path

import pytest

from reader.core.documents import BlockKind, load_document
from tests.conftest import SHARED
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
REAL_DOCX = SHARED / "samples" / "real" / "nd-30-2020-phu-luc-I.docx"
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


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
    (table,) = [block for block in document.blocks if block.kind is K.TABLE]
    rows = [[text for text, _ in row] for row in table.table_rows()]
    assert rows == [FEATURES_TABLE_CELLS[i : i + 2] for i in range(0, len(FEATURES_TABLE_CELLS), 2)]
    assert (K.QUOTE, 0, "Đây là một đoạn trích dẫn trong chương hai.") in blocks
    assert blocks[-1] == (K.FOOTNOTE, 0, "Đây là nội dung của chú thích.")
    assert [(level, title) for level, title, _ in document.toc] == [
        (1, "Tài liệu thử nghiệm"),
        (1, "Chương một"),
        (2, "Danh sách"),
        (2, "Bảng"),
        (1, "Chương hai"),
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


def _saved(made, path: Path) -> Path:
    made.save(str(path))
    return path


def _table(made, rows: list[list[str]]):
    table = made.add_table(rows=len(rows), cols=len(rows[0]))
    for row, texts in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    return table


def _rows(block) -> list[list[str]]:
    return [[text for text, _ in row] for row in block.table_rows()]


def test_a_table_is_one_block_in_its_place_among_the_paragraphs(tmp_path: Path) -> None:
    import docx

    made = docx.Document()
    made.add_paragraph("Bảng dưới đây liệt kê các ô.")
    _table(made, [["Ô số", ":", "Thành phần"], ["1", ":", "Quốc hiệu và Tiêu ngữ"]])
    made.add_paragraph("Đoạn sau bảng.")
    document = load_document(_saved(made, tmp_path / "bang.docx"))
    assert [block.kind for block in document.blocks] == [K.PARAGRAPH, K.TABLE, K.PARAGRAPH]
    assert _rows(document.blocks[1]) == [
        ["Ô số", ":", "Thành phần"],
        ["1", ":", "Quốc hiệu và Tiêu ngữ"],
    ]


def test_merged_cells_come_out_once_and_the_columns_stay_in_place(tmp_path: Path) -> None:
    import docx

    made = docx.Document()
    table = _table(made, [["STT", "Ví dụ", ""], ["", "Phông", "Cỡ"], ["1", "Quốc hiệu", "12"]])
    table.cell(0, 1).merge(table.cell(0, 2))  # across
    table.cell(0, 0).merge(table.cell(1, 0))  # down
    (block,) = load_document(_saved(made, tmp_path / "gop.docx")).blocks
    assert _rows(block) == [["STT", "Ví dụ", ""], ["", "Phông", "Cỡ"], ["1", "Quốc hiệu", "12"]]


def test_a_nested_table_gives_its_text_to_its_cell(tmp_path: Path) -> None:
    import docx

    made = docx.Document()
    table = _table(made, [["Mục", "Chi tiết"], ["1", ""]])
    inner = table.cell(1, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "Cỡ chữ 13"
    inner.cell(0, 1).text = "kiểu đứng"
    (block,) = load_document(_saved(made, tmp_path / "long.docx")).blocks
    assert _rows(block) == [["Mục", "Chi tiết"], ["1", "Cỡ chữ 13 kiểu đứng"]]


def test_a_letterhead_table_is_one_untranslated_header_block(tmp_path: Path) -> None:
    import docx

    made = docx.Document()
    _table(
        made,
        [
            ["CHÍNH PHỦ\n_______", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
            ["Số: 145/2020/NĐ-CP", "Độc lập - Tự do - Hạnh phúc\n________________________"],
            ["", "Hà Nội, ngày 14 tháng 12 năm 2020"],
        ],
    )
    made.add_paragraph("NGHỊ ĐỊNH", style="Title")
    document = load_document(_saved(made, tmp_path / "nghi-dinh.docx"))
    header = document.blocks[0]
    assert header.kind is K.HEADER and not header.translate
    assert header.text.split("\n") == [
        "CHÍNH PHỦ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số: 145/2020/NĐ-CP",
        "Độc lập - Tự do - Hạnh phúc",
        "Hà Nội, ngày 14 tháng 12 năm 2020",
    ]
    assert [s.text for s in header.sentences] == [header.text]
    assert (document.blocks[1].kind, document.blocks[1].text) == (K.HEADING, "NGHỊ ĐỊNH")


def test_a_letter_head_with_other_spellings_is_a_header_too(tmp_path: Path) -> None:
    import unicodedata

    import docx

    made = docx.Document()
    motto = unicodedata.normalize("NFD", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM")  # oà, decomposed
    _table(
        made,
        [
            ["ỦY BAN NHÂN DÂN\nTỈNH LÀO CAI", motto],
            ["Số: 12/UBND-VX\nV/v triển khai kế hoạch", "Độc lập – Tự do – Hạnh phúc"],
        ],
    )
    (block,) = load_document(_saved(made, tmp_path / "cong-van.docx")).blocks
    assert block.kind is K.HEADER and "V/v triển khai kế hoạch" in block.text.split("\n")


def test_a_table_quoting_the_motto_among_its_data_stays_a_table(tmp_path: Path) -> None:
    import docx

    made = docx.Document()
    _table(
        made,
        [
            ["Thành phần", "Ví dụ minh hoạ"],
            ["Quốc hiệu", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
            ["Tiêu ngữ", "Độc lập - Tự do - Hạnh phúc"],
        ],
    )
    (block,) = load_document(_saved(made, tmp_path / "mau-chu.docx")).blocks
    assert block.kind is K.TABLE and _rows(block)[1] == [
        "Quốc hiệu",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    ]


def test_a_one_column_table_is_read_as_the_paragraphs_it_frames(tmp_path: Path) -> None:
    import docx

    made = docx.Document()
    table = made.add_table(rows=2, cols=1)
    table.cell(0, 0).paragraphs[0].text = "Điều 1. Phạm vi điều chỉnh"
    table.cell(0, 0).paragraphs[0].style = "Heading 2"
    table.cell(0, 0).add_paragraph("Nghị định này quy định về công tác văn thư.")
    table.cell(1, 0).text = "Nghị định này áp dụng đối với cơ quan, tổ chức."
    document = load_document(_saved(made, tmp_path / "khung.docx"))
    assert [(block.kind, block.level) for block in document.blocks] == [
        (K.HEADING, 2),
        (K.PARAGRAPH, 0),
        (K.PARAGRAPH, 0),
    ]
    assert [(level, title) for level, title, _ in document.toc] == [
        (2, "Điều 1. Phạm vi điều chỉnh")
    ]


def test_code_by_font_or_style_is_one_verbatim_block_per_listing(tmp_path: Path) -> None:
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    made = docx.Document()
    for line in ("def tong(a, b):", "", "    return a + b"):
        made.add_paragraph().add_run(line).font.name = "Courier New"
    prose = made.add_paragraph("Hàm ")
    prose.add_run("tong").font.name = "Consolas"
    prose.add_run(" cộng hai số.")
    made.styles.add_style("HTML Preformatted", WD_STYLE_TYPE.PARAGRAPH)
    made.add_paragraph("$ bireader open van-ban.docx", style="HTML Preformatted")
    document = load_document(_saved(made, tmp_path / "ma.docx"))
    assert [(block.kind, block.text) for block in document.blocks] == [
        (K.CODE, "def tong(a, b):\n\n    return a + b"),
        (K.PARAGRAPH, "Hàm tong cộng hai số."),
        (K.CODE, "$ bireader open van-ban.docx"),
    ]


def test_headings_keep_their_levels_and_the_metadata_title_is_passed_only_if_set(
    tmp_path: Path,
) -> None:
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    from reader.core.documents.importers.docx import DocxImporter

    made = docx.Document()
    made.add_paragraph("Nghị định về công tác văn thư", style="Title")
    for level in range(1, 7):
        made.add_heading(f"Tiêu đề cấp {level}", level=level)
    chapter = made.styles.add_style("Chương", WD_STYLE_TYPE.PARAGRAPH)
    chapter.base_style = made.styles["Heading 2"]
    made.add_paragraph("Chương I. Quy định chung", style="Chương")
    raw = DocxImporter().read(_saved(made, tmp_path / "khong-tieu-de.docx"))
    assert [(block.kind, block.level) for block in raw.blocks] == [
        (K.HEADING, level) for level in (1, 1, 2, 3, 4, 5, 6, 2)
    ]
    assert raw.title is None
    made.core_properties.title = "Mẫu cũ của văn phòng"
    raw = DocxImporter().read(_saved(made, tmp_path / "tieu-de-cu.docx"))
    assert raw.title == "Mẫu cũ của văn phòng"


def test_line_breaks_stay_and_a_sentence_broken_with_enter_is_joined(tmp_path: Path) -> None:
    import docx

    made = docx.Document()
    lines = made.add_paragraph("Nơi nhận:")
    lines.add_run().add_break()
    lines.add_run("- Như trên;")
    made.add_paragraph("(Kèm theo Nghị định số 30/2020/NĐ-CP")
    made.add_paragraph(" ngày 05 tháng 3 năm 2020 của Chính phủ)")
    made.add_paragraph("1. Quốc hiệu và Tiêu ngữ")
    made.add_paragraph("a) Quốc hiệu được trình bày bằng chữ in hoa.")
    made.add_paragraph("đoạn mới viết thường sau một câu trọn vẹn.")
    document = load_document(_saved(made, tmp_path / "xuong-dong.docx"))
    assert [block.text for block in document.blocks] == [
        "Nơi nhận:\n- Như trên;",
        "(Kèm theo Nghị định số 30/2020/NĐ-CP\nngày 05 tháng 3 năm 2020 của Chính phủ)",
        "1. Quốc hiệu và Tiêu ngữ",
        "a) Quốc hiệu được trình bày bằng chữ in hoa.",
        "đoạn mới viết thường sau một câu trọn vẹn.",
    ]
    assert len(document.blocks[1].sentences) == 1


def _ole2_file(path: Path, stream: str) -> Path:
    """The start of an Office 97-2003 compound file whose directory names `stream`."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    path.write_bytes(header + stream.encode("utf-16-le") + bytes(4096))
    return path


@pytest.mark.parametrize("name", ["cu.doc", "cu.docx", "cu.txt", "cu"])
def test_word_97_files_are_refused_with_how_to_convert_them(
    tmp_path: Path, capsys, name: str
) -> None:
    assert_refused(
        _ole2_file(tmp_path / name, "WordDocument"),
        "Word 97-2003 .doc is not supported: save it as .docx "
        "(LibreOffice: soffice --headless --convert-to docx FILE)",
        capsys,
    )


def test_password_protected_and_other_office_97_files_are_told_apart(
    tmp_path: Path, capsys
) -> None:
    assert_refused(_ole2_file(tmp_path / "mat.docx", "EncryptedPackage"), "password", capsys)
    assert_refused(_ole2_file(tmp_path / "bang.xls", "Workbook"), "not a Word document", capsys)


@pytest.mark.skipif(not REAL_DOCX.exists(), reason="shared/samples/real is not beside the repo")
def test_the_real_decree_annex_has_its_tables_whole() -> None:
    document = load_document(REAL_DOCX)
    tables = [block for block in document.blocks if block.kind is K.TABLE]
    assert len(tables) >= 3 and not any(b.kind is K.TABLE_CELL for b in document.blocks)
    for table in tables:
        rows = _rows(table)
        assert len({len(row) for row in rows}) == 1  # every row spans the grid
    # The merged header "Ví dụ minh hoạ" spans four columns: it comes once.
    assert [row.count("Ví dụ minh hoạ") for row in _rows(tables[1])[:1]] == [1]
    assert any(row[:3] == ["Ô số", ":", "Thành phần thể thức văn bản"] for row in _rows(tables[0]))


def test_a_document_typed_all_in_a_fixed_width_font_is_prose(tmp_path: Path) -> None:
    import docx

    made = docx.Document()
    made.styles["Normal"].font.name = "Courier New"
    made.add_paragraph("Điều 1. Phạm vi điều chỉnh.")
    made.add_paragraph("Nghị định này quy định về công tác văn thư.")
    document = load_document(_saved(made, tmp_path / "may-chu.docx"))
    # not code: the article line is a heading (the loader's legal headings), the rest prose
    assert [block.kind for block in document.blocks] == [K.HEADING, K.PARAGRAPH]


def test_text_inside_smart_tags_insertions_and_content_controls_is_kept(tmp_path: Path) -> None:
    import docx
    from docx.oxml import parse_xml

    made = docx.Document()
    paragraph = made.add_paragraph("Ban hành tại ")
    paragraph._p.append(
        parse_xml(f'<w:smartTag {W_NS} w:element="place"><w:r><w:t>Hà Nội</w:t></w:r></w:smartTag>')
    )
    paragraph._p.append(
        parse_xml(f"<w:ins {W_NS} w:id='1'><w:r><w:t>, năm 2020</w:t></w:r></w:ins>")
    )
    paragraph._p.append(parse_xml(f"<w:del {W_NS} w:id='2'><w:r><w:t>, bỏ đi</w:t></w:r></w:del>"))
    paragraph.add_run(".")
    made.element.body.insert(
        0,
        parse_xml(
            f"<w:sdt {W_NS}><w:sdtContent><w:p><w:r><w:t>Trang bìa.</w:t></w:r></w:p>"
            "</w:sdtContent></w:sdt>"
        ),
    )
    document = load_document(_saved(made, tmp_path / "the.docx"))
    assert [block.text for block in document.blocks] == [
        "Trang bìa.",
        "Ban hành tại Hà Nội, năm 2020.",
    ]


def test_word_table_of_contents_is_one_contents_block(tmp_path: Path) -> None:
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    made = docx.Document()
    for name in ("TOC Heading", "TOC 1", "TOC 2"):
        if name not in [style.name for style in made.styles]:
            made.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    made.add_paragraph("Mục lục", style="TOC Heading")
    made.add_paragraph("Chương I. Quy định chung\t3", style="TOC 1")
    made.add_paragraph("Điều 1. Phạm vi điều chỉnh\t3", style="TOC 2")
    made.add_heading("Chương I. Quy định chung", level=1)
    document = load_document(_saved(made, tmp_path / "muc-luc.docx"))
    contents, heading = document.blocks
    assert contents.kind is K.CONTENTS and not contents.translate
    assert contents.text == "Mục lục\nChương I. Quy định chung 3\nĐiều 1. Phạm vi điều chỉnh 3"
    assert heading.kind is K.HEADING
    assert [title for _, title, _ in document.toc] == ["Chương I. Quy định chung"]


def test_a_vertical_merge_with_nothing_above_keeps_its_text(tmp_path: Path) -> None:
    import docx
    from docx.oxml import parse_xml

    made = docx.Document()
    table = _table(made, [["Ô số", "Thành phần"], ["1", "Quốc hiệu"]])
    # "Continue the cell above" on the first row: python-docx raises, Word shows the cell.
    table.cell(0, 0)._tc.get_or_add_tcPr().append(parse_xml(f"<w:vMerge {W_NS}/>"))
    (block,) = load_document(_saved(made, tmp_path / "hong.docx")).blocks
    assert _rows(block) == [["Ô số", "Thành phần"], ["1", "Quốc hiệu"]]


def _docx_with_a_picture(path: Path, paragraphs: list[str]) -> Path:
    import io

    import docx
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(picture, format="PNG")
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.add_picture(picture)
    document.save(path)
    return path


def _with_member_of_zeros(source: Path, target: Path, prefix: str, size: int) -> Path:
    """A copy of `source` whose first member named `prefix…` holds `size` bytes (mostly
    zeros, so deflated it stays small)."""
    with (
        zipfile.ZipFile(source) as original,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy,
    ):
        chosen = next(name for name in original.namelist() if name.startswith(prefix))
        for item in original.infolist():
            if item.filename != chosen:
                copy.writestr(item.filename, original.read(item))
                continue
            with copy.open(chosen, "w", force_zip64=True) as stream:
                stream.write(original.read(item))
                for _ in range(size // 2**20):
                    stream.write(bytes(2**20))
    return target


def test_a_huge_picture_does_not_stop_the_text_being_read(tmp_path: Path) -> None:
    """Only the parts the importer parses are bounded: a picture is never unpacked."""
    paragraphs = [f"Đoạn {index}. Ủy ban nhân dân tỉnh báo cáo kết quả." for index in range(20)]
    plain = _docx_with_a_picture(tmp_path / "plain.docx", paragraphs)
    big = _with_member_of_zeros(plain, tmp_path / "big.docx", "word/media/", 50 * 2**20)
    with zipfile.ZipFile(big) as archive:
        sizes = [(item.file_size, item.compress_size) for item in archive.infolist()]
    assert max(unpacked for unpacked, _ in sizes) > 50 * 10**6  # deflated, a bomb's ratio:
    assert sum(packed for _, packed in sizes) < 10**6
    document = load_document(big)
    assert [block.text for block in document.blocks] == paragraphs


def test_a_bomb_in_a_part_python_docx_parses_is_still_refused(tmp_path: Path, capsys) -> None:
    plain = _docx_with_a_picture(tmp_path / "plain.docx", ["Một đoạn văn."])
    bomb = _with_member_of_zeros(plain, tmp_path / "bomb.docx", "word/styles.xml", 100 * 2**20)
    assert_refused(bomb, "zip bomb", capsys)


def test_a_long_run_of_continued_lines_is_one_paragraph_and_ends_where_it_should(
    tmp_path: Path,
) -> None:
    import docx

    made = docx.Document()
    made.add_paragraph("Bài thơ không có dấu chấm")
    for index in range(2_000):
        made.add_paragraph(f"dòng thơ thứ {index} vẫn chưa hết")
    made.add_paragraph("")
    made.add_paragraph("dòng sau khoảng trống.")
    document = load_document(_saved(made, tmp_path / "tho.docx"))
    assert [block.text.count("\n") for block in document.blocks] == [2_000, 0]


def test_a_highly_compressible_document_is_not_taken_for_a_zip_bomb(tmp_path: Path) -> None:
    import docx

    made = docx.Document()
    made.add_paragraph("Điều khoản này được lặp lại nhiều lần trong văn bản mẫu.")
    plain = _saved(made, tmp_path / "mot.docx")
    path = tmp_path / "lap-lai.docx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":  # the one paragraph, 20,000 times
                start, end = data.index(b"<w:p>"), data.index(b"</w:p>") + len(b"</w:p>")
                data = data[:start] + data[start:end] * 20_000 + data[end:]
            out.writestr(item.filename, data)
    with zipfile.ZipFile(path) as archive:
        body = archive.getinfo("word/document.xml")
    assert body.file_size > 2**20 and body.file_size / body.compress_size > 200
    assert len(load_document(path).blocks) == 20_000
