"""Crash soak: many more SIGKILL trials than the test suite's (tests/test_crash_safety.py), on
libraries that grow across trials. Each trial forks a process that adds and edits annotations in
a loop, kills it at a random moment, then checks that every acknowledged note is there and whole,
that SQLite and FTS5 integrity checks pass, and that the library opens (see
tests/crash_support.py for the exact checks).

Run: `.venv/bin/python bench/soak_crash.py [--trials N] [--libraries K] [--max-ms MS] [--seed S]`
Prints trials run, operations acknowledged, notes in the libraries, and every problem found.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.crash_support import (  # noqa: E402  (after the path is set)
    Expected,
    TrialResult,
    WriterServer,
    prepare_library,
    run_trial,
)


def soak(home: Path, trials: int, seed: int, min_ms: int, max_ms: int) -> list[TrialResult]:
    document_id = prepare_library(home)
    rng = random.Random(seed)
    expected = Expected()
    server = WriterServer(home)
    results = []
    try:
        for _ in range(trials):
            results.append(
                run_trial(server, home, document_id, rng, expected, min_ms=min_ms, max_ms=max_ms)
            )
    finally:
        server.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=500)
    parser.add_argument("--libraries", type=int, default=2, help="written to in parallel")
    parser.add_argument("--min-ms", type=int, default=5)
    parser.add_argument("--max-ms", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bireader-soak-"))
    per_library = [args.trials // args.libraries] * args.libraries
    per_library[0] += args.trials - sum(per_library)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.libraries) as pool:
        runs = list(
            pool.map(
                lambda i: soak(
                    root / f"library-{i}", per_library[i], args.seed + i, args.min_ms, args.max_ms
                ),
                range(args.libraries),
            )
        )
    seconds = time.monotonic() - started
    results = [result for run in runs for result in run]
    problems = [(i, p) for i, r in enumerate(results) for p in r.problems]
    acknowledged = [result.acknowledged for result in results]
    print(f"seed {args.seed}; libraries in {root}")
    print(f"trials:                  {len(results)} in {seconds:.0f} s")
    print(f"kill delay:              {args.min_ms}-{args.max_ms} ms after the writer is ready")
    print(
        f"operations acknowledged: {sum(acknowledged)} "
        f"(median {statistics.median(acknowledged):.0f} per trial)"
    )
    print(f"trials with no ack:      {sum(a == 0 for a in acknowledged)}")
    print(f"notes in the libraries:  {[run[-1].annotations for run in runs if run]}")
    print(f"problems:                {len(problems)}")
    for trial, problem in problems[:50]:
        print(f"  trial {trial}: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
