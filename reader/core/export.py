"""Bilingual export: the document in its structure, each block beside (or followed by) its
translation, sentence by sentence, with the user's edited translations.

Formats: standalone HTML, EPUB 3 (one XHTML file per top-level chapter, a nav document, no
scripts, valid for epubcheck) and Markdown. Layouts: `side-by-side` (a two-column table, one
row per block) and `interleaved` (each block, then its translation in the same form).
A table is a table on both sides, each cell beside its own translation; code is verbatim code on
both sides; a printed contents page and a letterhead keep their lines, untranslated.
The CLI (`bireader export`) and the window's File ▸ Export call `export_document`. The output
goes through `reader.core.files.writing`: a file is never half-written, a stream (`-`, a FIFO,
`/dev/null`) is written into, never replaced.
"""

from __future__ import annotations

import html
import re
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

from reader.core.documents.model import Block, BlockKind, Document, Sentence, sentence_id
from reader.core.errors import ReaderError
from reader.core.files import check_target, writing
from reader.core.translate.service import Route, TranslatedSentence, TranslationService

FORMATS = ("html", "epub", "md")
LAYOUTS = ("side-by-side", "interleaved")
Translations = dict[tuple[int, int], TranslatedSentence]
ProgressCallback = Callable[[int, int], None]

_LANGUAGE_NAMES = {
    "vi": "Tiếng Việt",
    "en": "English",
    "fr": "Français",
    "de": "Deutsch",
    "zh": "中文",
    "ja": "日本語",
    "ko": "한국어",
    "es": "Español",
    "ru": "Русский",
}


class ExportError(ReaderError):
    pass


SentencePair = tuple[Sentence, TranslatedSentence]


@dataclass(frozen=True)
class Pair:
    """A block and its translation, sentence by sentence."""

    block: Block
    translations: tuple[TranslatedSentence, ...]

    @property
    def translation(self) -> str:
        return " ".join(sentence.translation for sentence in self.translations)

    @property
    def sentences(self) -> list[SentencePair]:
        return list(zip(self.block.sentences, self.translations, strict=True))

    def table_cells(self) -> list[list[list[SentencePair]]]:
        """A table's rows of cells, each cell its sentences with their translations."""
        translated = {sentence.index: translation for sentence, translation in self.sentences}
        return [
            [[(s, translated[s.index]) for s in sentences] for _, sentences in row]
            for row in self.block.table_rows()
        ]


def translate_all(
    service: TranslationService,
    document: Document,
    route: Route,
    on_progress: ProgressCallback | None = None,
) -> Translations:
    """Every sentence's translation: the user's edits and cached ones first, then the model."""
    results: Translations = {}

    def collect(sentences: list[TranslatedSentence]) -> None:
        for sentence in sentences:
            results[(sentence.block_index, sentence.sentence_index)] = sentence

    service.create_job(document, route, on_sentences=collect, on_progress=on_progress).run()
    return results


