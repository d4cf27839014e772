"""`bireader translate FILE`: print a document beside its translation (text, JSON or HTML)."""

from __future__ import annotations

import argparse
import html
import json
import sys

from tqdm import tqdm

from reader.cli.options import add_translation_pair, target_for
from reader.cli.output import report_warnings
from reader.cli.segment import block_json
from reader.core.documents import Document, load_document
from reader.core.documents.model import Sentence
from reader.core.errors import ReaderError
from reader.core.segment import UNDETERMINED
from reader.core.storage import open_database
from reader.core.translate.engine import DEFAULT_BEAM_SIZE
from reader.core.translate.service import PIVOT_LANGUAGE, TranslatedSentence, TranslationService

FORMATS = ("text", "json", "html")
Translations = dict[tuple[int, int], TranslatedSentence]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("translate", help="translate a document offline")
    parser.add_argument("file")
    add_translation_pair(parser)
    parser.add_argument("--format", choices=FORMATS, default="text")
    parser.add_argument(
        "--beam",
        type=_beam_size,
        default=DEFAULT_BEAM_SIZE,
        metavar="N",
        help=f"beam size (default {DEFAULT_BEAM_SIZE}; 1 is greedy, faster)",
    )
    parser.set_defaults(func=_translate)


def _beam_size(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 16:
        raise argparse.ArgumentTypeError(f"beam size must be a whole number from 1 to 16: {text!r}")
    return value


def _translate(args: argparse.Namespace) -> int:
    document = load_document(args.file, language=args.from_code)
    report_warnings(document.warnings)
    service = TranslationService(open_database(), beam_size=args.beam)
    if document.language == UNDETERMINED:
        raise ReaderError(f"{args.file}: cannot tell which language this is; name it with --from")
    to_code = target_for(args.to_code, document.language)
    route = service.route(document.language, to_code)
    if route is None:
        raise ReaderError(f"{args.file}: {missing_model_advice(document.language, to_code)}")
    translations = translate_document(service, document, route)
    sys.stdout.write(RENDERERS[args.format](document, translations, route.to_code))
    return 0


def missing_model_advice(from_code: str, to_code: str) -> str:
    advice = (
        f"no installed model translates {from_code} into {to_code}; "
        f"install one with `bireader models install {from_code}_{to_code}`"
    )
    if PIVOT_LANGUAGE not in (from_code, to_code):
        advice += f" (or {from_code}_{PIVOT_LANGUAGE} and {PIVOT_LANGUAGE}_{to_code})"
    return advice


def translate_document(service: TranslationService, document: Document, route) -> Translations:
    """Run a job over the whole document with a progress bar on stderr."""
    results: Translations = {}

    def collect(sentences: list[TranslatedSentence]) -> None:
        for sentence in sentences:
            results[(sentence.block_index, sentence.sentence_index)] = sentence

    with tqdm(
        total=document.sentence_count, unit="sent", file=sys.stderr, leave=False, desc="translate"
    ) as bar:

        def progress(done: int, _total: int) -> None:
            bar.update(done - bar.n)

        service.create_job(document, route, on_sentences=collect, on_progress=progress).run()
    return results


def _block_translation(document: Document, block_index: int, results: Translations) -> str:
    block = document.blocks[block_index]
    return " ".join(
        results[(block.index, sentence.index)].translation for sentence in block.sentences
    )


def render_text(document: Document, results: Translations, target_lang: str) -> str:
    parts = []
    for block in document.blocks:
        parts.append(f"{block.text}\n{_block_translation(document, block.index, results)}\n")
    return "\n".join(parts)


def render_json(document: Document, results: Translations, target_lang: str) -> str:
    def sentence_json(sentence: Sentence, block_index: int) -> dict:
        translated = results[(block_index, sentence.index)]
        return {
            "source": sentence.text,
            "translation": translated.translation,
            "start": sentence.start,
            "end": sentence.end,
            "cached": translated.cached,
            "glossary_missing": list(translated.glossary_missing),  # terms the output lacks
        }

    blocks = []
    for block in document.blocks:
        entry = block_json(block, lambda sentence, at=block.index: sentence_json(sentence, at))
        for row in entry.get("rows", ()):
            for cell in row:
                cell["translation"] = " ".join(s["translation"] for s in cell["sentences"])
        blocks.append(entry)
    return json.dumps({"blocks": blocks}, ensure_ascii=False, indent=2) + "\n"


_HTML_HEAD = """<!DOCTYPE html>
<html lang="{source}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: sans-serif; margin: 2em auto; max-width: 80em; line-height: 1.5; }}
table {{ border-collapse: collapse; width: 100%; table-layout: fixed; }}
td {{ vertical-align: top; padding: 0.4em 0.8em; border-bottom: 1px solid #ddd; }}
td.heading {{ font-weight: bold; }}
.s:hover {{ background: #fff3b0; }}
</style>
</head>
<body>
<h1>{title}</h1>
<table>
<colgroup><col style="width:50%"><col style="width:50%"></colgroup>
"""


def _sentence_spans(document: Document, block_index: int, texts: list[str]) -> str:
    block = document.blocks[block_index]
    return " ".join(
        f'<span class="s" data-s="{sentence.index}">{html.escape(text)}</span>'
        for sentence, text in zip(block.sentences, texts, strict=True)
    )


def render_html(document: Document, results: Translations, target_lang: str) -> str:
    source_lang = html.escape(document.language)
    lines = [_HTML_HEAD.format(title=html.escape(document.title), source=source_lang)]
    for block in document.blocks:
        sources = [sentence.text for sentence in block.sentences]
        translations = [results[(block.index, s.index)].translation for s in block.sentences]
        css = html.escape(str(block.kind))
        lines.append(
            f'<tr id="b{block.index}">'
            f'<td class="{css}">{_sentence_spans(document, block.index, sources)}</td>'
            f'<td class="{css}" lang="{html.escape(target_lang)}">'
            f"{_sentence_spans(document, block.index, translations)}</td></tr>\n"
        )
    lines.append("</table>\n</body>\n</html>\n")
    return "".join(lines)


RENDERERS = {"text": render_text, "json": render_json, "html": render_html}
