"""`bireader segment FILE [--lang vi|en|auto] [--json]`: show how a document is split into
blocks and sentences, exactly as the reader splits it (same loader, same segmenter)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable

from reader.cli.ocr import ocr_page_bar
from reader.cli.options import AUTO, source_language
from reader.cli.output import printable, report_warnings
from reader.core.documents import Document, load_document
from reader.core.documents.model import Block, BlockKind, Sentence


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "segment",
        help="print a document's sentences, one a line",
        description="Print the sentences of a document, one a line, or its blocks and "
        "sentence offsets as JSON.",
    )
    parser.add_argument("file")
    parser.add_argument(
        "--lang",
        default=AUTO,
        type=source_language,
        help="language of the document: vi, en, another ISO 639-1 code, or auto (default)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print blocks with sentence offsets as JSON"
    )
    parser.set_defaults(func=_segment)


def _segment(args: argparse.Namespace) -> int:
    with ocr_page_bar():
        document = load_document(args.file, language=args.lang)
    report_warnings(document.warnings)
    if args.json:
        print(json.dumps(document_json(document), ensure_ascii=False, indent=2))
    else:
        for _block, sentence in document.iter_sentences():
            print(printable(" ".join(sentence.text.split())))  # one sentence, one line
    return 0


def document_json(document: Document) -> dict:
    entry: dict = {"language": document.language}
    if document.ocr:
        entry["ocr"] = True
    entry["blocks"] = [block_json(block, _sentence_json) for block in document.blocks]
    return entry


def block_json(block: Block, sentence_json: Callable[[Sentence], dict]) -> dict:
    """A block as `segment --json` and `translate --format json` give it: kind, text, whether
    it goes to the model, its sentences and, for a table, its rows of cells."""
    entry: dict = {"kind": str(block.kind), "text": block.text}
    if block.level:
        entry["level"] = block.level
    if not block.translate:
        entry["translate"] = False
    if block.ocr_confidence is not None:
        # Read by OCR: how sure Tesseract was, and which words to check (offsets into "text").
        entry["ocr_confidence"] = block.ocr_confidence
        entry["ocr_low_confidence"] = [list(span) for span in block.ocr_low_confidence]
    entry["sentences"] = [sentence_json(sentence) for sentence in block.sentences]
    if block.kind is BlockKind.TABLE:
        entry["rows"] = [
            [
                {"text": text, "sentences": [sentence_json(s) for s in sentences]}
                for text, sentences in row
            ]
            for row in block.table_rows()
        ]
    return entry


def _sentence_json(sentence: Sentence) -> dict:
    return {"start": sentence.start, "end": sentence.end, "text": sentence.text}
