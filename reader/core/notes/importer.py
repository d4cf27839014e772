"""Importing annotations from W3C Web Annotation JSON(-LD): our own export (lossless round trip),
or other tools' annotations given a target document.

The file is read and checked completely before anything is written; a document an annotation
points at is found in the library by content hash, then by path, and added from its file when
it is not there yet. Annotations whose document text differs from the one they were made on are
re-anchored (and orphaned when their text cannot be found); uuids already present are skipped.
"""

from __future__ import annotations

import json
import uuid as uuid_module
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlparse

from sqlalchemy import select

from reader.core.documents import Document, load_document
from reader.core.documents.files import read_document_bytes
from reader.core.errors import InputError
from reader.core.library import add_document, find_document_by_path, get_document
from reader.core.notes.anchoring import Anchor, DocumentText
from reader.core.notes.models import AnnotationRow
from reader.core.notes.reanchor import ANCHORED, ORPHAN, reanchor_rows
from reader.core.notes.service import (
    COLOURS,
    DEFAULT_COLOUR,
    Annotation,
    TranslationQuote,
    normalise_tags,
    row_from_annotation,
)
from reader.core.storage.db import Database
from reader.core.storage.models import DocumentRow, utc_now

_HASH_IRI_PREFIX = "urn:bireader:document:"


@dataclass(frozen=True)
class ImportResult:
    imported: int
    skipped: int  # already in the library (same uuid)
    orphans: int  # imported, but their text was not found in the document
    documents_added: int


@dataclass(frozen=True)
class _Parsed:
    annotation: Annotation  # document_id 0 until its document is resolved
    source: str
    title: str
    document_hash: str  # the document's content when it was exported ("" if unknown)


def import_w3c(
    database: Database, path: str | Path, *, document_id: int | None = None
) -> ImportResult:
    """Import the annotations of a W3C JSON file; `document_id` puts them all on that document
    (for annotations made elsewhere on the same text)."""
    path = Path(path)
    items, documents_info = _items(path)
    parsed = [_parse_item(path, index, item, documents_info) for index, item in enumerate(items, 1)]
    documents, added = _resolve_documents(database, path, parsed, document_id)
    imported = orphans = skipped = 0
    with database.session() as session:
        existing = set(
            session.scalars(
                select(AnnotationRow.uuid).where(
                    AnnotationRow.uuid.in_([p.annotation.uuid for p in parsed])
                )
            )
        )
        rows_by_document: dict[int, list[tuple[AnnotationRow, str]]] = {}
        for item in parsed:
            if item.annotation.uuid in existing:
                skipped += 1
                continue
            existing.add(item.annotation.uuid)
            doc_id, _ = documents[_document_key(item)]
            row = row_from_annotation(item.annotation)
            row.document_id = doc_id
            rows_by_document.setdefault(doc_id, []).append((row, item.document_hash))
        document_of = {doc_id: document for doc_id, document in documents.values()}
        for doc_id, rows_and_hashes in rows_by_document.items():
            _anchor_on(rows_and_hashes, document_of[doc_id])
            rows = [row for row, _ in rows_and_hashes]
            session.add_all(rows)
            imported += len(rows)
            orphans += sum(1 for row in rows if row.status == ORPHAN)
    return ImportResult(imported, skipped, orphans, added)


def _anchor_on(rows: list[tuple[AnnotationRow, str]], document: Document) -> None:
    """Exported from this very text: keep everything as it was (orphans stay orphans). Otherwise
    re-anchor, orphans included: their text may be back."""
    text = DocumentText.of(document).text
    stale = [
        row
        for row, exported_from in rows
        if exported_from != document.content_hash
        or (row.status == ANCHORED and text[row.doc_start : row.doc_end] != row.exact)
    ]
    for row in stale:
        row.status = ANCHORED  # what it was made on is unknown here: let re-anchoring decide
    reanchor_rows(stale, document, old_text=None, old_hash=None)


def _items(path: Path) -> tuple[list, dict[str, dict]]:
    """The annotations, and what the collection says about their documents (by source)."""
    try:
        # Read as a document is: a FIFO or /dev/zero is refused, not waited on or read forever.
        data = json.loads(read_document_bytes(path).decode("utf-8"))
    except UnicodeDecodeError as error:
        raise InputError(path, f"cannot be read ({error})") from error
    except json.JSONDecodeError as error:
        raise InputError(path, f"is not valid JSON ({error.msg}, line {error.lineno})") from error
    documents: dict[str, dict] = {}
    if isinstance(data, dict) and data.get("type") == "AnnotationCollection":
        first = data.get("first")
        items = first.get("items") if isinstance(first, dict) else data.get("items")
        listed = data.get("bireader:documents")
        for entry in listed if isinstance(listed, list) else []:
            if isinstance(entry, dict) and isinstance(entry.get("source"), str):
                documents[entry["source"]] = entry
    elif isinstance(data, dict) and data.get("type") == "Annotation":
        items = [data]
    elif isinstance(data, list):
        items = data
    else:
        raise InputError(
            path, "is not W3C Web Annotation JSON (no Annotation or AnnotationCollection)"
        )
    if not isinstance(items, list):
        raise InputError(path, "the annotation collection has no list of items")
    return items, documents


