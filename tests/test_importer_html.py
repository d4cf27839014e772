import time
from pathlib import Path

import pytest

from reader.core.documents import BlockKind, load_document
from reader.core.documents.importers import RawBlock
from reader.core.documents.importers.html import decode_html, parse_html
from reader.core.errors import InputError
from tests.conftest import SHARED
from tests.documents_helpers import (
    DOCUMENTS,
    FIRST_SENTENCES,
    SAMPLE_TITLE,
    assert_refused,
    sample_sentences_without_debris,
    sentence_texts,
)

PAGE = DOCUMENTS / "sample.html"
EXPECTED_KINDS = (
    [
        BlockKind.HEADING,
        BlockKind.PARAGRAPH,
        BlockKind.PARAGRAPH,
        BlockKind.CAPTION,
        BlockKind.PARAGRAPH,
    ]
    + [BlockKind.LIST_ITEM] * 4
    + [BlockKind.PARAGRAPH, BlockKind.CAPTION, BlockKind.CAPTION, BlockKind.PARAGRAPH]
    + [BlockKind.LIST_ITEM] * 3
    + [BlockKind.PARAGRAPH] * 3
)


def test_saved_news_page_gives_the_article_blocks_a_reader_sees() -> None:
    document = load_document(PAGE)
    assert document.format == "html"
    assert document.language == "vi"
    assert document.title == SAMPLE_TITLE
    assert [block.kind for block in document.blocks] == EXPECTED_KINDS
    assert document.blocks[0].level == 1
    assert sentence_texts(document)[:3] == FIRST_SENTENCES
    assert document.toc == ((1, SAMPLE_TITLE, 0),)


def test_page_debris_scripts_and_styles_are_dropped() -> None:
    text = "\n".join(block.text for block in load_document(PAGE).blocks)
    for debris in (
        "Sign In",
        "Đăng ký",
        "Trang chủ",
        "Chia sẻ",
        "Tweet",
        "Tag:",
        "BVCTNB\n",
        "File đính kèm",
        "Tin liên quan",
        "cookie",
        "©",
        "Giấy phép",
        "Tìm kiếm",
        "Đây không phải nội dung",
        "font-family",
        "dataLayer",
    ):
        assert debris not in text, debris


def test_sample_sentences_are_those_of_the_text_version_without_the_page_debris() -> None:
    assert sentence_texts(load_document(PAGE)) == sample_sentences_without_debris()


@pytest.mark.parametrize("name", ["sample-cp1258.html", "sample-mislabelled.html"])
def test_real_bytes_win_over_the_declared_charset(name: str) -> None:
    assert load_document(DOCUMENTS / name).blocks == load_document(PAGE).blocks


def test_windows_1258_page_declared_as_windows_1252_is_still_vietnamese(tmp_path: Path) -> None:
    data = (DOCUMENTS / "sample-cp1258.html").read_bytes()
    lying = tmp_path / "lying.html"
    lying.write_bytes(data.replace(b'charset="windows-1258"', b'charset="windows-1252"'))
    text = decode_html(lying.read_bytes(), lying)
    assert text.replace("windows-1252", "utf-8") == decode_html(PAGE.read_bytes(), PAGE)


def test_a_declared_non_western_charset_is_used(tmp_path: Path) -> None:
    page = '<html><head><meta charset="koi8-r"></head><body><p>Привет, мир.</p></body></html>'
    path = tmp_path / "ru.html"
    path.write_bytes(page.encode("koi8-r"))
    blocks = parse_html(path.read_bytes(), path).blocks
    assert blocks[-1].text == "Привет, мир."


def test_nothing_is_fetched_and_no_entity_is_expanded(tmp_path: Path, no_network) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-MARKER")
    page = tmp_path / "remote.html"
    page.write_text(
        f'<!DOCTYPE html SYSTEM "http://example.com/evil.dtd" [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<html><head><link rel="stylesheet" href="http://example.com/a.css">'
        '<script src="http://example.com/a.js"></script></head>'
        "<body><article><h1>Tiêu đề bài viết</h1><p>Nội dung &x; chính.</p>"
        '<img src="http://example.com/a.jpg" alt="ảnh"><iframe src="http://example.com/"></iframe>'
        "</article></body></html>",
        encoding="utf-8",
    )
    document = load_document(page)
    text = " ".join(block.text for block in document.blocks)
    assert "SECRET-MARKER" not in text
    assert "Nội dung" in text


