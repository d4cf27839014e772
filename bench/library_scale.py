"""Library listing with translation progress at scale (a script, not a test).

Builds a fresh library in a temporary BIREADER_HOME: a tiny vi→en model package installed (only
its route key matters, nothing is translated), then N documents imported through the real
`add_document` (BLOCKS_PER_DOCUMENT paragraphs of SENTENCES_PER_BLOCK sentences drawn from a
shared pool, so documents share sentences as real ones do), all set to vi→en, and about half of
the pool in the translation cache plus a few user edits. Then it times what the window's library
refresh runs in its worker, `list_documents_with_progress`, best and median of REPEATS, and prints
`library_rows_seconds=<best>` last.

Run from the repo root: `.venv/bin/python bench/library_scale.py [--documents N]
[--blocks N]`
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

BLOCKS_PER_DOCUMENT = 40
SENTENCES_PER_BLOCK = 4
POOL_SENTENCES = 20_000
CACHED_FRACTION = 0.5
EDITS_PER_DOCUMENT = 3
REPEATS = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--blocks", type=int, default=BLOCKS_PER_DOCUMENT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bireader-bench-") as home:
        os.environ["BIREADER_HOME"] = home
        run(Path(home), args.documents, args.blocks)


def run(home: Path, documents: int, blocks: int) -> None:
    from reader.app.context import AppContext
    from reader.core.library import list_documents_with_progress
    from reader.core.translate.packages import install_package_file
    from tests.argos_fixture import build_argos_package

    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    install_package_file(build_argos_package(home / "package", "vi", "en"))
    context = AppContext()
    started = time.perf_counter()
    sentences = _build_library(context, home / "files", documents, blocks)
    print(
        f"imported {documents} documents, {sentences} sentences "
        f"in {time.perf_counter() - started:.1f} s"
    )
    rows = list_documents_with_progress(context.database(), context.service())
    done = sum(row.translated or 0 for row in rows)
    print(f"progress: {done} of {sum(row.sentences for row in rows)} sentences translated")
    times, cpu = [], []
    for _ in range(REPEATS):
        started, cpu_started = time.perf_counter(), time.process_time()
        list_documents_with_progress(context.database(), context.service())
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    print(
        f"list_documents_with_progress ({documents} documents): best {min(times):.3f} s, "
        f"median {statistics.median(times):.3f} s, CPU best {min(cpu):.3f} s"
    )
    print(f"library_rows_seconds={min(times):.3f}")
    context.close()


def _build_library(context, folder: Path, documents: int, blocks: int) -> int:
    from reader.core.library import add_document, mark_opened
    from reader.core.paths import sample_document
    from reader.core.translate import cache
    from reader.core.translate.service import decoding_options

    rng = random.Random(2024)
    words = sample_document().read_text(encoding="utf-8").split()
    pool = [_sentence(rng, words) for _ in range(POOL_SENTENCES)]
    folder.mkdir()
    database, service = context.database(), context.service()
    total = 0
    for number in range(documents):
        path = folder / f"van-ban-{number}.txt"
        paragraphs = (
            " ".join(rng.choice(pool) for _ in range(SENTENCES_PER_BLOCK)) for _ in range(blocks)
        )
        path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
        result = add_document(database, path, language="vi")
        mark_opened(database, result.document_id, target_language="en")
        document = result.document
        total += document.sentence_count
        with database.session() as session:
            for block in rng.sample(document.blocks, min(EDITS_PER_DOCUMENT, len(document.blocks))):
                sentence = block.sentences[0]
                key = cache.EditKey(
                    document.content_hash,
                    "en",
                    block.index,
                    sentence.index,
                    cache.source_hash(sentence.text),
                )
                cache.save_edit(session, key, "bản dịch của tôi")
    route = service.route("vi", "en")
    cached = {cache.source_hash(s): "translation" for s in pool if rng.random() < CACHED_FRACTION}
    items = list(cached.items())
    with database.session() as session:
        for start in range(0, len(items), 2000):
            cache.store(
                session,
                route.key,
                decoding_options(service.beam_size),
                dict(items[start : start + 2000]),
            )
    return total


def _sentence(rng: random.Random, words: list[str]) -> str:
    sentence = " ".join(rng.choice(words) for _ in range(rng.randint(8, 24)))
    return sentence[0].upper() + sentence[1:].rstrip(".,;:!?") + "."


if __name__ == "__main__":
    main()