def export_document(
    service: TranslationService,
    document: Document,
    to_code: str,
    output: Path,
    *,
    format: str = "html",
    layout: str = "side-by-side",
    on_progress: ProgressCallback | None = None,
) -> Path:
    """Translate what is not translated yet and write the bilingual file; returns its path.
    `output` may be a stream (`-`, `/dev/stdout`, a FIFO): see `reader.core.files.writing`."""
    if format not in FORMATS:
        raise ExportError(f"unknown export format {format!r}; choose one of {', '.join(FORMATS)}")
    if layout not in LAYOUTS:
        raise ExportError(f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    output = Path(output)
    check_target(output)  # before translating for minutes
    route = service.route(document.language, to_code)
    if route is None:
        raise ExportError(
            f"no installed model translates {document.language} into {to_code}; "
            f"install one with `bireader models install {document.language}_{to_code}`"
        )
    translations = translate_all(service, document, route, on_progress)
    pairs = pair_blocks(document, translations)
    writer = {"html": _write_html, "epub": _write_epub, "md": _write_markdown}[format]
    with writing(output) as partial:
        writer(partial, document, pairs, to_code, layout)
    return output


def pair_blocks(document: Document, translations: Translations) -> list[Pair]:
    pairs = []
    for block in document.blocks:
        try:
            sentences = tuple(translations[(block.index, s.index)] for s in block.sentences)
        except KeyError as error:
            raise ExportError(
                f"sentence {error.args[0]} has no translation (job cancelled?)"
            ) from error
        pairs.append(Pair(block, sentences))
    return pairs


def language_name(code: str) -> str:
    return _LANGUAGE_NAMES.get(code, code)


# --- (X)HTML, shared by the HTML and EPUB writers ----------------------------------------------

_CSS = """
body { font-family: serif; line-height: 1.5; margin: 1em auto; max-width: 60em; }
table.bilingual { border-collapse: collapse; width: 100%; table-layout: fixed; }
table.bilingual > tbody > tr > td { vertical-align: top; padding: 0.3em 0.8em; width: 50%; }
td, div.translation { overflow-wrap: anywhere; }
table.bilingual th { text-align: left; padding: 0.3em 0.8em; border-bottom: 1px solid #999; }
.translation { color: #1a3d6d; }
div.translation { margin: 0 0 1em 1.5em; border-left: 3px solid #c8d6ea; padding-left: 0.6em; }
.edited { border-bottom: 1px dotted #b07000; }
.caption { font-style: italic; font-size: 0.95em; }
.quote { margin-left: 1.5em; font-style: italic; }
.footnote { font-size: 0.9em; }
.table_cell { font-family: sans-serif; font-size: 0.95em; }
table.table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.95em; }
table.table td { border: 1px solid #bbb; padding: 0.2em 0.4em; vertical-align: top; }
.header, .contents { font-family: sans-serif; }
.list_item { margin: 0.2em 0; }
pre { white-space: pre-wrap; }
""".strip()

# What XML 1.0 allows (the EPUB's XHTML must be well-formed): no NUL, ESC or other C0 control
# but TAB, LF and CR, no lone surrogate, no U+FFFE/U+FFFF. Stripped from every text written.
_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    return _XML_ILLEGAL.sub("", text)


def _escape(text: str) -> str:
    return html.escape(xml_safe(text), quote=True)


def _sentence_spans(block: Block, sentences: list[SentencePair], side: str) -> str:
    """Sentences as spans with matching ids on both sides, so a reader (or a script) can find
    a sentence's translation; the user's edited translations are marked. Code, contents and
    letterheads are the same on both sides."""
    spans = []
    for sentence, translated in sentences:
        sid = sentence_id(block.index, sentence.index)
        if side == "source":
            spans.append(f'<span class="s" id="{sid}">{_html_text(block, sentence.text)}</span>')
            continue
        text = translated.translation if block.translate else sentence.text
        css = "s edited" if translated.edited and block.translate else "s"
        spans.append(
            f'<span class="{css}" id="t-{sid}" title="{sid}">{_html_text(block, text)}</span>'
        )
    return _joined(block, sentences, spans, "<br/>")


def _joined(block: Block, sentences: list[SentencePair], pieces: list[str], line_break: str) -> str:
    """The pieces of consecutive sentences joined as the block has them: by a line break where
    its text has one between them (a letterhead, lines of a decree), else by a space."""
    joined = pieces[:1]
    for ((previous, _), (sentence, _)), piece in zip(pairwise(sentences), pieces[1:], strict=True):
        joined.append(line_break if "\n" in block.text[previous.end : sentence.start] else " ")
        joined.append(piece)
    return "".join(joined)


def _html_text(block: Block, text: str) -> str:
    """Escaped; a line break kept in a block is a <br/>, except in code, whose <pre> keeps it."""
    text = _escape(text)
    return text if block.kind is BlockKind.CODE else text.replace("\n", "<br/>")


def _block_element(pair: Pair, side: str) -> str:
    """The block in the element its kind calls for: headings stay headings on both sides."""
    block = pair.block
    kind = block.kind
    if kind is BlockKind.TABLE:
        return _table_element(pair, side)
    content = _sentence_spans(block, pair.sentences, side)
    if kind is BlockKind.HEADING:
        level = min(max(block.level, 1), 6)
        return f"<h{level}>{content}</h{level}>"
    if kind is BlockKind.LIST_ITEM:
        # One item per row or pair: its own one-item list, indented to its depth.
        indent = max(block.level - 1, 0) * 1.5
        style = f' style="margin-left:{indent}em"' if indent else ""
        return f'<ul class="list_item"{style}><li>{content}</li></ul>'
    if kind is BlockKind.CODE:
        return f'<pre class="code"><code>{content}</code></pre>'
    if kind is BlockKind.QUOTE:
        return f'<blockquote class="quote"><p>{content}</p></blockquote>'
    return f'<p class="{kind.value}">{content}</p>'


def _table_element(pair: Pair, side: str) -> str:
    rows = (
        "<tr>"
        + "".join(f"<td>{_sentence_spans(pair.block, cell, side)}</td>" for cell in row)
        + "</tr>"
        for row in pair.table_cells()
    )
    return f'<table class="table"><tbody>{"".join(rows)}</tbody></table>'


def _body_rows(pairs: list[Pair], source: str, target: str, layout: str) -> Iterator[str]:
    source_name, target_name = _escape(language_name(source)), _escape(language_name(target))
    source, target = _escape(source), _escape(target)  # a file's declared language, maybe
    if layout == "side-by-side":
        yield '<table class="bilingual">'
        yield (
            f'<thead><tr><th lang="{source}">{source_name}</th>'
            f'<th lang="{target}">{target_name}</th></tr></thead><tbody>'
        )
        for pair in pairs:
            yield (
                f'<tr id="b{pair.block.index}"><td lang="{source}">'
                f"{_block_element(pair, 'source')}</td>"
                f'<td lang="{target}" class="translation">'
                f"{_block_element(pair, 'target')}</td></tr>"
            )
        yield "</tbody></table>"
    else:
        for pair in pairs:
            yield (
                f'<div id="b{pair.block.index}" lang="{source}">'
                f"{_block_element(pair, 'source')}</div>"
            )
            yield (
                f'<div class="translation" lang="{target}">{_block_element(pair, "target")}</div>'
            )


def _title(document: Document, pairs: list[Pair]) -> tuple[str, str]:
    """The document's title and its translation (from the heading that carries it, if any)."""
    for pair in pairs[:3]:
        if pair.block.kind is BlockKind.HEADING and pair.block.text == document.title:
            return document.title, pair.translation
    return document.title, ""


def _write_html(
    output: Path, document: Document, pairs: list[Pair], target: str, layout: str
) -> None:
    source = document.language
    title, translated_title = _title(document, pairs)
    full_title = f"{title} — {translated_title}" if translated_title else title
    page = "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{_escape(source)}">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_escape(full_title)}</title>",
            f"<style>\n{_CSS}\n</style>",
            "</head>",
            "<body>",
            *_body_rows(pairs, source, target, layout),
            "</body>",
            "</html>",
            "",
        ]
    )
    output.write_text(page, encoding="utf-8")