def test_structure_without_article_element_is_kept(tmp_path: Path) -> None:
    """No <article>/<main>: readability picks the content; links stay as their text."""
    paragraphs = "".join(
        f"<p>Đoạn văn số {i} nói về công tác xây dựng Đảng và <a href='/x'>liên kết {i}</a> "
        "trong bài, với nhiều câu dài để giống một bài báo thật sự.</p>"
        for i in range(6)
    )
    page = tmp_path / "divs.html"
    page.write_text(
        "<html><body><div id='menu'><a href='/'>Trang chủ</a><a href='/a'>Tin tức</a></div>"
        f"<div class='content'><h2>Tiêu đề phụ</h2>{paragraphs}"
        "<ul><li>Mục một của danh sách.</li><li>Mục hai của danh sách.</li></ul></div>"
        "<div class='footer-links'><a href='/c'>Liên hệ</a></div></body></html>",
        encoding="utf-8",
    )
    blocks = load_document(page).blocks
    texts = [block.text for block in blocks]
    assert "Trang chủ" not in " ".join(texts)
    assert any("liên kết 3 trong bài" in text for text in texts)
    assert (BlockKind.HEADING, 2) in [(block.kind, block.level) for block in blocks]
    assert [b.text for b in blocks if b.kind is BlockKind.LIST_ITEM] == [
        "Mục một của danh sách.",
        "Mục hai của danh sách.",
    ]


def test_deeply_nested_page_is_refused_cleanly(tmp_path: Path, capsys) -> None:
    page = tmp_path / "deep.html"
    page.write_text("<html><body>" + "<div>" * 100_000 + "<p>Chào.</p>" + "</div>" * 100_000)
    with pytest.raises(InputError, match="nested too deeply"):
        load_document(page)
    assert_refused(page, "nested too deeply", capsys)


def test_page_without_text_is_refused(tmp_path: Path, capsys) -> None:
    page = tmp_path / "empty.html"
    page.write_text(
        "<html><head><title>x</title><script>var a = 1;</script></head><body></body></html>"
    )
    assert_refused(page, "no text", capsys)


def test_binary_file_named_html_is_refused(tmp_path: Path, capsys) -> None:
    page = tmp_path / "photo.html"
    page.write_bytes(bytes(range(256)) * 40)
    assert_refused(page, "binary", capsys)


def test_text_language_beats_a_wrong_lang_attribute(tmp_path: Path) -> None:
    data = PAGE.read_bytes().replace(b'<html lang="vi">', b'<html lang="en">')
    page = tmp_path / "template.html"
    page.write_bytes(data)
    assert load_document(page).language == "vi"


def test_declared_language_decides_when_the_text_cannot(tmp_path: Path) -> None:
    page = tmp_path / "short.html"
    page.write_text('<html lang="vi"><body><p>BVCTNB 2023</p></body></html>', encoding="utf-8")
    assert load_document(page).language == "vi"


def test_block_kinds_come_from_elements_and_their_containers() -> None:
    from lxml import html as lxml_html

    from reader.core.documents.importers.htmlblocks import BlockBuilder

    builder = BlockBuilder()
    builder.add_tree(
        lxml_html.fromstring(
            "<div><p>Trước <script>x</script>sau <a href='/x'>liên kết</a>.</p>Lẻ loi"
            "<ul><li>Một<ul><li>Hai</li></ul>tiếp</li></ul>"
            "<blockquote><p>Trích dẫn.</p></blockquote>"
            "<figure><img src='a.png'><figcaption>Ảnh một.</figcaption></figure>"
            "<table><tr><td><p>Ô một.</p></td><th>Ô hai.</th></tr></table><pre>  mã\n  x</pre>"
            "<p>Dòng một<br><br>Dòng hai</p></div>"
        )
    )
    assert [(b.kind.value, b.level, b.text or b.rows) for b in builder.blocks] == [
        ("paragraph", 0, "Trước sau liên kết."),
        ("paragraph", 0, "Lẻ loi"),
        ("list_item", 1, "Một"),
        ("list_item", 2, "Hai"),
        ("list_item", 1, "tiếp"),
        ("quote", 0, "Trích dẫn."),
        ("caption", 0, "Ảnh một."),
        ("table", 0, (("Ô một.", "Ô hai."),)),
        ("code", 0, "  mã\n  x"),
        ("paragraph", 0, "Dòng một"),
        ("paragraph", 0, "Dòng hai"),
    ]


