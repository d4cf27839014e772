"""Annotations at scale: 100,000 annotations over 500 documents (a script, not a test).

Builds a fresh library in a temporary BIREADER_HOME with bulk inserts (documents of
BLOCKS_PER_DOCUMENT paragraphs of Vietnamese words drawn from the sample document, 200
annotations each: random spans with their real quote selectors, half with a note, a third
tagged), lets the search index catch up (timed separately: it is a one-off), then measures:

  * open: `get_document` + `list_annotations` of one document (what the window does on open),
    over OPEN_SAMPLES random documents — goal < 100 ms;
  * search: `search()` for rare and common words, text and notes — goal < 50 ms;
  * export of everything: JSON (W3C), Markdown and Anki CSV, best of 2 runs — goal < 5 s each.

Wall-clock and CPU times are both printed: on a shared machine the wall clock also counts
other processes' turns (the load average is printed first).

Run from the repo root: `.venv/bin/python bench/notes_scale.py [--documents N] [--per-document N]`
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

BLOCKS_PER_DOCUMENT = 40
SENTENCES_PER_BLOCK = 4
OPEN_SAMPLES = 30
SEARCH_REPEATS = 10
COLOURS = ("yellow", "green", "blue", "pink", "purple")
TAGS = [f"chủ đề {i}" for i in range(20)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--per-document", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bireader-bench-") as home:
        os.environ["BIREADER_HOME"] = home
        run(args.documents, args.per_document)


def run(documents: int, per_document: int) -> None:
    from reader.core.storage import open_database

    print(
        f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
        "(wall-clock figures count other processes' turns too)"
    )
    database = open_database()
    rng = random.Random(2024)
    words = _vocabulary()
    started = time.perf_counter()
    document_ids = _insert_library(database, rng, words, documents, per_document)
    print(
        f"built {documents} documents, {documents * per_document} annotations "
        f"in {time.perf_counter() - started:.1f} s"
    )
    _report_indexing(database)
    _report_open(database, rng, document_ids)
    _report_search(database)
    _report_export(database)


def _vocabulary() -> list[str]:
    from reader.core.paths import sample_document

    return sample_document().read_text(encoding="utf-8").split()


def _paragraph(rng: random.Random, words: list[str]) -> tuple[str, list[tuple[int, int]]]:
    sentences, spans, offset = [], [], 0
    for _ in range(SENTENCES_PER_BLOCK):
        sentence = " ".join(rng.choice(words) for _ in range(rng.randint(12, 30)))
        sentence = sentence[0].upper() + sentence[1:].rstrip(".,;:") + "."
        spans.append((offset, offset + len(sentence)))
        sentences.append(sentence)
        offset += len(sentence) + 1
    return " ".join(sentences), spans


def _insert_library(database, rng, words, documents: int, per_document: int) -> list[int]:
    from sqlalchemy import insert, select

    from reader.core.notes.anchoring import DocumentText
    from reader.core.notes.models import AnnotationRow, AnnotationTagRow
    from reader.core.storage.models import BlockRow, DocumentRow, SentenceRow
    from reader.core.translate.cache import source_hash

    now = datetime.now(UTC)
    with database.session() as session:
        session.execute(
            insert(DocumentRow),
            [
                {
                    "title": f"Văn bản số {n}",
                    "path": None,
                    "format": "txt",
                    "language": "vi",
                    "target_language": "en",
                    "content_hash": f"{n:064x}",
                    "added_at": now,
                    "updated_at": now,
                    "reading_block": 0,
                    "toc_json": "[]",
                }
                for n in range(documents)
            ],
        )
        document_ids = list(session.scalars(select(DocumentRow.id).order_by(DocumentRow.id)))
        texts: dict[int, list[str]] = {}
        blocks, sentence_spans = [], []
        for document_id in document_ids:
            paragraphs = [_paragraph(rng, words) for _ in range(BLOCKS_PER_DOCUMENT)]
            texts[document_id] = [text for text, _ in paragraphs]
            for position, (text, spans) in enumerate(paragraphs):
                blocks.append(
                    {
                        "document_id": document_id,
                        "position": position,
                        "kind": "paragraph",
                        "level": 0,
                        "text": text,
                    }
                )
                sentence_spans.append(spans)
        session.execute(insert(BlockRow), blocks)
        block_ids = list(session.scalars(select(BlockRow.id).order_by(BlockRow.id)))
        session.execute(
            insert(SentenceRow),
            [
                {
                    "block_id": block_id,
                    "position": i,
                    "start": start,
                    "end": end,
                    "source_hash": source_hash(block["text"][start:end]),
                }
                for block_id, block, spans in zip(block_ids, blocks, sentence_spans, strict=True)
                for i, (start, end) in enumerate(spans)
            ],
        )
        annotations, tags = [], []
        for document_id in document_ids:
            text = DocumentText(texts[document_id])
            for _ in range(per_document):
                annotations.append(_annotation(rng, words, document_id, text, now))
        session.execute(insert(AnnotationRow), annotations)
        ids = list(session.scalars(select(AnnotationRow.id).order_by(AnnotationRow.id)))
        for annotation_id in ids:
            if rng.random() < 0.33:
                for tag in rng.sample(TAGS, rng.randint(1, 3)):
                    tags.append({"annotation_id": annotation_id, "tag": tag})
        session.execute(insert(AnnotationTagRow), tags)
    return document_ids


def _annotation(rng, words, document_id: int, text, now) -> dict:
    block = rng.randrange(len(text.blocks))
    length = len(text.blocks[block])
    start = rng.randrange(length - 20)
    end = min(length, start + rng.randint(4, 80))
    anchor = text.anchor_in_block(block, start, end)
    note = (
        " ".join(rng.choice(words) for _ in range(rng.randint(3, 40))) if rng.random() < 0.5 else ""
    )
    return {
        "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "document_id": document_id,
        "side": "original",
        "status": "anchored",
        "colour": rng.choice(COLOURS),
        "note": note,
        "block_index": anchor.block_index,
        "start": anchor.start,
        "end": anchor.end,
        "doc_start": anchor.doc_start,
        "doc_end": anchor.doc_end,
        "exact": anchor.exact,
        "prefix": anchor.prefix,
        "suffix": anchor.suffix,
        "content_hash": f"{document_id - 1:064x}",
        "created_at": now,
        "updated_at": now,
    }


def _timed(action: Callable[[], object]) -> tuple[float, object]:
    """Wall-clock milliseconds (and the result); the CPU time of the same call is kept in
    `_cpu_ms`, since on a shared machine the wall clock also counts other processes' turns."""
    started, cpu_started = time.perf_counter(), time.process_time()
    result = action()
    _cpu_ms.append((time.process_time() - cpu_started) * 1000)
    return (time.perf_counter() - started) * 1000, result


