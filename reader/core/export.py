"""Bilingual export: the document in its structure, each block beside (or followed by) its
translation, sentence by sentence, with the user's edited translations.

Formats: standalone HTML, EPUB 3 (one XHTML file per top-level chapter, a nav document, no
scripts, valid for epubcheck) and Markdown; `print_html` is the HTML a PDF or a printer gets
(`reader.app.printing`: Qt renders it, the core stays free of Qt). Layouts: `side-by-side` (a
two-column table, one row per block) and `interleaved` (each block, then its translation in the
same form).
A table is a table on both sides, each cell beside its own translation; code is verbatim code on
both sides; a printed contents page and a letterhead keep their lines, untranslated.
The reader's highlights are marks on the side they were made on and notes are footnotes
(`export_notes`): HTML and EPUB `<mark>` with linked footnotes, Markdown `==words==` with `[^1]`.
The CLI (`bireader export`) and the window's File ▸ Export call `export_document`. The output
goes through `reader.core.files.writing`: a file is never half-written, a stream (`-`, a FIFO,
`/dev/null`) is written into, never replaced.
"""

from __future__ import annotations

import html
import os
import re
import stat
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

import platformdirs

from reader.core import paths
from reader.core.documents.model import Block, BlockKind, Document, Sentence, sentence_id
from reader.core.errors import ReaderError
from reader.core.export_notes import (
    NO_NOTES,
    ExportNotes,
    Footnote,
    Mark,
    marked_segments,
    note_html,
    place_notes,
)
from reader.core.files import check_target, writing
from reader.core.notes.service import Annotation
from reader.core.side import Side
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
    notes: ExportNotes = NO_NOTES

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

    def marks(self, sentence: Sentence, side: str) -> tuple[Mark, ...]:
        shown = Side.ORIGINAL if side == "source" else Side.TRANSLATION
        return self.notes.of(self.block.index, sentence.index, shown)


@dataclass(frozen=True)
class Bilingual:
    """What every format writes: the document's blocks beside their translations, with the
    reader's highlights and notes placed on them."""

    document: Document
    target: str
    pairs: list[Pair]
    notes: ExportNotes = NO_NOTES

    @property
    def footnotes(self) -> tuple[Footnote, ...]:
        return self.notes.footnotes


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
    annotations: Iterable[Annotation] = (),
    on_progress: ProgressCallback | None = None,
) -> Path:
    """Translate what is not translated yet and write the bilingual file; returns its path.
    `output` may be a stream (`-`, `/dev/stdout`, a FIFO): see `reader.core.files.writing`."""
    if format not in FORMATS:
        raise ExportError(f"unknown export format {format!r}; choose one of {', '.join(FORMATS)}")
    output = Path(output)
    content = bilingual(service, document, to_code, output, layout, annotations, on_progress)
    writer = {"html": _write_html, "epub": _write_epub, "md": _write_markdown}[format]
    with writing(output) as partial:
        writer(partial, content, layout)
    return output