def _blocks(markup: str) -> list[tuple[str, str | tuple]]:
    """(kind, text, or rows for a table) of the blocks of an HTML fragment."""
    from lxml import html as lxml_html

    from reader.core.documents.importers.htmlblocks import BlockBuilder

    builder = BlockBuilder()
    builder.add_tree(lxml_html.fromstring(f"<div>{markup}</div>"))
    return [(block.kind.value, block.text or block.rows) for block in builder.blocks]


def test_one_br_is_a_line_break_two_end_a_paragraph_and_source_newlines_are_spaces() -> None:
    assert _blocks(
        "<p>Ngày mai,\n   trời   lại sáng<br/>trên đồng.<br><br>\n<br>Đoạn sau.</p>"
        "<h3>Đề mục 19.2<br>Chuyển giao công nghệ</h3>"
    ) == [
        ("paragraph", "Ngày mai, trời lại sáng\ntrên đồng."),
        ("paragraph", "Đoạn sau."),
        ("heading", "Đề mục 19.2\nChuyển giao công nghệ"),
    ]


def test_a_long_run_of_br_separated_lines_is_a_paragraph_per_line() -> None:
    """A chapter in one <div>, its paragraphs separated by single <br>s."""
    lines = [
        f"Đoạn {i}: chị Dậu bế con ra đầu làng, nhìn về phía đình, lòng rối bời." for i in range(40)
    ]
    assert _blocks("<div>" + "<br>\n".join(lines) + "</div>") == [
        ("paragraph", line) for line in lines
    ]
    verse = "Trăm năm trong cõi người ta,<br>Chữ tài chữ mệnh khéo là ghét nhau."
    assert _blocks(f"<p>{verse}</p>") == [("paragraph", verse.replace("<br>", "\n"))]


def test_preformatted_text_and_block_code_are_code_verbatim() -> None:
    source = "def tong(a, b):\n    # cộng hai số\n    return a + b"
    assert _blocks(
        f"<pre><code>{source}</code></pre><div><code>pip   install reader</code></div>"
        "<p>Gõ <code>ls -l</code> để xem.</p><pre>dòng một<br>  dòng hai</pre>"
    ) == [
        ("code", source),
        ("code", "pip   install reader"),
        ("paragraph", "Gõ ls -l để xem."),
        ("code", "dòng một\n  dòng hai"),
    ]


def test_code_is_one_untranslated_sentence_in_the_document(tmp_path: Path) -> None:
    page = tmp_path / "code.html"
    page.write_text(
        "<html><body><p>Chạy lệnh sau. Rồi đợi kết quả.</p>"
        "<pre>for i in range(3):\n    print(i)  # in ra. Hết.</pre></body></html>",
        encoding="utf-8",
    )
    code = next(b for b in load_document(page).blocks if b.kind is BlockKind.CODE)
    assert code.text == "for i in range(3):\n    print(i)  # in ra. Hết."
    assert not code.translate and [s.text for s in code.sentences] == [code.text]


def test_a_data_table_is_one_block_of_rows_with_nested_tables_flattened() -> None:
    assert _blocks(
        "<table><caption>Bảng 1. Kết quả</caption>"
        "<thead><tr><th>Năm</th><th>Kết quả</th></tr></thead>"
        "<tbody><tr><td>2023</td><td><p>Hoàn thành.</p><p>Vượt <sup>1</sup> kế hoạch.</p></td></tr>"
        "<tr><td>2024</td><td>Tiếp tục<table><tr><td>quý I</td><td>quý II</td></tr></table>"
        "</td></tr><tr><td></td><td></td></tr></tbody></table><p>Sau bảng.</p>"
    ) == [
        ("caption", "Bảng 1. Kết quả"),
        (
            "table",
            (
                ("Năm", "Kết quả"),
                ("2023", "Hoàn thành. Vượt 1 kế hoạch."),
                ("2024", "Tiếp tục quý I quý II"),
            ),
        ),
        ("paragraph", "Sau bảng."),
    ]


