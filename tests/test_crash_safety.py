"""Crash safety: a process writing notes is killed with SIGKILL at random moments; every note it
reported committed is there, whole, and the library opens and passes SQLite's integrity checks.
See `tests/crash_support.py` for what each trial checks; `bench/soak_crash.py` runs many more."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.crash_support import (
    REPO,
    SAMPLE,
    Expected,
    WriterServer,
    check_library,
    prepare_library,
    run_trial,
    writer_env,
)

TRIALS = 52  # in two libraries written to in parallel: the 2 cores stay busy
SEED = 20261127


def _trials_on_one_library(home: Path, count: int, seed: int):
    document_id = prepare_library(home)
    rng = random.Random(seed)
    expected = Expected()
    server = WriterServer(home)
    try:
        return [run_trial(server, home, document_id, rng, expected) for _ in range(count)]
    finally:
        server.close()


def test_notes_survive_sigkill_at_random_moments(tmp_path: Path) -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(
            pool.map(
                _trials_on_one_library,
                [tmp_path / "a", tmp_path / "b"],
                [TRIALS // 2, TRIALS - TRIALS // 2],
                [SEED, SEED + 1],
            )
        )
    results = [result for run in runs for result in run]
    problems = [f"trial {i}: {p}" for i, r in enumerate(results) for p in r.problems]
    assert problems == []
    assert len(results) >= 50
    # The kills must land among writes, not before any: most trials acknowledged something,
    # and the libraries ended up holding many notes.
    assert sum(result.acknowledged > 0 for result in results) >= 0.8 * len(results)
    assert min(run[-1].annotations for run in runs) >= 100


KILL_DURING_FIRST_OPEN = r"""
from reader.core.storage import open_database
open_database()
print("opened", flush=True)
"""


def test_kill_during_first_open_and_migration_leaves_a_library_that_opens(tmp_path: Path) -> None:
    """Killed while the schema is being created (all migrations run in one transaction): the
    next start finds either no schema or the whole schema, and completes it."""
    rng = random.Random(SEED)
    for trial in range(6):
        home = tmp_path / f"fresh-{trial}"
        home.mkdir()
        process = subprocess.Popen(
            [sys.executable, "-c", KILL_DURING_FIRST_OPEN],
            env=writer_env(home),
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        time.sleep(rng.uniform(0.3, 1.2))  # imports take about 1 s: kills land around the open
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.communicate(timeout=30)
        problems, _ = check_library_after_open(home)
        assert problems == [], f"trial {trial}"


def check_library_after_open(home: Path) -> tuple[list[str], int]:
    from reader.core.storage import open_database

    open_database(home / "library.sqlite3").close()
    return check_library(home, Expected())


def test_document_import_killed_midway_is_all_or_nothing(tmp_path: Path) -> None:
    """An import killed inside its transaction (its document row written, its blocks not yet)
    leaves no document without its blocks: the next open finds the library as before."""
    home = tmp_path / "home"
    prepare_library(home)
    with sqlite3.connect(home / "library.sqlite3") as connection:
        before = connection.execute(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM blocks)"
        ).fetchone()
    script = (
        "import sys, time\n"
        "from sqlalchemy import event\n"
        "from sqlalchemy.orm import Session\n"
        "from reader.core.library import add_document\n"
        "from reader.core.storage import open_database\n"
        "@event.listens_for(Session, 'after_flush')\n"
        "def pause(session, context):\n"
        "    print('flushed', flush=True); time.sleep(5)\n"
        "print(add_document(open_database(), sys.argv[1]).document_id, flush=True)\n"
    )
    big = tmp_path / "big.vi.txt"
    sample = SAMPLE.read_text(encoding="utf-8")
    big.write_text("\n\n".join(f"Phần {i}.\n\n{sample}" for i in range(3)), encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-c", script, str(big)],
        env=writer_env(home),
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == "flushed"  # inside the open transaction
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)
    problems, _ = check_library_after_open(home)
    assert problems == []
    with sqlite3.connect(home / "library.sqlite3") as connection:
        after = connection.execute(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM blocks)"
        ).fetchone()
        empty = connection.execute(
            "SELECT count(*) FROM documents d WHERE NOT EXISTS "
            "(SELECT 1 FROM blocks b WHERE b.document_id = d.id)"
        ).fetchone()[0]
    assert after == before and empty == 0