_cpu_ms: list[float] = []


def _cpu_median(count: int) -> float:
    return statistics.median(_cpu_ms[-count:])


def _report_indexing(database) -> None:
    from reader.core.notes.search import sync_index

    def index() -> int:
        with database.session() as session:
            return sync_index(session)

    ms, count = _timed(index)
    print(f"search index built (one-off, {count} blocks and notes): {ms / 1000:.1f} s")


def _report_open(database, rng, document_ids) -> None:
    from reader.core.library import get_document
    from reader.core.notes.service import list_annotations

    times = []
    for document_id in rng.sample(document_ids, min(OPEN_SAMPLES, len(document_ids))):
        ms, _ = _timed(
            lambda d=document_id: (get_document(database, d), list_annotations(database, d))
        )
        times.append(ms)
    print(
        f"open document + its annotations: median {statistics.median(times):.1f} ms, "
        f"max {max(times):.1f} ms, CPU median {_cpu_median(len(times)):.1f} ms (goal < 100 ms)"
    )


def _report_search(database) -> None:
    from reader.core.notes.search import search

    queries = [
        ("viet nam", {}),
        ("dang", {}),
        ("can bo dang vien", {}),
        ("huan chuong", {}),
        ("chu de 7", {"include_documents": False}),
        ("cong tac", {"include_notes": False}),
    ]
    for query, options in queries:
        times = []
        for _ in range(SEARCH_REPEATS):
            ms, hits = _timed(lambda q=query, o=options: search(database, q, **o))
            times.append(ms)
        scope = ", ".join(f"{k}={v}" for k, v in options.items()) or "text and notes"
        print(
            f"search {query!r} ({scope}): median {statistics.median(times):.1f} ms, "
            f"max {max(times):.1f} ms, CPU median {_cpu_median(len(times)):.1f} ms, "
            f"{len(hits)} hits shown (goal < 50 ms)"
        )


def _report_export(database) -> None:
    from reader.core.notes.export import export_annotations

    for format in ("json", "md", "csv"):
        runs = [_timed(lambda f=format: export_annotations(database, f)) for _ in range(2)]
        ms = min(ms for ms, _ in runs)
        text = runs[0][1]
        print(
            f"export everything as {format}: best of 2 {ms / 1000:.2f} s "
            f"(CPU {min(_cpu_ms[-2:]) / 1000:.2f} s), {len(text) / 2**20:.1f} MiB (goal < 5 s)"
        )


if __name__ == "__main__":
    main()
