"""Exporting annotations: W3C Web Annotation JSON-LD (exchange and backup; `importer` reads it
back), Markdown (to read: grouped by document and block, original beside translation) and CSV
that Anki imports (front: the original sentence, back: its translation and the note).

Bookmarks go with the notes: in JSON as `bireader:bookmarks` (W3C annotations with the
"bookmarking" motivation, kept apart from `items`, which are highlights), in Markdown as each
document's list; not in the CSV (a bookmark is no flash card).

Translations come from the database only (`cached_sentence_translations`): a sentence not yet
translated is exported with an empty translation, never translated on the fly.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from reader import __version__
from reader.core.documents import Block, BlockKind, Document, Sentence
from reader.core.errors import ReaderError
from reader.core.library import get_document
from reader.core.notes.bookmarks import Bookmark, place_bookmarks, stored_bookmarks
from reader.core.notes.service import Annotation, list_annotations, place_on_translations
from reader.core.notes.translations import CachedTranslations, SentenceTranslation
from reader.core.storage.db import Database
from reader.core.storage.models import BlockRow, DocumentRow, SentenceRow

FORMATS = ("md", "json", "csv")
W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
# Our own terms (colour, side, status, block, translation...), in a namespace of their own.
BIREADER_NS = "urn:bireader:"
JSON_CONTEXT = [W3C_CONTEXT, {"bireader": BIREADER_NS}]
DEFAULT_TARGET_LANGUAGE = "en"


@dataclass
class DocumentNotes:
    """One document with its annotations and what export needs to show them."""

    id: int
    document: Document
    target_language: str
    annotations: list[Annotation]
    translations: dict[tuple[int, int], SentenceTranslation]
    bookmarks: list[Bookmark] = field(default_factory=list)

    @cached_property
    def source_iri(self) -> str:  # once per document: resolving a path is a system call
        return document_iri(self.document)


def document_iri(document: Document) -> str:
    if document.source_path is not None:
        return Path(document.source_path).resolve().as_uri()
    return f"{BIREADER_NS}document:{document.content_hash}"


def export_annotations(database: Database, format: str, document_id: int | None = None) -> str:
    if format not in FORMATS:
        raise ReaderError(f"unknown export format {format!r}: choose md, json or csv")
    groups = collect(database, document_id, with_text=format != "json")
    if format == "json":
        return w3c_json(groups)
    if format == "md":
        return to_markdown(groups)
    return to_anki_csv(groups)


def collect(
    database: Database, document_id: int | None = None, *, with_text: bool = True
) -> list[DocumentNotes]:
    """Annotations grouped by document; `with_text` loads the documents' blocks and cached
    translations too (Markdown and CSV show sentences; JSON needs only selectors), and places
    translation-side annotations on those translations: where their words went since, or
    orphans when they are gone (JSON, a backup, keeps them as stored)."""
    annotations = list_annotations(database, document_id)
    by_document: dict[int, list[Annotation]] = {}
    for annotation in annotations:
        by_document.setdefault(annotation.document_id, []).append(annotation)
    bookmarks: dict[int, list[Bookmark]] = {}
    for bookmark in stored_bookmarks(database, document_id):
        bookmarks.setdefault(bookmark.document_id, []).append(bookmark)
        by_document.setdefault(bookmark.document_id, [])
    if document_id is not None:
        get_document(database, document_id)  # an unknown id is an error, not an empty export
        by_document.setdefault(document_id, [])
    targets = _target_languages(database, by_document)
    documents = load_documents(database, list(by_document), with_blocks=with_text)
    lookup = CachedTranslations(database) if with_text else None
    groups = []
    for doc_id, notes in sorted(by_document.items()):
        document = documents[doc_id]
        translations = lookup.of(document, targets[doc_id]) if lookup and notes else {}
        notes = place_on_translations(notes, translations) if translations else notes
        marks = bookmarks.get(doc_id, [])
        if with_text and marks:
            marks = place_bookmarks(document, marks)
        groups.append(DocumentNotes(doc_id, document, targets[doc_id], notes, translations, marks))
    return groups


def load_documents(
    database: Database, document_ids: list[int], *, with_blocks: bool = True
) -> dict[int, Document]:
    """Many stored documents at once, from plain rows (`get_document` builds one through the ORM:
    fine for opening one, too slow for exporting hundreds). Without blocks: title, language,
    path and content hash only."""
    ids = set(document_ids)
    blocks_by_document: dict[int, list[Block]] = {doc_id: [] for doc_id in ids}
    with database.reading() as session:
        if with_blocks:
            _load_blocks(session, ids, blocks_by_document)
        documents = session.execute(select(DocumentRow).where(DocumentRow.id.in_(ids))).scalars()
        return {
            row.id: Document(
                title=row.shown_title,
                language=row.language,
                blocks=tuple(blocks_by_document[row.id]),
                content_hash=row.content_hash,
                source_path=Path(row.path) if row.path else None,
                format=row.format,
                toc=tuple(tuple(entry) for entry in json.loads(row.toc_json)),
            )
            for row in documents
        }


def _load_blocks(
    session: Session, ids: set[int], blocks_by_document: dict[int, list[Block]]
) -> None:
    sentences: dict[int, list[tuple[int, int, int]]] = {}
    for row in session.execute(
        select(SentenceRow.block_id, SentenceRow.position, SentenceRow.start, SentenceRow.end)
        .join(BlockRow)
        .where(BlockRow.document_id.in_(ids))
        .order_by(SentenceRow.block_id, SentenceRow.position)
    ):
        sentences.setdefault(row.block_id, []).append((row.position, row.start, row.end))
    for row in session.execute(
        select(
            BlockRow.id,
            BlockRow.document_id,
            BlockRow.position,
            BlockRow.kind,
            BlockRow.level,
            BlockRow.text,
        )
        .where(BlockRow.document_id.in_(ids))
        .order_by(BlockRow.document_id, BlockRow.position)
    ):
        blocks_by_document[row.document_id].append(
            Block(
                row.position,
                BlockKind(row.kind),
                row.text,
                tuple(
                    Sentence.of(row.text, i, start, end)
                    for i, start, end in sentences.get(row.id, ())
                ),
                row.level,
            )
        )


# --- W3C Web Annotation (JSON-LD) ---------------------------------------------------------


def to_w3c(groups: Iterable[DocumentNotes]) -> dict:
    """The collection; what identifies each document (title, language, content hash) is said
    once in `bireader:documents`, keyed by the targets' `source`, not in every annotation."""
    groups = list(groups)
    items = [to_w3c_annotation(group, note) for group in groups for note in group.annotations]
    documents = [
        {
            "source": group.source_iri,
            "title": group.document.title,
            "language": group.document.language,
            "contentHash": group.document.content_hash,
        }
        for group in groups
    ]
    collection = {
        "@context": JSON_CONTEXT,
        "type": "AnnotationCollection",
        "label": "Bilingual Reader annotations",
        "generator": {"type": "Software", "name": f"bireader {__version__}"},
        "generated": _iso(datetime.now(UTC)),
        "total": len(items),
        "bireader:documents": documents,
    }
    bookmarks = [to_w3c_bookmark(group, b) for group in groups for b in group.bookmarks]
    if bookmarks:
        collection["bireader:bookmarks"] = bookmarks
    # the page last: `w3c_json` writes its items one a line after the rest
    collection["first"] = {"type": "AnnotationPage", "startIndex": 0, "items": items}
    return collection


