from pathlib import Path

from reader.core.documents import load_document
from reader.core.documents.importers.markdown import parse_markdown
from reader.core.documents.model import BlockKind
from tests.documents_helpers import (
    DOCUMENTS,
    FEATURES_CHAPTER_ONE,
    FEATURES_TABLE_CELLS,
    SAMPLE_TITLE,
    sample_sentences_without_debris,
    sentence_texts,
)

MARKDOWN = """# Báo cáo năm 2023

Đoạn **đầu tiên** có [liên kết](http://example.invalid) và `mã`.
Dòng nối tiếp.

## Nhiệm vụ

- Mục một.
  - Mục con.
- Mục hai.

> Trích dẫn.

| Cột A | Cột B |
|-------|-------|
| ô 1   | ô 2   |

```
code block
```
"""


def test_markdown_structure_becomes_typed_blocks() -> None:
    raw = parse_markdown(MARKDOWN)
    got = [(block.kind, block.level, block.text, block.rows) for block in raw.blocks]
    assert got == [
        (BlockKind.HEADING, 1, "Báo cáo năm 2023", ()),
        (BlockKind.PARAGRAPH, 0, "Đoạn đầu tiên có liên kết và mã. Dòng nối tiếp.", ()),
        (BlockKind.HEADING, 2, "Nhiệm vụ", ()),
        (BlockKind.LIST_ITEM, 1, "Mục một.", ()),
        (BlockKind.LIST_ITEM, 2, "Mục con.", ()),
        (BlockKind.LIST_ITEM, 1, "Mục hai.", ()),
        (BlockKind.QUOTE, 0, "Trích dẫn.", ()),
        (BlockKind.TABLE, 0, "", (("Cột A", "Cột B"), ("ô 1", "ô 2"))),
        (BlockKind.CODE, 0, "code block", ()),
    ]
    assert raw.title == "Báo cáo năm 2023"
    assert raw.toc == [(1, "Báo cáo năm 2023", 0), (2, "Nhiệm vụ", 2)]


def test_pipe_table_keeps_empty_cells_in_their_columns_and_drops_inline_markup() -> None:
    table = "| Điều | Nội dung | Ghi chú |\n|---|:---:|---|\n| **1** | Phạm vi `điều chỉnh` |  |\n"
    (block,) = parse_markdown(table).blocks
    assert block.kind is BlockKind.TABLE
    assert block.rows == (("Điều", "Nội dung", "Ghi chú"), ("1", "Phạm vi điều chỉnh", ""))


def test_table_is_one_block_whose_cells_are_segmented_one_by_one(tmp_path: Path) -> None:
    path = tmp_path / "bang.md"
    path.write_text(
        "Đoạn đầu.\n\n| Năm | Kết quả |\n|---|---|\n| 2023 | Tốt. Rất tốt. |\n", encoding="utf-8"
    )
    table = load_document(path).blocks[1]
    assert table.kind is BlockKind.TABLE
    rows = [[text for text, _ in row] for row in table.table_rows()]
    assert rows == [["Năm", "Kết quả"], ["2023", "Tốt. Rất tốt."]]
    assert [s.text for s in table.table_rows()[1][1][1]] == ["Tốt.", "Rất tốt."]


def test_fenced_and_indented_code_keep_their_text_verbatim() -> None:
    source = (
        "```python\ndef f(x):\n\n    return x  # **không** phải chữ đậm\n```\n\n"
        "Đoạn văn.\n\n    $ bireader open --from vi\n      tiếp tục\n"
    )
    blocks = [(block.kind, block.text) for block in parse_markdown(source).blocks]
    assert blocks == [
        (BlockKind.CODE, "def f(x):\n\n    return x  # **không** phải chữ đậm"),
        (BlockKind.PARAGRAPH, "Đoạn văn."),
        (BlockKind.CODE, "$ bireader open --from vi\n  tiếp tục"),
    ]


def test_deep_lists_and_quotes_keep_every_level() -> None:
    lists = "".join("  " * depth + f"- Mục cấp {depth + 1}.\n" for depth in range(15))
    quotes = ">" * 30 + " Trích dẫn rất sâu.\n"
    blocks = parse_markdown(lists + "\n" + quotes).blocks
    assert [(b.kind, b.level, b.text) for b in blocks[:15]] == [
        (BlockKind.LIST_ITEM, depth + 1, f"Mục cấp {depth + 1}.") for depth in range(15)
    ]
    assert (blocks[15].kind, blocks[15].text) == (BlockKind.QUOTE, "Trích dẫn rất sâu.")


def test_text_nested_past_the_parser_limit_is_kept_flat() -> None:
    quotes = ">" * 1000 + " **Sâu** nhất.\n\nSau đó.\n"
    assert [(b.kind, b.text) for b in parse_markdown(quotes).blocks] == [
        (BlockKind.QUOTE, "Sâu nhất."),
        (BlockKind.PARAGRAPH, "Sau đó."),
    ]
    # markdown-it lets an item it could not parse run to the end: its text is all kept.
    lists = "".join("  " * depth + f"- m{depth}\n" for depth in range(300)) + "\nCuối.\n"
    words = " ".join(block.text for block in parse_markdown(lists).blocks).split()
    assert words == [*(f"m{depth}" for depth in range(300)), "Cuối."]


def test_a_file_of_nothing_but_spaces_gives_no_block() -> None:
    assert parse_markdown("").blocks == [] and parse_markdown("  \n\n").blocks == []


def test_front_matter_declares_the_title_and_is_not_text() -> None:
    raw = parse_markdown(
        '---\ntitle: "Nghị định 30/2020/NĐ-CP"\ndate: 2020-03-05\n---\n\n# Phụ lục I\n\nĐoạn.\n'
    )
    assert raw.title == "Nghị định 30/2020/NĐ-CP"
    assert [(block.kind, block.text) for block in raw.blocks] == [
        (BlockKind.HEADING, "Phụ lục I"),
        (BlockKind.PARAGRAPH, "Đoạn."),
    ]


def test_a_rule_at_the_top_is_not_taken_for_front_matter() -> None:
    raw = parse_markdown("---\n\nĐoạn đầu.\n\nTiêu đề phụ\n---\n")
    assert [(block.kind, block.text) for block in raw.blocks] == [
        (BlockKind.PARAGRAPH, "Đoạn đầu."),
        (BlockKind.HEADING, "Tiêu đề phụ"),
    ]
    assert raw.title is None


def test_sample_markdown_reads_as_the_other_formats_do() -> None:
    document = load_document(DOCUMENTS / "sample.md")
    assert document.title == SAMPLE_TITLE
    # The title is declared in the front matter, not written in the text.
    assert [SAMPLE_TITLE, *sentence_texts(document)] == sample_sentences_without_debris()


def test_features_markdown_gives_the_blocks_of_the_other_formats() -> None:
    document = load_document(DOCUMENTS / "features.md")
    blocks = [(block.kind, block.level, block.text) for block in document.blocks]
    assert blocks[: len(FEATURES_CHAPTER_ONE)] == FEATURES_CHAPTER_ONE
    (table,) = [block for block in document.blocks if block.kind is BlockKind.TABLE]
    cells = [text for row in table.table_rows() for text, _ in row]
    assert cells == FEATURES_TABLE_CELLS
    assert document.blocks[-1].kind is BlockKind.FOOTNOTE
    assert document.blocks[-1].text == "Đây là nội dung của chú thích."
