"""Full-text search over the library's documents and notes (SQLite FTS5, PostgreSQL tsvector).

Diacritic-insensitive for Vietnamese: text is *folded* (lowercase, accents and other combining marks
removed, đ/Đ → d) before it is indexed, and the query is folded the same way, so "viet" finds
"Việt" and "dang" finds "Đảng". Folding maps every character to exactly one character, so an offset
in the folded text is the same offset in the original: matches found in the folded text are shown
in the original text without any mapping table.

The FTS tables are kept in sync by SQL triggers (migration 0003) that queue changed rows in
`search_pending`; `sync_index` folds and indexes them, and every search calls it first.

On PostgreSQL the index holds the same folded words, as a tsvector of exactly those words (never
re-parsed by the server's text search parser), and a query word is a prefix tsquery: both
engines find the same blocks and notes for the same query. Only the ranking differs (bm25 on
SQLite, ts_rank on PostgreSQL).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from reader.core.errors import ReaderError
from reader.core.notes.models import AnnotationRow
from reader.core.storage.db import Database
from reader.core.storage.models import BlockRow, DocumentRow

SNIPPET_CHARS = 160
RANKED_MATCHES = 1000
_TOKEN = re.compile(r"[^\W_]+")
# Folding is done through a translation table: str.translate keeps it fast on whole books.
_FOLD_TABLE_LIMIT = 0x3000  # Latin, Greek, Cyrillic... and their combining marks; CJK has no case


def _fold_char(char: str) -> str:
    if char in "đĐ":
        return "d"  # a letter of its own in Unicode, not d + a mark: fold it by hand
    base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    lowered = base.lower()
    if len(lowered) == 1:
        return lowered
    # Keep one character per character (offsets must survive): a lone combining mark stays,
    # and so does a letter whose lowercase is two characters (İ).
    return char.lower() if len(char.lower()) == 1 else char


_FOLD_TABLE = {
    code: folded
    for code in range(_FOLD_TABLE_LIMIT)
    if not 0xD800 <= code <= 0xDFFF and (folded := _fold_char(chr(code))) != chr(code)
}


def fold(value: str) -> str:
    """Lowercase, strip diacritics, đ → d; `len(fold(s)) == len(s)` always."""
    return value.translate(_FOLD_TABLE)


@dataclass(frozen=True, slots=True)
class SearchHit:
    kind: str  # "block" (document text) or "note"
    document_id: int
    document_title: str
    block_index: int
    annotation_uuid: str | None
    snippet: str  # context around the first match, from the original (unfolded) text
    highlights: tuple[tuple[int, int], ...]  # matched spans within `snippet`
    score: float  # bm25 (FTS5) or -ts_rank (PostgreSQL): lower is better; 0 when too many to rank

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "document_id": self.document_id,
            "document_title": self.document_title,
            "block": self.block_index,
            "annotation": self.annotation_uuid,
            "snippet": self.snippet,
            "highlights": [list(span) for span in self.highlights],
        }


def query_terms(query: str) -> list[str]:
    return _TOKEN.findall(fold(query))


def search(
    database: Database,
    query: str,
    *,
    document_id: int | None = None,
    limit: int = 20,
    include_documents: bool = True,
    include_notes: bool = True,
) -> list[SearchHit]:
    """Documents' text and notes (note text, quote, tags) matching every word of `query`, each
    word as a prefix ("viet" matches "Việt", "Việt Nam" and "việc" does not), best first."""
    terms = query_terms(query)
    if not terms:
        raise ReaderError(f"nothing to search for in {query!r}")
    hits: list[SearchHit] = []
    # Indexing is a short writing unit of its own, so that the search itself holds no lock
    # (on a server, clients index one at a time: see `_claim_pending`).
    with database.session() as session:
        sync_index(session)
    with database.reading() as session:
        if include_documents:
            hits += _block_hits(session, terms, document_id, limit)
        if include_notes:
            hits += _note_hits(session, terms, document_id, limit)
    hits.sort(key=lambda hit: (hit.score, hit.document_id, hit.block_index))
    return hits[:limit]


def sync_index(session: Session) -> int:
    """Index the blocks and notes queued by the triggers; returns how many were indexed."""
    pending = _claim_pending(session)
    if not pending:
        return 0
    block_ids = [item for kind, item in pending if kind == "block"]
    note_ids = [item for kind, item in pending if kind == "note"]
    return _index_blocks(session, block_ids) + _index_notes(session, note_ids)


# The advisory lock clients of a server take to index the queue one at a time.
_SYNC_LOCK = 0x7365_6172


def _claim_pending(session: Session) -> list[tuple[str, int]]:
    """Take the queued items out of the queue, to index them in this transaction. SQLite's
    writing transaction is the only one. On a server, clients sync one at a time (a lock held
    to their commit: two claiming the same rows would deadlock), and a note another author
    keeps private (invisible here, see migration 0010) stays queued for its author to index."""
    if not _on_postgresql(session):
        return session.execute(text("DELETE FROM search_pending RETURNING kind, item_id")).all()
    if session.execute(text("SELECT NOT EXISTS (SELECT 1 FROM search_pending)")).scalar_one():
        return []
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SYNC_LOCK})
    return session.execute(
        text(
            "DELETE FROM search_pending AS p WHERE p.kind = 'block' "
            "OR EXISTS (SELECT 1 FROM annotations AS a WHERE a.id = p.item_id) "
            "RETURNING kind, item_id"
        )
    ).all()


def _on_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _index_blocks(session: Session, block_ids: list[int]) -> int:
    rows = []
    for chunk in _chunks(block_ids):
        rows += session.execute(
            text(f"SELECT id, text FROM blocks WHERE id IN ({_placeholders(chunk)})"),
            _params(chunk),
        ).all()
    if rows and _on_postgresql(session):
        _store_words(session, "search_blocks", {row.id: row.text for row in rows})
    elif rows:
        session.execute(
            text("DELETE FROM search_blocks WHERE rowid = :id"), [{"id": row.id} for row in rows]
        )
        session.execute(
            text("INSERT INTO search_blocks (rowid, text) VALUES (:id, :text)"),
            [{"id": row.id, "text": fold(row.text)} for row in rows],
        )
    return len(rows)


def _store_words(session: Session, table: str, texts: dict[int, str]) -> None:
    session.execute(
        text(
            f"INSERT INTO {table} (id, words) VALUES (:id, CAST(:words AS tsvector)) "
            "ON CONFLICT (id) DO UPDATE SET words = excluded.words"
        ),
        [{"id": id_, "words": tsvector_literal(value)} for id_, value in texts.items()],
    )


# PostgreSQL's limits: a lexeme of at most 2046 bytes, positions up to 16383 (later ones are
# recorded at 16383, as the server itself does).
_MAX_LEXEME_BYTES = 2046
_MAX_POSITION = 16383


def tsvector_literal(value: str) -> str:
    """The folded words of `value` as a tsvector literal: each word verbatim (they are letters
    and digits only, so never need quoting beyond the quotes), with its positions."""
    positions: dict[str, list[int]] = {}
    for position, word in enumerate(_TOKEN.findall(fold(value)), start=1):
        if len(word.encode()) <= _MAX_LEXEME_BYTES:
            positions.setdefault(word, []).append(min(position, _MAX_POSITION))
    return " ".join(
        f"'{word}':{','.join(map(str, sorted(set(places))))}" for word, places in positions.items()
    )


def _index_notes(session: Session, annotation_ids: list[int]) -> int:
    rows = []
    for chunk in _chunks(annotation_ids):
        rows += session.execute(
            text(
                "SELECT a.id, a.note, coalesce(a.translation_exact, a.exact) AS quote, "
                f"coalesce((SELECT {_joined_tags(session)} FROM annotation_tags t "
                "WHERE t.annotation_id = a.id), '') AS tags "
                f"FROM annotations a WHERE a.id IN ({_placeholders(chunk)})"
            ),
            _params(chunk),
        ).all()
    if rows and _on_postgresql(session):
        texts = {row.id: f"{row.note}\n{row.quote}\n{row.tags}" for row in rows}
        _store_words(session, "search_notes", texts)
    elif rows:
        session.execute(
            text("DELETE FROM search_notes WHERE rowid = :id"), [{"id": row.id} for row in rows]
        )
        session.execute(
            text(
                "INSERT INTO search_notes (rowid, note, quote, tags) "
                "VALUES (:id, :note, :quote, :tags)"
            ),
            [
                {
                    "id": row.id,
                    "note": fold(row.note),
                    "quote": fold(row.quote),
                    "tags": fold(row.tags),
                }
                for row in rows
            ],
        )
    return len(rows)


def _joined_tags(session: Session) -> str:
    return "string_agg(tag, ' ')" if _on_postgresql(session) else "group_concat(tag, ' ')"


def _top_matches(
    session: Session, table: str, owners: str, terms: list[str], document_id: int | None, limit: int
) -> dict[int, float]:
    """{rowid: score} of the best `limit` matches, lower is better. Ranking costs a score for
    every match: past RANKED_MATCHES (a word found all over the library) the first matches in
    library order come back instead, score 0, so that a search stays fast whatever the query."""
    if _on_postgresql(session):
        key, match, rank = "id", "words @@ CAST(:match AS tsquery)", "-ts_rank(words, :match)"
        query_text = " & ".join(f"'{term}':*" for term in terms)
    else:
        key, match, rank = "rowid", f"{table} MATCH :match", "rank"
        query_text = " ".join(f'"{term}"*' for term in terms)
    where = match + (
        ""
        if document_id is None
        else f" AND {key} IN (SELECT id FROM {owners} WHERE document_id = :document)"
    )
    params = {"match": query_text, "limit": limit, "document": document_id}
    count = session.execute(
        text(f"SELECT count(*) FROM (SELECT {key} FROM {table} WHERE {where} LIMIT :cap) AS m"),
        {**params, "cap": RANKED_MATCHES + 1},
    ).scalar_one()
    if count > RANKED_MATCHES:
        query = f"SELECT {key}, 0.0 FROM {table} WHERE {where} ORDER BY {key} LIMIT :limit"
    else:
        query = (
            f"SELECT {key}, {rank} AS score FROM {table} WHERE {where} ORDER BY score LIMIT :limit"
        )
    return {rowid: float(score) for rowid, score in session.execute(text(query), params)}


def _block_hits(
    session: Session, terms: list[str], document_id: int | None, limit: int
) -> list[SearchHit]:
    top = _top_matches(session, "search_blocks", "blocks", terms, document_id, limit)
    rows = session.execute(
        select(
            BlockRow.id,
            BlockRow.document_id,
            DocumentRow.shown_title.label("title"),
            BlockRow.position,
            BlockRow.text,
        )
        .join(DocumentRow, DocumentRow.id == BlockRow.document_id)
        .where(BlockRow.id.in_(top))
    ).all()
    return [
        SearchHit(
            "block",
            row.document_id,
            row.title,
            row.position,
            None,
            *snippet(row.text, terms),
            top[row.id],
        )
        for row in rows
    ]


def _note_hits(
    session: Session, terms: list[str], document_id: int | None, limit: int
) -> list[SearchHit]:
    top = _top_matches(session, "search_notes", "annotations", terms, document_id, limit)
    rows = session.execute(
        select(
            AnnotationRow.id,
            AnnotationRow.uuid,
            AnnotationRow.document_id,
            DocumentRow.shown_title.label("title"),
            AnnotationRow.block_index,
            AnnotationRow.note,
            func.coalesce(AnnotationRow.translation_exact, AnnotationRow.exact).label("quote"),
        )
        .join(DocumentRow, DocumentRow.id == AnnotationRow.document_id)
        .where(AnnotationRow.id.in_(top))
    ).all()
    hits = []
    for row in rows:
        shown = row.note if _matches(row.note, terms) else row.quote
        hits.append(
            SearchHit(
                "note",
                row.document_id,
                row.title,
                row.block_index,
                row.uuid,
                *snippet(shown, terms),
                top[row.id],
            )
        )
    return hits


def snippet(original: str, terms: list[str]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A window of `original` around its first match, and the matched spans inside it."""
    spans = _match_spans(original, terms)
    if not spans:
        return _clip(original, 0, min(len(original), SNIPPET_CHARS)), ()
    first = spans[0][0]
    start = max(0, first - SNIPPET_CHARS // 3)
    if start > 0:
        space = original.rfind(" ", 0, start + 1)
        start = space + 1 if space >= first - SNIPPET_CHARS // 2 else start
    end = min(len(original), start + SNIPPET_CHARS)
    if end < len(original):
        space = original.find(" ", end)
        end = space if 0 <= space - end < 20 else end
    prefix = "…" if start > 0 else ""
    shift = len(prefix) - start
    inside = tuple((s + shift, e + shift) for s, e in spans if s >= start and e <= end)
    return _clip(original, start, end), inside


def _clip(original: str, start: int, end: int) -> str:
    return ("…" if start > 0 else "") + original[start:end] + ("…" if end < len(original) else "")


def _match_spans(original: str, terms: list[str]) -> list[tuple[int, int]]:
    """Spans of words starting with a term, found in the folded text (same offsets)."""
    alternatives = "|".join(re.escape(term) for term in sorted(set(terms), key=len, reverse=True))
    pattern = re.compile(rf"(?<![^\W_])(?:{alternatives})[^\W_]*")
    return [match.span() for match in pattern.finditer(fold(original))]


def _matches(value: str, terms: list[str]) -> bool:
    words = _TOKEN.findall(fold(value))
    return any(word.startswith(term) for term in terms for word in words)


_CHUNK = 500


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i : i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


def _placeholders(chunk: list[int]) -> str:
    return ", ".join(f":p{i}" for i in range(len(chunk)))


def _params(chunk: list[int]) -> dict[str, int]:
    return {f"p{i}": value for i, value in enumerate(chunk)}
