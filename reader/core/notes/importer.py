"""Importing annotations from W3C Web Annotation JSON(-LD): our own export (lossless round trip),
or other tools' annotations given a target document.

Nothing in the file is trusted: it is read with bounds (size, nesting, numbers), validated whole
against the declared schema (`w3c_schema`) before anything is written, and every annotation is
checked against the stored text of its document. One exported from that very text whose anchor is
still exactly there keeps it; any other is re-anchored as a re-import of a changed file would do,
and imported as an orphan when its quote is not found (the file's offsets are only a hint). A
document an annotation points at is found in the library by content hash, then by path; it is
added from its local file only when the user asks (`add_documents`). Uuids already present are
skipped.
"""

from __future__ import annotations

import gc
import json
import math
import uuid as uuid_module
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from reader.core.documents import Document
from reader.core.documents.files import SizeLimit, read_document_bytes
from reader.core.errors import InputError
from reader.core.library import (
    find_document_by_path,
    get_document,
    read_document,
    store_document,
)
from reader.core.notes.anchoring import Anchor, DocumentText
from reader.core.notes.models import AnnotationRow
from reader.core.notes.reanchor import ANCHORED, ORPHAN, anchor_of, reanchor_rows
from reader.core.notes.service import (
    DEFAULT_COLOUR,
    Annotation,
    TranslationQuote,
    normalise_tags,
    row_from_annotation,
)
from reader.core.notes.w3c_schema import (
    AnnotationCollection,
    AnnotationList,
    DocumentInfo,
    TextualBody,
    W3CAnnotation,
    first_problem,
)
from reader.core.storage.db import Database
from reader.core.storage.models import DocumentRow, utc_now

_HASH_IRI_PREFIX = "urn:bireader:document:"
MAX_FILE_BYTES = 128 * 1024 * 1024  # 100,000 annotations with notes take about 70 MB
MAX_NUMBER_DIGITS = 100  # the schema bounds the values; this only spares int() 5,000 digits
# SQLite allows 32766 bound parameters nowadays, 999 in old builds: stay well below.
_LOOKUP_CHUNK = 500


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
    database: Database,
    path: str | Path,
    *,
    document_id: int | None = None,
    add_documents: bool = False,
) -> ImportResult:
    """Import the annotations of a W3C JSON file; `document_id` puts them all on that document
    (for annotations made elsewhere on the same text); `add_documents` lets a document that is
    not in the library be added from the local file the annotations name."""
    path = Path(path)
    with _no_cyclic_gc():
        items, documents_info = read_annotation_file(path)
        parsed = [_parse_item(item, documents_info) for item in items]
    documents, added = _resolve_documents(database, path, parsed, document_id, add_documents)
    imported = orphans = skipped = 0
    with database.session() as session:
        existing = _existing_uuids(session, [item.annotation.uuid for item in parsed])
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
    """Exported from this very text and still exactly there: kept as it was (orphans stay
    orphans). Any other is re-anchored, orphans included: their text may be back."""
    text = DocumentText.of(document)
    stale = []
    for row, exported_from in rows:
        if exported_from == document.content_hash and _holds(row, text, document):
            row.content_hash = document.content_hash
        else:
            row.status = ANCHORED  # what it was made on is unknown here: let re-anchoring decide
            stale.append(row)
    reanchor_rows(stale, document, old_text=None, old_hash=None)


def _holds(row: AnnotationRow, text: DocumentText, document: Document) -> bool:
    """Whether a row's whole anchor (block, offsets, quote, context; the sentence of a
    translation-side one) is what the text says at its offsets."""
    if row.status == ORPHAN:
        return True  # nothing to check: shown by its quote, found again on the next re-import
    if not 0 <= row.doc_start < row.doc_end <= len(text.text):
        return False
    if text.anchor(row.doc_start, row.doc_end) != anchor_of(row):
        return False
    if row.side != "translation":
        return True
    sentences = document.blocks[row.block_index].sentences
    return any(
        (sentence.index, sentence.start, sentence.end) == (row.sentence_index, row.start, row.end)
        for sentence in sentences
    )