# --- EPUB 3 ------------------------------------------------------------------------------------

_CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"""


def _xhtml(title: str, language: str, body: str) -> str:
    language = _escape(language)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
        f'lang="{language}" xml:lang="{language}">\n'
        f'<head>\n<meta charset="utf-8"/>\n<title>{_escape(title)}</title>\n'
        '<link rel="stylesheet" type="text/css" href="style.css"/>\n</head>\n'
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def _chapters(pairs: list[Pair]) -> list[list[Pair]]:
    """One file per top-level heading: e-readers page through small files faster."""
    chapters: list[list[Pair]] = [[]]
    for pair in pairs:
        starts_chapter = pair.block.kind is BlockKind.HEADING and pair.block.level == 1
        if starts_chapter and chapters[-1]:
            chapters.append([])
        chapters[-1].append(pair)
    return chapters


def _nav(document: Document, pairs: list[Pair], chapter_of: dict[int, str], title: str) -> str:
    entries = [(level, index) for level, _, index in document.toc] or [
        (pair.block.level, pair.block.index)
        for pair in pairs
        if pair.block.kind is BlockKind.HEADING
    ]
    if not entries:
        entries = [(1, pairs[0].block.index)]
    items: list[str] = []
    depth = 0
    for level, index in entries:
        pair = pairs[index]
        label = pair.block.text if pair.block.kind is BlockKind.HEADING else title
        if pair.translation and pair.block.kind is BlockKind.HEADING:
            label = f"{label} — {pair.translation}"
        level = max(1, min(level, depth + 1))  # a nested list may not skip a level
        if level > depth:
            items.append("<ol>")
            depth += 1
        else:
            items.append("</li>")
            while depth > level:
                items.append("</ol></li>")
                depth -= 1
        items.append(f'<li><a href="{chapter_of[index]}#b{index}">{_escape(label)}</a>')
    items.append("</li>")
    while depth > 1:
        items.append("</ol></li>")
        depth -= 1
    items.append("</ol>")
    body = (
        f'<nav epub:type="toc" id="toc"><h1>{_escape(title)}</h1>\n' + "\n".join(items) + "\n</nav>"
    )
    return _xhtml(title, document.language, body)


def _package(document: Document, target: str, title: str, chapter_names: list[str]) -> str:
    modified = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    identifier = uuid.uuid5(uuid.NAMESPACE_URL, f"bireader:{document.content_hash}:{target}")
    manifest = "\n".join(
        f'    <item id="c{number}" href="{name}" media-type="application/xhtml+xml"/>'
        for number, name in enumerate(chapter_names)
    )
    spine = "\n".join(f'    <itemref idref="c{number}"/>' for number in range(len(chapter_names)))
    languages = f"{language_name(document.language)} – {language_name(target)}"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="book-id"
         xml:lang="{_escape(target)}">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="book-id">urn:uuid:{identifier}</dc:identifier>
    <dc:title>{_escape(title)}</dc:title>
    <dc:language>{_escape(target)}</dc:language>
    <dc:language>{_escape(document.language)}</dc:language>
    <dc:description>{_escape(languages)}</dc:description>
    <meta property="dcterms:modified">{modified}</meta>
  </metadata>
  <manifest>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
    <item id="css" href="style.css" media-type="text/css"/>
{manifest}
  </manifest>
  <spine>
{spine}
  </spine>
</package>
"""


