from reader.core.documents.importers.text import parse_text
from reader.core.documents.model import BlockKind
from tests.conftest import SAMPLE


def test_sample_blocks_have_the_kinds_a_reader_sees() -> None:
    raw = parse_text(SAMPLE.read_text(encoding="utf-8"))
    kinds = [block.kind for block in raw.blocks]
    assert raw.title and raw.title.startswith("Tình hình, kết quả công tác bảo vệ chính trị")
    assert raw.blocks[1].kind is BlockKind.HEADING
    assert raw.blocks[0].text == "Sign In"
    captions = [block.text for block in raw.blocks if block.kind is BlockKind.CAPTION]
    assert len(captions) == 1 and captions[0].endswith("(Ảnh: Phương Hoa/TTXVN)")
    items = [block for block in raw.blocks if block.kind is BlockKind.LIST_ITEM]
    assert items and all(not block.text.startswith("-") for block in items)
    assert kinds.count(BlockKind.HEADING) == 1


def test_each_line_of_unwrapped_text_is_its_own_block() -> None:
    raw = parse_text("08:48 14/01/2024\nCông tác BVCTNB là một bộ phận trọng yếu.\n")
    assert [block.text for block in raw.blocks] == [
        "08:48 14/01/2024",
        "Công tác BVCTNB là một bộ phận trọng yếu.",
    ]


def test_hard_wrapped_paragraphs_are_joined_and_dehyphenated() -> None:
    line = "This is a long line of a hard wrapped text file that goes on and"
    text = (
        "\n".join([line, line, line + " hyph-", "enated words end here."])
        + "\n\n"
        + line
        + "\n"
        + line
    )
    raw = parse_text(text)
    assert len(raw.blocks) == 2
    assert "hyphenated words end here." in raw.blocks[0].text
    assert "\n" not in raw.blocks[0].text


def test_numbered_items_keep_their_numbers() -> None:
    raw = parse_text("1. Đầu tiên là việc này.\n2. Sau đó là việc kia.\n")
    assert [block.kind for block in raw.blocks] == [BlockKind.LIST_ITEM, BlockKind.LIST_ITEM]
    assert raw.blocks[0].text.startswith("1. ")