# --- reading the file ---------------------------------------------------------------------


def read_annotation_file(path: Path) -> tuple[list[W3CAnnotation], dict[str, DocumentInfo]]:
    """The annotations of a file, validated, and what it says about their documents (by
    source). Any problem is an InputError naming the file and the first problem in it."""
    data = _load_json(path)
    try:
        if isinstance(data, list):
            return AnnotationList.model_validate(data).root, {}
        kind = data.get("type") if isinstance(data, dict) else None
        if kind == "Annotation":
            return [W3CAnnotation.model_validate(data)], {}
        if kind == "AnnotationCollection":
            collection = AnnotationCollection.model_validate(data)
            documents = {document.source: document for document in collection.documents}
            return collection.annotations(), documents
    except ValidationError as error:
        raise InputError(path, first_problem(error)) from error
    raise InputError(path, "is not W3C Web Annotation JSON (no Annotation or AnnotationCollection)")


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Parsing and validating 100,000 annotations creates millions of objects and no cycle:
    the automatic collections meanwhile, each scanning everything alive, would take twice as
    long as the work itself."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _load_json(path: Path) -> object:
    # Read as a document is: a FIFO or /dev/zero is refused, not waited on or read forever.
    data = read_document_bytes(path, SizeLimit(MAX_FILE_BYTES, "annotation file"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(path, f"is not UTF-8 (byte {error.start})") from error
    try:
        return json.loads(
            text, parse_constant=_no_constant, parse_float=_finite, parse_int=_short_integer
        )
    except json.JSONDecodeError as error:
        raise InputError(path, f"is not valid JSON ({error.msg}, line {error.lineno})") from error
    except ValueError as error:  # ours, from the hooks
        raise InputError(path, f"is not valid JSON ({error})") from error
    except RecursionError as error:
        raise InputError(path, "is not valid JSON (nested too deeply)") from error


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def _finite(literal: str) -> float:
    number = float(literal)
    if not math.isfinite(number):
        raise ValueError(f"the number {literal[:20]} is out of range")
    return number


def _short_integer(literal: str) -> int:
    if len(literal.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise ValueError(f"the number {literal[:20]}… has {len(literal)} digits")
    return int(literal)


def _parse_item(item: W3CAnnotation, documents: dict[str, DocumentInfo]) -> _Parsed:
    target = item.target
    quote, position = target.quote(), target.position()
    block = target.block
    anchor = Anchor(
        block_index=block.index if block else 0,
        start=block.start if block else 0,
        end=block.end if block else 0,
        doc_start=position.start if position else -1,  # no position: found by its quote
        doc_end=position.end if position else -1,
        exact=quote.exact,
        prefix=quote.prefix,
        suffix=quote.suffix,
    )
    translation = _translation(item)
    notes, tags = _bodies(item.body)
    document = documents.get(target.source)
    document_hash = document.content_hash if document else ""
    created = item.created or utc_now()
    annotation = Annotation(
        uuid=_uuid(item.id),
        document_id=0,
        side="translation" if translation else "original",
        status=item.status or ANCHORED,
        colour=item.colour or DEFAULT_COLOUR,
        note="\n\n".join(notes),
        tags=normalise_tags(tags),
        anchor=anchor,
        content_hash=target.content_hash or document_hash,
        created_at=created,
        updated_at=item.modified or created,
        translation=translation,
    )
    title = document.title if document and document.title else target.source
    return _Parsed(annotation, target.source, title, document_hash)


def _bodies(bodies: list[str | TextualBody]) -> tuple[list[str], list[str]]:
    notes, tags = [], []
    for body in bodies:
        if isinstance(body, str):
            notes.append(body)
        elif body.value is not None:
            (tags if body.purpose == "tagging" else notes).append(body.value)
    return notes, tags


def _translation(item: W3CAnnotation) -> TranslationQuote | None:
    quote = item.translation
    if quote is None:
        return None
    return TranslationQuote(
        sentence_index=quote.sentence,
        start=quote.start,
        end=quote.end,
        exact=quote.exact,
        prefix=quote.prefix,
        suffix=quote.suffix,
        origin=quote.origin,
    )


def _uuid(raw: str) -> str:
    if raw.startswith("urn:uuid:"):  # checked by the schema
        return str(uuid_module.UUID(raw.removeprefix("urn:uuid:")))
    if raw:
        return str(uuid_module.uuid5(uuid_module.NAMESPACE_URL, raw))  # stable for foreign ids
    return str(uuid_module.uuid4())


def _document_key(item: _Parsed) -> tuple[str, str]:
    return item.source, item.document_hash or item.annotation.content_hash


def _resolve_documents(
    database: Database,
    path: Path,
    parsed: list[_Parsed],
    document_id: int | None,
    add_documents: bool,
) -> tuple[dict[tuple[str, str], tuple[int, Document]], int]:
    """{(source, content hash): (library id, document)}; with `add_documents`, documents not
    in the library are added from their local files (all loaded before any is added)."""
    keys = {_document_key(item): item for item in parsed}
    if document_id is not None:
        document = get_document(database, document_id)
        return {key: (document_id, document) for key in keys}, 0
    found: dict[tuple[str, str], int] = {}
    to_add: dict[tuple[str, str], Document] = {}
    for key, item in keys.items():
        source, content_hash = key
        known = _by_hash(database, content_hash) or _by_source(database, source)
        if known is not None:
            found[key] = known
            continue
        to_add[key] = _document_to_add(database, path, item, add_documents)
    for key, document in to_add.items():
        found[key] = store_document(database, document).document_id
    documents = {doc_id: get_document(database, doc_id) for doc_id in set(found.values())}
    return {key: (doc_id, documents[doc_id]) for key, doc_id in found.items()}, len(to_add)


def _existing_uuids(session: Session, uuids: list[str]) -> set[str]:
    """Those of `uuids` already in the library, asked in chunks: one `IN (...)` of them all
    would pass more bound parameters than SQLite allows."""
    existing: set[str] = set()
    for start in range(0, len(uuids), _LOOKUP_CHUNK):
        chunk = uuids[start : start + _LOOKUP_CHUNK]
        existing.update(
            session.scalars(select(AnnotationRow.uuid).where(AnnotationRow.uuid.in_(chunk)))
        )
    return existing


def _document_to_add(
    database: Database, path: Path, item: _Parsed, add_documents: bool
) -> Document:
    """The local file of a document missing from the library, read (a bad file fails here,
    before anything is written). An import reads no file it names unless asked: a crafted
    `file:///etc/passwd` must not end up in the library."""
    where = f"the document {item.title!r} ({item.source or 'no source'}) is not in the library"
    file = _file_of(item.source)
    if not add_documents:
        hint = " or --add-documents to add it from its file" if file is not None else ""
        raise InputError(path, f"{where}: add it first, or import with --document ID{hint}")
    if file is None or not file.is_file():
        raise InputError(path, f"{where} and its file is not there: add it first")
    return read_document(database, file)


def _by_hash(database: Database, content_hash: str) -> int | None:
    if not content_hash:
        return None
    with database.reading() as session:
        return session.scalars(
            select(DocumentRow.id).where(DocumentRow.content_hash == content_hash)
        ).first()


def _by_source(database: Database, source: str) -> int | None:
    if source.startswith(_HASH_IRI_PREFIX):
        return _by_hash(database, source.removeprefix(_HASH_IRI_PREFIX))
    file = _file_of(source)
    return find_document_by_path(database, file) if file is not None else None


def _file_of(source: str) -> Path | None:
    """The local path of a file: IRI (on this machine: no host, or localhost)."""
    parsed = urlparse(source)
    if parsed.scheme != "file" or parsed.netloc not in ("", "localhost") or not parsed.path:
        return None
    return Path(unquote(parsed.path))
