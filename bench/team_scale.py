"""A team on one library: 8 clients at once, each writing 500 notes and searching 200 times
(a script, not a test), against PostgreSQL and against a SQLite file for comparison.

Each client is its own process with its own connection(s), as colleagues' apps are. They share
one document (the sample); client c writes notes "client c note i" in its own order, and every
fifth write is followed by two searches (one for a word of the document, one for a note word, so
each search also indexes what the others just wrote). Afterwards the library must hold exactly
clients x writes notes, each once, each found by search: 0 lost, 0 duplicated.

Printed per engine: wall time, writes/s (all clients), p50/p95 latency of a write and of a
search, lost and duplicated notes. The PostgreSQL server is a throw-away cluster started here
(tests/support/postgres.py), unless --url names one (it must be an empty database).

Run from the repo root: `.venv/bin/python bench/team_scale.py [--clients 8] [--writes 500]`
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

SAMPLE = REPO / "resources" / "samples" / "bvctnb-2023.vi.txt"
SEARCHES_PER_FIVE_WRITES = 2  # 500 writes → 200 searches


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--writes", type=int, default=500)
    parser.add_argument("--url", help="an empty PostgreSQL database (default: a temporary server)")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(
        f"{args.clients} clients x {args.writes} note writes and "
        f"{args.writes * SEARCHES_PER_FIVE_WRITES // 5} searches each\n"
    )
    with tempfile.TemporaryDirectory(prefix="bireader-team-") as home:
        os.environ["BIREADER_HOME"] = home
        if args.url:
            report("PostgreSQL", args.url, args.clients, args.writes)
        else:
            with temporary_server() as url:
                report("PostgreSQL", url, args.clients, args.writes)
        report("SQLite", str(Path(home) / "library.sqlite3"), args.clients, args.writes)


class temporary_server:
    """A PostgreSQL cluster of its own for the run, as the test suite starts one."""

    def __enter__(self) -> str:
        from tests.support.postgres import server_binaries, start_server

        self.binaries = server_binaries()
        self.folder = Path(tempfile.mkdtemp(prefix="bireader-pg-"))
        server = start_server(self.binaries, self.folder)
        server.execute("CREATE DATABASE team")
        return server.url("team")

    def __exit__(self, *exc) -> None:
        import shutil

        from tests.support.postgres import stop_server

        stop_server(self.binaries, self.folder)
        shutil.rmtree(self.folder, ignore_errors=True)


def report(engine: str, location: str, clients: int, writes: int) -> None:
    document_id = prepare(location)
    with multiprocessing.get_context("spawn").Pool(clients) as pool:
        results = pool.starmap(client, [(location, document_id, c, writes) for c in range(clients)])
    # from the first client's first write to the last one's end (not the processes' start-up)
    wall = max(result[3] for result in results) - min(result[2] for result in results)
    write_times = [t for result in results for t in result[0]]
    search_times = [t for result in results for t in result[1]]
    lost, duplicated, unfound = check(location, clients, writes)
    print(f"{engine}: {wall:.1f} s, {len(write_times) / wall:.0f} writes/s (searching meanwhile)")
    for name, times in (("write ", write_times), ("search", search_times)):
        print(f"  {name} p50 {percentile(times, 50):6.1f} ms  p95 {percentile(times, 95):6.1f} ms")
    print(f"  notes lost {lost}, duplicated {duplicated}, not found by search {unfound}\n")


def prepare(location: str) -> int:
    from reader.core.library import add_document
    from reader.core.notes.search import search
    from reader.core.notes.service import annotate_quote
    from reader.core.storage.db import library_url, open_database

    database = open_database(library_url(location))
    document_id = add_document(database, SAMPLE).document_id
    annotate_quote(database, document_id, "cản bộ", note="seed")  # the clients' anchor
    search(database, "dang")  # the document indexed before the clients start
    database.close()
    return document_id


def client(location: str, document_id: int, number: int, writes: int) -> tuple:
    """(write latencies ms, search latencies ms, start, end) of one colleague's session."""
    from reader.core.notes.search import search
    from reader.core.notes.service import add_annotation, list_annotations
    from reader.core.storage.db import library_url, open_database

    database = open_database(library_url(location))
    anchor = list_annotations(database, document_id)[0].anchor  # the seed note's quote
    # a word of the document, and one of the notes the clients are writing
    queries = ("dang vien", f"client{number} ghichu")[:SEARCHES_PER_FIVE_WRITES]
    write_times, search_times = [], []
    begun = time.time()
    for i in range(writes):
        started = time.perf_counter()
        add_annotation(database, document_id, anchor, note=f"client{number} note{i} ghichu")
        write_times.append((time.perf_counter() - started) * 1000)
        if i % 5 < len(queries):
            started = time.perf_counter()
            search(database, queries[i % 5], limit=20)
            search_times.append((time.perf_counter() - started) * 1000)
    ended = time.time()
    database.close()
    return write_times, search_times, begun, ended


def check(location: str, clients: int, writes: int) -> tuple[int, int, int]:
    from collections import Counter

    from reader.core.notes.search import search
    from reader.core.notes.service import list_annotations
    from reader.core.storage.db import library_url, open_database

    database = open_database(library_url(location))
    counts = Counter(note.note for note in list_annotations(database) if note.note != "seed")
    wanted = {f"client{c} note{i} ghichu" for c in range(clients) for i in range(writes)}
    lost = len(wanted - counts.keys())
    duplicated = sum(n - 1 for n in counts.values() if n > 1)
    unfound = sum(
        1
        for c in range(clients)
        for i in (0, writes // 2, writes - 1)
        if not search(database, f"client{c} note{i}", include_documents=False)
    )
    database.close()
    return lost, duplicated, unfound


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100)[p - 1] if len(values) > 1 else values[0]


if __name__ == "__main__":
    main()