def to_w3c_bookmark(group: DocumentNotes, bookmark: Bookmark) -> dict:
    body = [{"type": "TextualBody", "value": bookmark.label, "purpose": "describing"}]
    return {
        "id": f"urn:uuid:{bookmark.uuid}",
        "type": "Annotation",
        "motivation": "bookmarking",
        "created": _iso(bookmark.created_at),
        "body": body if bookmark.label else [],
        "target": {
            "source": group.source_iri,
            "selector": {"type": "TextQuoteSelector", "exact": bookmark.exact},
            "bireader:sentence": {
                "block": bookmark.block_index,
                "sentence": bookmark.sentence_index,
            },
        },
    }


def w3c_json(groups: Iterable[DocumentNotes]) -> str:
    """`to_w3c` as text, one annotation a line: readable, diffable, and fast (orjson writes
    100,000 annotations in a fraction of the time of the json module)."""
    collection = to_w3c(groups)
    items = collection["first"].pop("items")
    head = orjson.dumps(collection).decode()
    assert head.endswith("}}")
    lines = b",\n".join(map(orjson.dumps, items)).decode()
    return f'{head[:-2]},"items":[\n{lines}\n]}}}}\n'


def to_w3c_annotation(group: DocumentNotes, note: Annotation) -> dict:
    anchor = note.anchor
    body: list[dict] = []
    if note.note:
        body.append(
            {
                "type": "TextualBody",
                "value": note.note,
                "format": "text/markdown",
                "purpose": "commenting",
            }
        )
    body += [{"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in note.tags]
    document = group.document
    item = {
        "id": f"urn:uuid:{note.uuid}",
        "type": "Annotation",
        "motivation": "commenting" if note.note else "highlighting",
        "created": _iso(note.created_at),
        "modified": _iso(note.updated_at),
        "body": body,
        "target": {
            "source": group.source_iri,
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": anchor.exact,
                    "prefix": anchor.prefix,
                    "suffix": anchor.suffix,
                },
                {"type": "TextPositionSelector", "start": anchor.doc_start, "end": anchor.doc_end},
            ],
            "bireader:block": {
                "index": anchor.block_index,
                "start": anchor.start,
                "end": anchor.end,
            },
        },
        "bireader:side": note.side,
        "bireader:colour": note.colour,
        "bireader:status": note.status,
    }
    if anchor.doc_start < 0:  # imported from elsewhere without a position, never anchored
        item["target"]["selector"].pop()
    if note.content_hash != document.content_hash:  # resolved on an older text (orphans)
        item["target"]["bireader:contentHash"] = note.content_hash
    if note.translation is not None:
        item["bireader:translation"] = note.translation.to_json()
    return item