def _write_epub(
    output: Path, document: Document, pairs: list[Pair], target: str, layout: str
) -> None:
    source = document.language
    title, translated_title = _title(document, pairs)
    full_title = f"{title} — {translated_title}" if translated_title else title
    chapters = _chapters(pairs)
    names = [f"chapter-{number:03d}.xhtml" for number in range(1, len(chapters) + 1)]
    chapter_of = {
        pair.block.index: name
        for name, chapter in zip(names, chapters, strict=True)
        for pair in chapter
    }
    with zipfile.ZipFile(output, "w") as archive:
        # The OCF rule: "mimetype" first, stored uncompressed, so the file is recognisable.
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip", zipfile.ZIP_STORED)
        deflated = zipfile.ZIP_DEFLATED
        archive.writestr("META-INF/container.xml", _CONTAINER, deflated)
        archive.writestr(
            "EPUB/package.opf", _package(document, target, full_title, names), deflated
        )
        archive.writestr("EPUB/style.css", _CSS + "\n", deflated)
        archive.writestr("EPUB/nav.xhtml", _nav(document, pairs, chapter_of, full_title), deflated)
        for name, chapter in zip(names, chapters, strict=True):
            body = "\n".join(_body_rows(chapter, source, target, layout))
            archive.writestr(f"EPUB/{name}", _xhtml(full_title, source, body), deflated)


# --- Markdown ----------------------------------------------------------------------------------

_MD_SPECIAL = str.maketrans({char: f"\\{char}" for char in "\\`*_[]<>#|"})
# At the start of a line these would open a list, a setext heading or a fence: escaped there
# ("1." as "1\.", a backslash before a digit being no escape).
_MD_LINE_MARKER = re.compile(r"^([ \t]*)([-+=~])", re.MULTILINE)
_MD_ORDINAL_MARKER = re.compile(r"^([ \t]*\d+)([.)])", re.MULTILINE)
# Blocks that cannot be one line of a side-by-side table: they interrupt it, shown interleaved.
_MD_OWN_BLOCKS = frozenset({BlockKind.TABLE, BlockKind.CODE})


def _md_escape(text: str) -> str:
    text = xml_safe(text).translate(_MD_SPECIAL)
    text = _MD_ORDINAL_MARKER.sub(r"\1\\\2", text)
    return _MD_LINE_MARKER.sub(r"\1\\\2", text)