def bilingual(
    service: TranslationService,
    document: Document,
    to_code: str,
    output: Path | None,
    layout: str,
    annotations: Iterable[Annotation] = (),
    on_progress: ProgressCallback | None = None,
) -> Bilingual:
    """The checks every export makes before translating for minutes (the layout, the output
    writable unless it is a printer, a model installed), then the translated content."""
    if layout not in LAYOUTS:
        raise ExportError(f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    if output is not None:
        check_target(output)
    route = service.route(document.language, to_code)
    if route is None:
        raise ExportError(
            f"no installed model translates {document.language} into {to_code}; "
            f"install one with `bireader models install {document.language}_{to_code}`"
        )
    translations = translate_all(service, document, route, on_progress)
    notes = place_notes(document, translations, annotations)
    return Bilingual(document, to_code, pair_blocks(document, translations, notes), notes)


def pair_blocks(
    document: Document, translations: Translations, notes: ExportNotes = NO_NOTES
) -> list[Pair]:
    pairs = []
    for block in document.blocks:
        try:
            sentences = tuple(translations[(block.index, s.index)] for s in block.sentences)
        except KeyError as error:
            raise ExportError(
                f"sentence {error.args[0]} has no translation (job cancelled?)"
            ) from error
        pairs.append(Pair(block, sentences, notes))
    return pairs


def default_export_folder(source: Path | None) -> Path:
    """Where the window proposes to export: beside the document when that folder is the user's
    to write in, else the Documents folder (never inside the app's own resources, where the
    bundled sample lives, nor in a read-only folder)."""
    if source is not None:
        folder = Path(source).resolve().parent
        if _writable(folder) and not _is_app_folder(folder):
            return folder
    return documents_folder()


def documents_folder() -> Path:
    """The user's Documents folder, or the home folder on a system without one."""
    documents = Path(platformdirs.user_documents_dir())
    return documents if documents.is_dir() else Path.home()


def _writable(folder: Path) -> bool:
    """Writable by us, and not made read-only by its mode (which root could write past)."""
    try:
        mode = folder.stat().st_mode
    except OSError:
        return False
    write_bits = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
    return stat.S_ISDIR(mode) and bool(mode & write_bits) and os.access(folder, os.W_OK)


def _is_app_folder(folder: Path) -> bool:
    app_folders = (paths.resources_dir().resolve(), Path(__file__).resolve().parents[1])
    return any(folder == app or folder.is_relative_to(app) for app in app_folders)


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
mark.yellow { background-color: #fff3a0; }
mark.green { background-color: #c9f2c0; }
mark.blue { background-color: #c8e1ff; }
mark.pink { background-color: #ffd0e4; }
mark.purple { background-color: #e3d2ff; }
.noteref { font-size: 0.75em; }
.notes { font-size: 0.9em; border-top: 1px solid #999; margin-top: 2em; }
.notes .quote { font-style: italic; margin: 0; }
""".strip()

# What XML 1.0 allows (the EPUB's XHTML must be well-formed): no NUL, ESC or other C0 control
# but TAB, LF and CR, no lone surrogate, no U+FFFE/U+FFFF. Stripped from every text written.
_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    return _XML_ILLEGAL.sub("", text)


def _escape(text: str) -> str:
    return html.escape(xml_safe(text), quote=True)


def _sentence_spans(pair: Pair, sentences: list[SentencePair], side: str) -> str:
    """Sentences as spans with matching ids on both sides, so a reader (or a script) can find
    a sentence's translation (ids, not tooltips: a reader has no use for them); the user's edited
    translations and highlights are marked. Code, contents and letterheads are the same on both
    sides."""
    block = pair.block
    spans = []
    for sentence, translated in sentences:
        sid = sentence_id(block.index, sentence.index)
        if side == "source":
            text = _marked_html(block, sentence.text, pair.marks(sentence, side))
            spans.append(f'<span class="s" id="{sid}">{text}</span>')
            continue
        shown = translated.translation if block.translate else sentence.text
        text = _marked_html(block, shown, pair.marks(sentence, side))
        css = "s edited" if translated.edited and block.translate else "s"
        spans.append(f'<span class="{css}" id="t-{sid}">{text}</span>')
    return _joined(block, sentences, spans, "<br/>")


def _marked_html(block: Block, text: str, marks: tuple[Mark, ...]) -> str:
    if not marks:
        return _html_text(block, text)
    pieces = []
    for piece, mark in marked_segments(text, marks):
        if mark is None:
            pieces.append(_html_text(block, piece))
            continue
        if piece:
            pieces.append(f'<mark class="{_escape(mark.colour)}">{_html_text(block, piece)}</mark>')
        if mark.footnote is not None:
            pieces.append(_noteref(mark.footnote))
    return "".join(pieces)


_NOTEREF_ROLE = 'role="doc-noteref"'


def _noteref(number: int) -> str:
    return (
        f'<sup class="noteref"><a class="noteref" href="#note-{number}" id="ref-{number}" '
        f"{_NOTEREF_ROLE}>{number}</a></sup>"
    )


def _notes_html(footnotes: Iterable[Footnote], element: str = "div") -> str:
    """The notes, each after its quote and linking back to its mark (EPUB: footnote asides)."""
    items = [
        f'<{element} class="note" id="note-{note.number}"'
        + (' epub:type="footnote"' if element == "aside" else "")
        + f'><p class="quote"><a href="#ref-{note.number}">{note.number}.</a> '
        f"“{_escape(note.quote)}”</p>{note_html(note)}</{element}>"
        for note in footnotes
    ]
    if not items:
        return ""
    return '<div class="notes"><h2>Notes</h2>' + "".join(items) + "</div>"


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
    content = _sentence_spans(pair, pair.sentences, side)
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
        "<tr>" + "".join(f"<td>{_sentence_spans(pair, cell, side)}</td>" for cell in row) + "</tr>"
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


def full_title(content: Bilingual) -> str:
    title, translated_title = _title(content.document, content.pairs)
    return f"{title} — {translated_title}" if translated_title else title


def _html_page(content: Bilingual, layout: str, css: str, heading: str = "") -> str:
    source = content.document.language
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{_escape(source)}">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_escape(full_title(content))}</title>",
            f"<style>\n{css}\n</style>",
            "</head>",
            "<body>",
            heading,
            *_body_rows(content.pairs, source, content.target, layout),
            _notes_html(content.footnotes),
            "</body>",
            "</html>",
            "",
        ]
    )


def _write_html(output: Path, content: Bilingual, layout: str) -> None:
    output.write_text(_html_page(content, layout, _CSS), encoding="utf-8")


# Qt's rich text (QTextDocument, which makes the PDF and prints) sizes table columns and draws
# cell borders from HTML attributes, not from CSS: the print page states them on its own tables.
_PRINT_CSS = "\n".join(
    [
        _CSS,
        ".print-title { font-family: sans-serif; color: #555; }",
        # a heading in half a page's width, not a screen's (Qt's page layout keeps a size
        # keyword, not a size in points)
        "h1 { font-size: large; } h2, h3, h4, h5, h6 { font-size: medium; }",
    ]
)
_PRINT_ATTRIBUTES = (
    ('<table class="bilingual">', '<table class="bilingual" width="100%" cellpadding="5">'),
    ('<td lang="', '<td width="50%" lang="'),
    ('<table class="table">', '<table class="table" border="1" cellspacing="0" cellpadding="3">'),
)


# A page has no use for the sentences' ids, and Qt takes 10x longer to read a long document
# with a styled element a sentence (7 s instead of 0.7 s for a 430-page legal code): plain
# sentences lose their span (an edited one keeps its own). Our spans nest no span.
_PLAIN_SENTENCE_SPAN = re.compile(r'<span class="s" id="[^"]*">((?:[^<]|<(?!/span>))*)</span>')


def print_html(content: Bilingual, layout: str) -> str:
    """The bilingual page for a PDF or a printer: the HTML export, headed by the title and the
    languages (a PDF has no browser tab to show them), in the HTML subset Qt renders."""
    document = content.document
    languages = f"{language_name(document.language)} → {language_name(content.target)}"
    heading = (
        f'<p class="print-title"><b>{_escape(full_title(content))}</b><br/>{_escape(languages)}</p>'
    )
    page = _html_page(content, layout, _PRINT_CSS, heading)
    for generated, with_attributes in _PRINT_ATTRIBUTES:
        page = page.replace(generated, with_attributes)  # our own tags: texts are escaped
    return _PLAIN_SENTENCE_SPAN.sub(r"\1", page)


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


def _write_epub(output: Path, content: Bilingual, layout: str) -> None:
    document, pairs, target = content.document, content.pairs, content.target
    source = document.language
    title = full_title(content)
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
        archive.writestr("EPUB/package.opf", _package(document, target, title, names), deflated)
        archive.writestr("EPUB/style.css", _CSS + "\n", deflated)
        archive.writestr("EPUB/nav.xhtml", _nav(document, pairs, chapter_of, title), deflated)
        for name, chapter in zip(names, chapters, strict=True):
            body = "\n".join(_body_rows(chapter, source, target, layout))
            body += _chapter_notes(content.footnotes, chapter)
            body = body.replace(_NOTEREF_ROLE, f'{_NOTEREF_ROLE} epub:type="noteref"')
            archive.writestr(f"EPUB/{name}", _xhtml(title, source, body), deflated)


def _chapter_notes(footnotes: tuple[Footnote, ...], chapter: list[Pair]) -> str:
    """A chapter's notes as EPUB footnote asides in its own file: readers show them as pop-ups
    from the note references (`epub:type="noteref"`), which must point into the same file."""
    blocks = {pair.block.index for pair in chapter}
    return _notes_html((note for note in footnotes if note.block_index in blocks), "aside")


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


def _md_text(pair: Pair, sentences: list[SentencePair], side: str) -> str:
    block = pair.block
    pieces = []
    for sentence, translated in sentences:
        marks = pair.marks(sentence, side)
        if side == "source" or not block.translate:
            pieces.append(_md_marked(sentence.text, marks))
        else:
            edited = " ✎" if translated.edited else ""
            pieces.append(_md_marked(translated.translation, marks) + edited)
    return _joined(block, sentences, pieces, "\n")


def _md_marked(text: str, marks: tuple[Mark, ...]) -> str:
    """Escaped, highlights as `==words==` (the "mark" extension of markdown-it, Pandoc,
    Obsidian), a note's reference `[^1]` after its words."""
    pieces = []
    for piece, mark in marked_segments(text, marks):
        escaped = _md_escape(piece)
        marked = mark is not None and escaped.strip()
        pieces.append(f"=={escaped}==" if marked else escaped)
        if mark is not None and mark.footnote is not None:
            pieces.append(f"[^{mark.footnote}]")
    return "".join(pieces)


def _md_fence(code: str) -> str:
    """Code verbatim, in a fence longer than any run of backticks in it: none closes it."""
    code = xml_safe(code)
    longest = max((len(run) for run in re.findall("`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{code}\n{fence}"


def _md_table(pair: Pair, side: str) -> str:
    """A pipe table; its first row is the header row a pipe table must have."""
    rows = [
        [_md_text(pair, cell, side).replace("\n", "<br>") or " " for cell in row]
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
    text = _md_text(pair, pair.sentences, side)
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
        return [prefix + line for line in _md_text(pair, pair.sentences, "target").split("\n")]
    return [f"> {line}" if line else ">" for line in _md_block(pair, "target").split("\n")]


def _md_cell(pair: Pair, side: str) -> str:
    """A table cell holds one line: structure is shown by marks instead of Markdown blocks."""
    block = pair.block
    text = _md_text(pair, pair.sentences, side).replace("\n", "<br>")
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


def _md_footnotes(footnotes: tuple[Footnote, ...]) -> list[str]:
    """Footnote definitions (`[^1]: ...`, as GitHub, Pandoc and Obsidian read them); a note's
    further lines indented so that they stay in it."""
    lines = []
    for note in footnotes:
        first, *rest = [f"“{_md_escape(_one_line(note.quote))}” — ", *note.text.split("\n")]
        lines.append(f"[^{note.number}]: {first}{rest[0]}")
        lines += [f"    {line}" if line.strip() else "" for line in rest[1:]]
    return ["", *lines] if lines else []


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _write_markdown(output: Path, content: Bilingual, layout: str) -> None:
    pairs, source = content.pairs, content.document.language
    if layout == "side-by-side":
        lines = _md_side_by_side(pairs, source, content.target)
    else:
        lines = [line for pair in pairs for line in _md_interleaved(pair)]
    lines = "\n".join(lines).strip("\n").split("\n") + _md_footnotes(content.footnotes)
    output.write_text("\n".join(lines) + "\n", encoding="utf-8")