# --- Markdown -----------------------------------------------------------------------------


def to_markdown(groups: Iterable[DocumentNotes]) -> str:
    lines = ["# Annotations", ""]
    for group in groups:
        lines += _markdown_document(group)
    return "\n".join(lines).rstrip() + "\n"


def _markdown_document(group: DocumentNotes) -> list[str]:
    document = group.document
    lines = [f"## {document.title}", ""]
    source = f"`{document.source_path}` · " if document.source_path else ""
    lines += [
        f"_{source}{len(group.annotations)} annotation(s) · "
        f"{document.language} → {group.target_language}_",
        "",
    ]
    lines += _markdown_bookmarks(group.bookmarks)
    anchored = [note for note in group.annotations if note.status == "anchored"]
    orphans = [note for note in group.annotations if note.status != "anchored"]
    current_block = None
    for note in anchored:
        if note.anchor.block_index != current_block:
            current_block = note.anchor.block_index
            heading = _excerpt(document.blocks[current_block].text)
            lines += [f"### ¶ {current_block + 1} — {heading}", ""]
        lines += _markdown_note(group, note)
    if orphans:
        lines += [
            "### Orphaned annotations (their text is no longer in the document or its translation)",
            "",
        ]
        for note in orphans:
            lines += [f"> {_one_line(note.quote)}", "", *_markdown_note_text(note)]
    return lines


def _markdown_bookmarks(bookmarks: list[Bookmark]) -> list[str]:
    if not bookmarks:
        return []
    lines = ["### Bookmarks", ""]
    for bookmark in bookmarks:
        orphan = (
            " *(its sentence is no longer in the document)*"
            if bookmark.status != "anchored"
            else ""
        )
        label = f"**{_cell(bookmark.label)}** — " if bookmark.label else ""
        lines.append(f"- ¶ {bookmark.block_index + 1}: {label}“{_excerpt(bookmark.exact)}”{orphan}")
    return [*lines, ""]


def _markdown_note(group: DocumentNotes, note: Annotation) -> list[str]:
    original, translation = sentence_pair(group, note)
    return [
        f"| Original ({group.document.language}) | Translation ({group.target_language}) |",
        "| --- | --- |",
        f"| {_cell(original)} | {_cell(translation)} |",
        "",
        *_markdown_note_text(note),
    ]