def _md_text(block: Block, sentences: list[SentencePair], side: str) -> str:
    if side == "source" or not block.translate:
        pieces = [_md_escape(sentence.text) for sentence, _ in sentences]
    else:
        pieces = [_md_escape(t.translation) + (" ✎" if t.edited else "") for _, t in sentences]
    return _joined(block, sentences, pieces, "\n")


def _md_fence(code: str) -> str:
    """Code verbatim, in a fence longer than any run of backticks in it: none closes it."""
    code = xml_safe(code)
    longest = max((len(run) for run in re.findall("`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{code}\n{fence}"


def _md_table(pair: Pair, side: str) -> str:
    """A pipe table; its first row is the header row a pipe table must have."""
    rows = [
        [_md_text(pair.block, cell, side).replace("\n", "<br>") or " " for cell in row]
        for row in pair.table_cells()
    ]
    width = max(len(row) for row in rows)
    rows = [row + [" "] * (width - len(row)) for row in rows]
    rows.insert(1, ["---"] * width)
    return "\n".join(f"| {' | '.join(row)} |" for row in rows)


def _md_block(pair: Pair, side: str) -> str:
    block = pair.block
    if block.kind is BlockKind.TABLE:
        return _md_table(pair, side)
    if block.kind is BlockKind.CODE:
        return _md_fence(block.text)
    text = _md_text(block, pair.sentences, side)
    if block.kind is BlockKind.HEADING:
        return f"{'#' * min(max(block.level, 1), 6)} {text.replace(chr(10), ' ')}"
    text = text.replace("\n", "\\\n")  # a line break kept in the block: a hard break
    if block.kind is BlockKind.LIST_ITEM:
        return f"{'  ' * max(block.level - 1, 0)}- {text}"
    if block.kind is BlockKind.QUOTE:
        return f"> {text}"
    if block.kind is BlockKind.CAPTION:
        return f"*{text}*"
    if block.kind is BlockKind.FOOTNOTE:
        return f"<small>{text}</small>"
    return text


def _md_translation(pair: Pair) -> list[str]:
    """The translation as a quotation under its block; under a list item, inside the item."""
    if pair.block.kind is BlockKind.LIST_ITEM:
        prefix = "  " * pair.block.level + "> "
        return [
            prefix + line for line in _md_text(pair.block, pair.sentences, "target").split("\n")
        ]
    return [f"> {line}" if line else ">" for line in _md_block(pair, "target").split("\n")]


def _md_cell(pair: Pair, side: str) -> str:
    """A table cell holds one line: structure is shown by marks instead of Markdown blocks."""
    block = pair.block
    text = _md_text(block, pair.sentences, side).replace("\n", "<br>")
    if block.kind is BlockKind.HEADING:
        return f"**{text}**"
    if block.kind is BlockKind.LIST_ITEM:
        return f"{'  ' * max(block.level - 1, 0)}• {text}"
    if block.kind in (BlockKind.CAPTION, BlockKind.QUOTE):
        return f"*{text}*"
    return text


def _md_interleaved(pair: Pair) -> list[str]:
    return [*_md_block(pair, "source").split("\n"), "", *_md_translation(pair), ""]


def _md_side_by_side(pairs: list[Pair], source: str, target: str) -> list[str]:
    header = [f"| {language_name(source)} | {language_name(target)} |", "| --- | --- |"]
    lines: list[str] = []
    in_table = False
    for pair in pairs:
        if pair.block.kind in _MD_OWN_BLOCKS:
            lines += ["", *_md_interleaved(pair)] if in_table else _md_interleaved(pair)
            in_table = False
            continue
        if not in_table:
            lines += header
            in_table = True
        lines.append(f"| {_md_cell(pair, 'source')} | {_md_cell(pair, 'target')} |")
    return lines


def _write_markdown(
    output: Path, document: Document, pairs: list[Pair], target: str, layout: str
) -> None:
    source = document.language
    if layout == "side-by-side":
        lines = _md_side_by_side(pairs, source, target)
    else:
        lines = [line for pair in pairs for line in _md_interleaved(pair)]
    output.write_text("\n".join(lines).strip("\n") + "\n", encoding="utf-8")