def test_a_layout_table_is_read_as_its_blocks_a_one_column_list_stays_a_table() -> None:
    assert _blocks(
        "<table><tr><td><h2>Chương I</h2><p>Đoạn một.</p></td></tr>"
        "<tr><td><p>Đoạn hai.</p></td><td> </td></tr></table>"
        "<table><tr><td>Chỉ một ô.</td><td></td></tr></table>"
        "<table><tr><td><h3>Bên trái</h3></td><td><h3>Bên phải</h3><p>Cột hai.</p></td></tr>"
        "</table>"
        "<table><tr><th>Họ tên</th></tr><tr><td>Nguyễn Văn An</td></tr><tr><td>Trần Bình</td></tr>"
        "</table>"
    ) == [
        ("heading", "Chương I"),
        ("paragraph", "Đoạn một."),
        ("paragraph", "Đoạn hai."),
        ("paragraph", "Chỉ một ô."),
        ("heading", "Bên trái"),
        ("heading", "Bên phải"),
        ("paragraph", "Cột hai."),
        ("table", (("Họ tên",), ("Nguyễn Văn An",), ("Trần Bình",))),
    ]


def _article_page(tmp_path: Path, head: str, before: str, after: str = "") -> Path:
    paragraphs = "".join(
        f"<p>Điều {i}. Nội dung của điều này quy định về chuyển giao công nghệ, với nhiều câu "
        "dài như một văn bản thật, để trình đọc chọn đúng phần nội dung chính.</p>"
        for i in range(8)
    )
    page = tmp_path / "page.html"
    page.write_text(
        f"<html><head>{head}</head><body>{before}<div class='_content'>{paragraphs}"
        f"{after}</div></body></html>",
        encoding="utf-8",
    )
    return page


def test_the_heading_above_the_main_content_is_kept(tmp_path: Path) -> None:
    """readability keeps the content's <div> but not the <h3> standing before it."""
    page = _article_page(
        tmp_path,
        "",
        "<h3>Đề mục 19.2<br/>Chuyển giao công nghệ</h3>"
        "<p style='display: none'>(Xem danh mục văn bản)</p>",
    )
    raw = parse_html(page.read_bytes(), page)
    assert (raw.blocks[0].kind, raw.blocks[0].text) == (
        BlockKind.HEADING,
        "Đề mục 19.2\nChuyển giao công nghệ",
    )
    assert raw.toc[0] == (3, "Đề mục 19.2 Chuyển giao công nghệ", 0)
    assert raw.title is None  # nothing declared: the loader chooses


def test_the_declared_title_is_passed_as_declared_and_not_made_a_heading(tmp_path: Path) -> None:
    page = _article_page(tmp_path, "<title>Trang chủ | Cổng thông tin</title>", "")
    raw = parse_html(page.read_bytes(), page)
    assert raw.title == "Trang chủ | Cổng thông tin"
    assert "Trang chủ" not in " ".join(block.text for block in raw.blocks)
    page = _article_page(
        tmp_path,
        "<title>Bài viết | Báo</title><meta property='og:title' content='Bài  viết'>",
        "",
    )
    assert parse_html(page.read_bytes(), page).title == "Bài viết"


def test_small_tables_and_notes_that_readability_drops_are_kept(tmp_path: Path) -> None:
    page = _article_page(
        tmp_path,
        "",
        "",
        "<table><tr><td>Gbđ</td><td>Gsx</td></tr></table>"
        "<div class='footnote'><p>Chú thích cuối bài.</p></div>",
    )
    blocks = parse_html(page.read_bytes(), page).blocks
    assert RawBlock(BlockKind.TABLE, "", rows=(("Gbđ", "Gsx"),)) in blocks
    assert (BlockKind.FOOTNOTE, "Chú thích cuối bài.") in [(b.kind, b.text) for b in blocks]


def test_a_page_expanding_past_the_text_budget_is_refused(tmp_path: Path, monkeypatch) -> None:
    from reader.core.documents.importers import htmlblocks

    monkeypatch.setattr(htmlblocks, "MAX_TEXT_CHARS", 1000)
    page = _article_page(tmp_path, "", "")
    with pytest.raises(InputError, match="expands to more than 1,000 characters"):
        load_document(page)


