"""Re-anchoring a document's annotations when its text is replaced (re-import of a changed file).

Called by `reader.core.library` inside the transaction that replaces the blocks, before the old
blocks are dropped, so the old text is still at hand. Kept free of imports of the library module
(which imports this one).
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from reader.core.documents import Document
from reader.core.notes.anchoring import Anchor, DocumentText, Reanchorer
from reader.core.notes.models import AnnotationRow
from reader.core.storage.models import DocumentRow

ANCHORED = "anchored"
ORPHAN = "orphan"


def reanchor_document_annotations(
    session: Session, document_row: DocumentRow, new_document: Document
) -> Counter[str]:
    """Move every annotation of the document onto the new text, or orphan it. Returns how many
    were resolved by each method ("position", "quote", "unique-quote", "fuzzy", "orphan")."""
    rows = session.scalars(
        select(AnnotationRow).where(AnnotationRow.document_id == document_row.id)
    ).all()
    if not rows:
        return Counter()
    old_text = DocumentText([block.text for block in document_row.blocks])
    return reanchor_rows(rows, new_document, old_text=old_text, old_hash=document_row.content_hash)


def reanchor_rows(
    rows: list[AnnotationRow],
    new_document: Document,
    *,
    old_text: DocumentText | None,
    old_hash: str | None,
) -> Counter[str]:
    new_text = DocumentText.of(new_document)
    with_old = Reanchorer(new_text, old_text)
    without_old = Reanchorer(new_text)
    methods: Counter[str] = Counter()
    for row in rows:
        # `old_text` is only what an *anchored* annotation stands on; an orphan's text is gone.
        known_old = row.status == ANCHORED and row.content_hash == old_hash and old_text
        resolution = (with_old if known_old else without_old).resolve(anchor_of(row))
        anchor = resolution.anchor
        method = resolution.method
        if anchor is not None and row.side == "translation":
            anchor = _translation_sentence(row, anchor, new_document)
            method = method if anchor is not None else "orphan"
        _apply(row, anchor, new_document.content_hash)
        methods[method] += 1
    return methods


def _translation_sentence(row: AnnotationRow, anchor: Anchor, document: Document) -> Anchor | None:
    """A translation-side note stays only where its source sentence is unchanged: another source
    means another translation, and the translation offsets would point at the wrong words."""
    if anchor.exact != row.exact:
        return None
    block = document.blocks[anchor.block_index]
    for sentence in block.sentences:
        if (sentence.start, sentence.end) == (anchor.start, anchor.end):
            row.sentence_index = sentence.index
            return anchor
    return None


def _apply(row: AnnotationRow, anchor: Anchor | None, content_hash: str) -> None:
    # `updated_at` is left alone: it records the user's edits, not the text moving under them.
    if anchor is None:
        row.status = ORPHAN
        return  # keeps its last anchor and content hash: the quote shown in the orphan list
    row.block_index, row.start, row.end = anchor.block_index, anchor.start, anchor.end
    row.doc_start, row.doc_end = anchor.doc_start, anchor.doc_end
    row.exact, row.prefix, row.suffix = anchor.exact, anchor.prefix, anchor.suffix
    row.content_hash = content_hash
    row.status = ANCHORED


def anchor_of(row: AnnotationRow) -> Anchor:
    # positional: called for every row when listing 100,000 annotations
    return Anchor(
        row.block_index,
        row.start,
        row.end,
        row.doc_start,
        row.doc_end,
        row.exact,
        row.prefix,
        row.suffix,
    )
