"""Helpers for the reading view's tests: small documents and their made-up translations."""

from __future__ import annotations

from reader.core.documents.model import Block, BlockKind, Document, Sentence
from reader.core.translate.service import TranslatedSentence


def make_document(blocks: list[list[str]]) -> Document:
    """A document whose blocks are the given sentences joined by one space."""
    built = []
    for block_index, sentences in enumerate(blocks):
        text = " ".join(sentences)
        spans, position = [], 0
        for sentence_index, sentence in enumerate(sentences):
            spans.append(Sentence(sentence_index, position, position + len(sentence), sentence))
            position += len(sentence) + 1
        built.append(Block(block_index, BlockKind.PARAGRAPH, text, tuple(spans)))
    return Document("Test", "vi", tuple(built), content_hash="h" * 64)


def translated(document: Document, translate=lambda text: f"EN[{text}]", edited=()) -> list:
    return [
        TranslatedSentence(
            block.index,
            sentence.index,
            sentence.text,
            translate(sentence.text),
            cached=False,
            edited=(block.index, sentence.index) in edited,
        )
        for block, sentence in document.iter_sentences()
    ]


SHORT = "Một câu ngắn."
LONG = (
    "Đây là một câu rất dài về công tác bảo vệ chính trị nội bộ của Đảng năm 2023, " * 6
).strip() + "."


def many_blocks(count: int) -> Document:
    return make_document(
        [[f"Đoạn {i} câu một.", f"Đoạn {i} câu hai dài hơn một chút."] for i in range(count)]
    )


def table_document() -> Document:
    """A paragraph, then a 2×2 table whose cells hold one or two sentences."""
    from reader.core.documents.importers import RawBlock, RawDocument
    from reader.core.documents.loader import build_document

    rows = (("Số thứ tự", "Nội dung công việc. Ghi chú thêm."), ("1", "Báo cáo tháng."))
    raw = RawDocument(
        [RawBlock(BlockKind.PARAGRAPH, SHORT), RawBlock(BlockKind.TABLE, "", rows=rows)]
    )
    return build_document(raw, path=None, format="html", language="vi")