LEGAL_CODE_PAGE = SHARED / "samples" / "real" / "phapdien-de-muc-19.2-chuyen-giao-cong-nghe.html"


@pytest.mark.skipif(not LEGAL_CODE_PAGE.exists(), reason="needs ../shared/samples/real")
def test_legal_code_page_keeps_its_heading_articles_and_thirteen_tables() -> None:
    from lxml import html as lxml_html

    raw = parse_html(LEGAL_CODE_PAGE.read_bytes(), LEGAL_CODE_PAGE)
    assert (raw.blocks[0].kind, raw.blocks[0].text) == (
        BlockKind.HEADING,
        "Đề mục 19.2\nChuyển giao công nghệ",
    )
    tables = [block for block in raw.blocks if block.kind is BlockKind.TABLE]
    assert len(tables) == 13
    assert all(len({len(row) for row in table.rows}) == 1 for table in tables)  # spans spread
    page = lxml_html.fromstring(decode_html(LEGAL_CODE_PAGE.read_bytes(), LEGAL_CODE_PAGE))
    articles = [" ".join(p.text_content().split()) for p in page.find_class("pDieu")]
    texts = {block.text for block in raw.blocks}
    assert len(articles) > 100 and all(article in texts for article in articles)


def test_many_code_blocks_in_one_parent_are_judged_once(monkeypatch) -> None:
    """Whether a parent holds only code was asked again for each <code>: quadratic."""
    from reader.core.documents.importers import htmlblocks

    calls = 0
    is_unseen = htmlblocks.is_unseen

    def counted(element) -> bool:
        nonlocal calls
        calls += 1
        return is_unseen(element)

    monkeypatch.setattr(htmlblocks, "is_unseen", counted)
    count = 2000
    blocks = _blocks("<div>" + "".join(f"<code>x = {i}</code>" for i in range(count)) + "</div>")
    assert blocks == [("code", f"x = {i}") for i in range(count)]
    assert calls < 10 * count


def test_merged_table_cells_keep_the_values_under_their_columns() -> None:
    """A colspan or rowspan cell's text is in the first slot it covers, "" in the others."""
    assert _blocks(
        "<table><tr><th rowspan='2'>STT</th><th colspan='2'>Giá (đồng)</th><th>Ghi chú</th></tr>"
        "<tr><th>Mua</th><th>Bán</th><td rowspan=0>Tạm tính</td></tr>"
        "<tr><td>1</td><td colspan='9'>Chưa có giá</td></tr>"
        "<tr><td>2</td><td>100</td><td>120</td></tr></table>"
    ) == [
        (
            "table",
            (
                ("STT", "Giá (đồng)", "", "Ghi chú"),
                ("", "Mua", "Bán", "Tạm tính"),
                ("1", "Chưa có giá", "", ""),
                ("2", "100", "120", ""),
            ),
        )
    ]


def test_dropped_furniture_keeps_the_text_after_it_in_order() -> None:
    from lxml import html as lxml_html

    from reader.core.documents.importers.html import remove_page_furniture

    root = lxml_html.fromstring(
        "<html><body><div>Mở đầu <nav>menu</nav>một <nav>menu</nav>hai <b>đậm</b> "
        "<nav>menu</nav>ba<nav>menu</nav>. Phần thân bài dài hơn mọi thanh điều hướng.</div>"
        "</body></html>"
    )
    remove_page_furniture(root)
    assert root.findall(".//nav") == []
    assert root.text_content() == (
        "Mở đầu một hai đậm ba. Phần thân bài dài hơn mọi thanh điều hướng."
    )


def test_many_adjacent_dropped_elements_are_removed_in_linear_time() -> None:
    """Their tails were appended one by one to the same text: quadratic (28 s for 8,000)."""
    from lxml import html as lxml_html

    from reader.core.documents.importers.html import remove_page_furniture

    count, tail = 8000, "chữ " * 50
    root = lxml_html.fromstring(
        "<html><body><div><p>"
        + "bài " * (60 * count)
        + "</p>"
        + f"<nav>menu</nav>{tail}" * count
        + "</div></body></html>"
    )
    started = time.perf_counter()
    remove_page_furniture(root)
    assert time.perf_counter() - started < 5
    assert root.findall(".//nav") == [] and root.text_content().count("chữ") == 50 * count