def _markdown_note_text(note: Annotation) -> list[str]:
    tags = " ".join(f"#{tag}" for tag in note.tags)
    side = " · on the translation" if note.side == "translation" else ""
    meta = f"*{note.colour}{side}{' · ' + tags if tags else ''} · {note.updated_at:%Y-%m-%d}*"
    quote = f"**“{_one_line(note.quote)}”** — {meta}"
    return [quote, "", *([note.note.strip(), ""] if note.note.strip() else [])]


def _cell(text: str) -> str:
    return _one_line(text).replace("|", "\\|") or " "


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _excerpt(text: str, limit: int = 60) -> str:
    text = _one_line(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- Anki CSV -----------------------------------------------------------------------------

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def to_anki_csv(groups: Iterable[DocumentNotes]) -> str:
    """CSV with Anki's file headers: the annotation's uuid as the note GUID (importing again
    updates the cards instead of duplicating them), Front, Back, Tags; HTML allowed."""
    out = io.StringIO()
    # A plain header row would be imported as a card: Anki reads column names from #columns.
    out.write(
        "#separator:comma\n#html:true\n#columns:GUID,Front,Back,Tags\n"
        "#guid column:1\n#tags column:4\n"
    )
    # Every cell quoted (OWASP's rule, with `_inert`): a CR in a cell stays in its cell too.
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for group in groups:
        for note in group.annotations:
            original, translation = sentence_pair(group, note, marked=True)
            back = translation
            if note.note.strip():
                back += ("<br><br>" if back else "") + _html_lines(note.note.strip())
            tags = " ".join(tag.replace(" ", "_") for tag in note.tags)
            writer.writerow([_inert(cell) for cell in (note.uuid, original, back, tags)])
    return out.getvalue()


def _inert(cell: str) -> str:
    """A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, or TAB or CR first)
    gets a leading apostrophe, OWASP's rule against CSV injection: the file opens in Excel or
    LibreOffice as readily as in Anki."""
    return f"'{cell}" if cell.startswith(_FORMULA_STARTS) else cell


def _html_lines(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


# --- shared -------------------------------------------------------------------------------


def sentence_pair(
    group: DocumentNotes, note: Annotation, *, marked: bool = False
) -> tuple[str, str]:
    """The original sentence(s) an annotation covers and their translation. With `marked`,
    HTML-escaped and the annotated words in <b>."""
    escape = html.escape if marked else (lambda value: value)
    if note.status != "anchored":
        return escape(note.anchor.exact), ""
    anchor = note.anchor
    block = group.document.blocks[anchor.block_index]
    if note.translation is not None:
        covered = [s for s in block.sentences if s.index == note.translation.sentence_index]
    else:
        covered = [s for s in block.sentences if s.start < anchor.end and anchor.start < s.end]
    if not covered:
        return escape(anchor.exact), ""
    start, end = covered[0].start, covered[-1].end
    original = block.text[start:end]
    translation = " ".join(
        found.text
        for s in covered
        if (found := group.translations.get((block.index, s.index))) is not None
    )
    if not marked:
        return original, translation
    if note.translation is None:
        low, high = max(anchor.start, start) - start, min(anchor.end, end) - start
        original = (
            html.escape(original[:low])
            + "<b>"
            + html.escape(original[low:high])
            + "</b>"
            + html.escape(original[high:])
        )
        return original, html.escape(translation)
    quote = note.translation
    if translation == _translation_of(group, block.index, quote.sentence_index):
        translation = (
            html.escape(translation[: quote.start])
            + "<b>"
            + html.escape(translation[quote.start : quote.end])
            + "</b>"
            + html.escape(translation[quote.end :])
        )
        return html.escape(original), translation
    return html.escape(original), html.escape(translation)


def _translation_of(group: DocumentNotes, block: int, sentence: int) -> str | None:
    found = group.translations.get((block, sentence))
    return found.text if found else None


def _target_languages(database: Database, document_ids: Iterable[int]) -> dict[int, str]:
    ids = list(document_ids)
    with database.reading() as session:
        chosen = dict(
            session.execute(
                select(DocumentRow.id, DocumentRow.target_language).where(DocumentRow.id.in_(ids))
            ).all()
        )
    return {doc_id: chosen.get(doc_id) or DEFAULT_TARGET_LANGUAGE for doc_id in ids}


def _iso(moment: datetime) -> str:
    return moment.isoformat()