def _parse_item(path: Path, index: int, item: object, documents: dict[str, dict]) -> _Parsed:
    def fail(problem: str) -> InputError:
        return InputError(path, f"annotation {index}: {problem}")

    if not isinstance(item, dict) or item.get("type") != "Annotation":
        raise fail("not an object of type Annotation")
    target = item.get("target")
    if isinstance(target, list) and target:
        target = target[0]
    if not isinstance(target, dict):
        raise fail("no target")
    selectors = _selectors(target.get("selector"))
    quote = selectors.get("TextQuoteSelector")
    if quote is None or not isinstance(quote.get("exact"), str) or not quote["exact"]:
        raise fail("no TextQuoteSelector with an exact quote")
    position = selectors.get("TextPositionSelector", {})
    block = target.get("bireader:block") or {}
    try:
        doc_start = int(position.get("start", -1))
        doc_end = int(position.get("end", -1))
        anchor = Anchor(
            block_index=int(block.get("index", 0)),
            start=int(block.get("start", 0)),
            end=int(block.get("end", 0)),
            doc_start=doc_start,
            doc_end=doc_end,
            exact=quote["exact"],
            prefix=str(quote.get("prefix", "")),
            suffix=str(quote.get("suffix", "")),
        )
        created = _timestamp(item.get("created"))
        modified = _timestamp(item.get("modified")) if item.get("modified") else created
        translation = _translation(item.get("bireader:translation"))
    except (TypeError, ValueError) as error:
        raise fail(f"malformed field ({error})") from error
    notes, tags = _bodies(item.get("body"))
    source = target.get("source") if isinstance(target.get("source"), str) else ""
    document = documents.get(source, {})
    document_hash = str(document.get("contentHash", ""))
    colour = item.get("bireader:colour")
    status = item.get("bireader:status")
    annotation = Annotation(
        uuid=_uuid(item.get("id")),
        document_id=0,
        side="translation" if translation else "original",
        status=status if status in (ANCHORED, ORPHAN) else ANCHORED,
        colour=colour if colour in COLOURS else DEFAULT_COLOUR,
        note="\n\n".join(notes),
        tags=normalise_tags(tags),
        anchor=anchor,
        content_hash=str(target.get("bireader:contentHash", document_hash)),
        created_at=created,
        updated_at=modified,
        translation=translation,
    )
    return _Parsed(annotation, source, str(document.get("title", source)), document_hash)


def _selectors(raw: object) -> dict[str, dict]:
    selectors = raw if isinstance(raw, list) else [raw]
    return {
        selector["type"]: selector
        for selector in selectors
        if isinstance(selector, dict) and isinstance(selector.get("type"), str)
    }


def _bodies(raw: object) -> tuple[list[str], list[str]]:
    bodies = raw if isinstance(raw, list) else [raw] if raw else []
    notes, tags = [], []
    for body in bodies:
        if isinstance(body, str):
            notes.append(body)
        elif isinstance(body, dict) and isinstance(body.get("value"), str):
            (tags if body.get("purpose") == "tagging" else notes).append(body["value"])
    return notes, tags


def _translation(raw: object) -> TranslationQuote | None:
    if not isinstance(raw, dict):
        return None
    return TranslationQuote(
        sentence_index=int(raw["sentence"]),
        start=int(raw["start"]),
        end=int(raw["end"]),
        exact=str(raw["exact"]),
        prefix=str(raw.get("prefix", "")),
        suffix=str(raw.get("suffix", "")),
        origin=str(raw.get("origin", "")),
    )


def _uuid(raw: object) -> str:
    if isinstance(raw, str) and raw.startswith("urn:uuid:"):
        return str(uuid_module.UUID(raw.removeprefix("urn:uuid:")))
    if isinstance(raw, str) and raw:
        return str(uuid_module.uuid5(uuid_module.NAMESPACE_URL, raw))  # stable for foreign ids
    return str(uuid_module.uuid4())


def _timestamp(raw: object) -> datetime:
    if not raw:
        return utc_now()
    moment = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    # stored as UTC wall time (SQLite keeps no zone): convert, do not just relabel
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _document_key(item: _Parsed) -> tuple[str, str]:
    return item.source, item.document_hash or item.annotation.content_hash


def _resolve_documents(
    database: Database, path: Path, parsed: list[_Parsed], document_id: int | None
) -> tuple[dict[tuple[str, str], tuple[int, Document]], int]:
    """{(source, content hash): (library id, document)}, adding documents from their files."""
    keys = {_document_key(item): item for item in parsed}
    if document_id is not None:
        document = get_document(database, document_id)
        return {key: (document_id, document) for key in keys}, 0
    found: dict[tuple[str, str], int] = {}
    to_add: dict[tuple[str, str], Path] = {}
    for key, item in keys.items():
        source, content_hash = key
        known = _by_hash(database, content_hash) or _by_source(database, source)
        if known is not None:
            found[key] = known
            continue
        file = _file_of(source)
        if file is None or not file.is_file():
            raise InputError(
                path,
                f"the document {item.title!r} ({source or 'no source'}) is "
                "not in the library and its file is not there: add it first, "
                "or import with --document ID",
            )
        load_document(file)  # a bad file fails here, before anything is written
        to_add[key] = file
    for key, file in to_add.items():
        found[key] = add_document(database, file).document_id
    documents = {doc_id: get_document(database, doc_id) for doc_id in set(found.values())}
    return {key: (doc_id, documents[doc_id]) for key, doc_id in found.items()}, len(to_add)


def _by_hash(database: Database, content_hash: str) -> int | None:
    if not content_hash:
        return None
    with database.session() as session:
        return session.scalars(
            select(DocumentRow.id).where(DocumentRow.content_hash == content_hash)
        ).first()


def _by_source(database: Database, source: str) -> int | None:
    if source.startswith(_HASH_IRI_PREFIX):
        return _by_hash(database, source.removeprefix(_HASH_IRI_PREFIX))
    file = _file_of(source)
    return find_document_by_path(database, file) if file is not None else None


def _file_of(source: str) -> Path | None:
    parsed = urlparse(source)
    if parsed.scheme != "file":
        return None
    return Path(unquote(parsed.path))
