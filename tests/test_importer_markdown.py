from reader.core.documents.importers.markdown import parse_markdown
from reader.core.documents.model import BlockKind

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
    got = [(block.kind, block.level, block.text) for block in raw.blocks]
    assert got == [
        (BlockKind.HEADING, 1, "Báo cáo năm 2023"),
        (BlockKind.PARAGRAPH, 0, "Đoạn đầu tiên có liên kết và mã. Dòng nối tiếp."),
        (BlockKind.HEADING, 2, "Nhiệm vụ"),
        (BlockKind.LIST_ITEM, 1, "Mục một."),
        (BlockKind.LIST_ITEM, 2, "Mục con."),
        (BlockKind.LIST_ITEM, 1, "Mục hai."),
        (BlockKind.QUOTE, 0, "Trích dẫn."),
        (BlockKind.TABLE_CELL, 0, "Cột A"),
        (BlockKind.TABLE_CELL, 0, "Cột B"),
        (BlockKind.TABLE_CELL, 0, "ô 1"),
        (BlockKind.TABLE_CELL, 0, "ô 2"),
        (BlockKind.CODE, 0, "code block"),
    ]
    assert raw.title == "Báo cáo năm 2023"
    assert raw.toc == [(1, "Báo cáo năm 2023", 0), (2, "Nhiệm vụ", 2)]
