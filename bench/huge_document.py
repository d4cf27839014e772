"""Time and peak memory of importing big plain-text documents, and of refusing one over the limit.

Each size runs in a fresh process (peak RSS from getrusage), on a file made of the sample
repeated; `load_document` reads the whole file (no streaming), so memory grows with the size.

Run: `.venv/bin/python bench/huge_document.py [--sizes 5 20 50]` (MiB)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "resources" / "samples" / "bvctnb-2023.vi.txt"

MEASURE = r"""
import json, resource, sys, time
started = time.monotonic()
from reader.core.documents import load_document
from reader.core.errors import ReaderError
try:
    document = load_document(sys.argv[1])
    outcome = f"{len(document.blocks)} blocks, {document.sentence_count} sentences"
except ReaderError as error:
    outcome = f"refused: {error}"
print(json.dumps({"seconds": time.monotonic() - started, "outcome": outcome,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def make_text(path: Path, mebibytes: int) -> None:
    sample = SAMPLE.read_text(encoding="utf-8")
    with path.open("w", encoding="utf-8") as stream:
        part = 0
        while stream.tell() < mebibytes * 2**20:
            stream.write(f"Phần {part}.\n\n{sample}\n\n")
            part += 1


def measure(path: Path) -> dict:
    env = {**os.environ, "BIREADER_HOME": tempfile.mkdtemp(), "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 20, 50])
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bireader-huge-"))
    print(f"{'file':>12} {'seconds':>8} {'peak RSS':>10}  outcome")
    for mebibytes in args.sizes:
        path = work / f"{mebibytes}.vi.txt"
        make_text(path, mebibytes)
        result = measure(path)
        print(
            f"{mebibytes:>8} MiB {result['seconds']:8.1f} {result['peak_mib']:7.0f} MiB  "
            f"{result['outcome']}"
        )
        path.unlink()
    sparse = work / "over-limit.txt"
    with sparse.open("wb") as stream:
        stream.truncate(201 * 2**20)
    result = measure(sparse)
    print(
        f"{'201 MiB':>12} {result['seconds']:8.1f} {result['peak_mib']:7.0f} MiB  "
        f"{result['outcome'][:60]}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
