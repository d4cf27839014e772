"""Crash-safety trials shared by `tests/test_crash_safety.py` and `bench/soak_crash.py`.

A trial starts a real writer process (`python -c WRITER`) that adds and edits annotations in a
loop through the notes service, printing what it is about to do (`intent`) and, only after the
commit returned, that it did it (`ok`). The trial kills it with SIGKILL at a random moment,
then checks the library:

- SQLite: `PRAGMA integrity_check` is ok, `PRAGMA foreign_key_check` finds nothing, the FTS5
  tables pass their own integrity check, and the database opens through `open_database`;
- nothing lost: every annotation whose `ok` was printed is there with the note and tags printed;
- nothing partial: every annotation in the database is one the writer acknowledged (or the single
  one it was writing when killed), whole: its tags are exactly one of the acknowledged (or the
  intended) tag sets, its anchor quote is the document text at its offsets;
- search index in step: every annotation is either indexed with its current note and tags or
  queued in `search_pending`, and no index row belongs to a missing annotation.

WAL with synchronous=NORMAL may lose the last transactions on *power* loss, never on a process
crash: what SIGKILL tests is exactly what the app promises.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "resources" / "samples" / "bvctnb-2023.vi.txt"
TAGS = ("vocab", "grammar", "law", "follow-up", "số liệu", "q")

# A fork server: imports once, then forks one writer process per trial (a fresh `python -c` per
# trial spends a second importing, which would make 50 trials too slow for the suite).
WRITER = r"""
import json, os, random, sys
from reader.core.library import get_document
from reader.core.notes.anchoring import DocumentText
from reader.core.notes.search import search
from reader.core.notes.service import add_annotation, update_annotation
from reader.core.storage import open_database

def say(**event):
    print(json.dumps(event, ensure_ascii=False), flush=True)

def write_notes(document_id, seed, tags):
    rng = random.Random(seed)
    database = open_database()
    text = DocumentText.of(get_document(database, document_id))
    say(event="ready")
    added = []
    for i in range(1_000_000):
        token = f"t{seed}x{i}"
        note = f"ghi chú {token} " + "Việt " * rng.randrange(0, 30)
        chosen = sorted(rng.sample(tags, rng.randrange(0, 4)))
        if added and rng.random() < 0.3:
            uuid = rng.choice(added)
            say(event="intent", op="update", uuid=uuid, note=note, tags=chosen)
            update_annotation(database, uuid, note=note, tags=chosen)
            say(event="ok")
        else:
            block = rng.randrange(len(text.blocks))
            length = len(text.blocks[block])
            start = rng.randrange(length)
            end = rng.randrange(start + 1, length + 1)
            anchor = text.anchor_in_block(block, start, end)
            say(event="intent", op="add", note=note, tags=chosen)
            annotation = add_annotation(database, document_id, anchor, note=note, tags=chosen)
            added.append(annotation.uuid)
            say(event="ok", uuid=annotation.uuid)
        if i % 7 == 6:
            search(database, token)  # folds and indexes the queued rows: FTS writes too

tags = json.loads(sys.argv[1])
say(event="server")
for line in sys.stdin:
    document_id, seed = map(int, line.split())
    child = os.fork()
    if child == 0:
        try:
            write_notes(document_id, seed, tags)
        finally:
            os._exit(1)
    say(event="child", pid=child)
    os.waitpid(child, 0)
    say(event="ended")
"""


@dataclass
class Expected:
    """What the writer acknowledged, and what it may have committed without saying so."""

    states: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)  # uuid → state
    pending_update: tuple[str, tuple[str, tuple[str, ...]]] | None = None
    pending_add: tuple[str, tuple[str, ...]] | None = None
    acknowledged_ops: int = 0


def parse_events(stdout: str) -> Expected:
    expected = Expected()
    intent = None
    for line in stdout.splitlines(keepends=True):
        if not line.endswith("\n"):
            break  # a line cut by the kill was never fully said
        event = json.loads(line)
        if event["event"] == "intent":
            intent = event
        elif event["event"] == "ok":
            assert intent is not None
            state = (intent["note"], tuple(intent["tags"]))
            uuid = event.get("uuid") or intent["uuid"]
            expected.states[uuid] = state
            expected.acknowledged_ops += 1
            intent = None
    if intent is not None:
        state = (intent["note"], tuple(intent["tags"]))
        if intent["op"] == "add":
            expected.pending_add = state
        else:
            expected.pending_update = (intent["uuid"], state)
    return expected


def prepare_library(home: Path) -> int:
    """A data directory holding one document (the first part of the sample); its id."""
    home.mkdir(parents=True, exist_ok=True)
    document = home / "doc.vi.txt"
    text = SAMPLE.read_text(encoding="utf-8")
    document.write_text(text[:12_000], encoding="utf-8")
    script = (
        "import sys; from reader.core.library import add_document;"
        "from reader.core.storage import open_database;"
        "print(add_document(open_database(), sys.argv[1]).document_id)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(document)],
        env=writer_env(home),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return int(done.stdout.strip())


def writer_env(home: Path) -> dict[str, str]:
    return {**os.environ, "BIREADER_HOME": str(home), "PYTHONPATH": str(REPO)}


@dataclass
class TrialResult:
    delay_ms: int
    acknowledged: int  # operations acknowledged during this trial
    annotations: int  # annotations in the library after it
    problems: list[str]


class WriterServer:
    """The fork server for one data directory; `trial()` forks a writer and kills it."""

    def __init__(self, home: Path):
        self.errors = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (closed in close())
        self.process = subprocess.Popen(
            [sys.executable, "-c", WRITER, json.dumps(TAGS)],
            env=writer_env(home),
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
            text=True,
            encoding="utf-8",
        )
        first = self.process.stdout.readline()
        if '"server"' not in first:
            raise RuntimeError(f"writer server did not start: {first!r} {self.stderr()}")

    def stderr(self) -> str:
        self.errors.seek(0)
        return self.errors.read()[-2000:]

    def trial(self, document_id: int, seed: int, delay_ms: int) -> tuple[str, bool]:
        """Fork a writer, SIGKILL it `delay_ms` after it is ready; (its output, killed?)."""
        self.process.stdin.write(f"{document_id} {seed}\n")
        self.process.stdin.flush()
        lines, pid, ready = [], None, False
        while pid is None or not ready:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError(f"writer server died: {self.stderr()}")
            event = json.loads(line)
            if event["event"] == "child":
                pid = event["pid"]
            elif event["event"] == "ready":
                ready = True
            elif event["event"] == "ended":
                return "".join(lines), False
            else:
                lines.append(line)
        time.sleep(delay_ms / 1000)
        os.kill(pid, signal.SIGKILL)
        for line in self.process.stdout:
            # The kill may cut a line short: the server's "ended" then follows it on one line.
            cut_short, ended, _ = line.partition('{"event": "ended"}')
            if ended:
                lines.append(cut_short)  # no newline: parse_events drops it as never said
                return "".join(lines), True
            lines.append(line)
        raise RuntimeError(f"writer server died: {self.stderr()}")

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)
        self.errors.close()


def run_trial(
    server: WriterServer,
    home: Path,
    document_id: int,
    rng: random.Random,
    expected: Expected,
    *,
    min_ms: int = 50,
    max_ms: int = 400,
) -> TrialResult:
    """Kill a writer `min_ms`-`max_ms` after it is ready, then check the library.

    `expected` carries the acknowledged state across trials on the same library and is updated.
    """
    delay_ms = rng.randint(min_ms, max_ms)
    stdout, killed = server.trial(document_id, rng.randrange(10**9), delay_ms)
    if not killed:
        return TrialResult(delay_ms, 0, 0, [f"writer ended by itself: {server.stderr()}"])
    trial = parse_events(stdout)
    expected.states.update(trial.states)
    expected.pending_add, expected.pending_update = trial.pending_add, trial.pending_update
    problems, count = check_library(home, expected)
    settle_pending(home, expected)
    return TrialResult(delay_ms, trial.acknowledged_ops, count, problems)


def check_library(home: Path, expected: Expected) -> tuple[list[str], int]:
    database_file = home / "library.sqlite3"
    problems = sqlite_checks(database_file)
    rows, tags, indexed, pending = _read_state(database_file)
    problems += _check_annotations(rows, tags, expected)
    problems += _check_search_index(rows, tags, indexed, pending)
    problems += _check_anchors(database_file, rows)
    problems += _opens(home)
    return problems, len(rows)


def sqlite_checks(database_file: Path) -> list[str]:
    problems = []
    with sqlite3.connect(database_file) as connection:
        result = connection.execute("PRAGMA integrity_check").fetchall()
        if result != [("ok",)]:
            problems.append(f"integrity_check: {result}")
        if connection.execute("PRAGMA foreign_key_check").fetchall():
            problems.append("foreign_key_check found dangling rows")
        for table in ("search_notes", "search_blocks"):
            try:
                connection.execute(f"INSERT INTO {table}({table}) VALUES('integrity-check')")
            except sqlite3.DatabaseError as error:
                problems.append(f"{table} FTS integrity-check: {error}")
    return problems


def _read_state(database_file: Path):
    with sqlite3.connect(database_file) as connection:
        rows = {
            row[0]: row
            for row in connection.execute(
                "SELECT uuid, id, note, exact, doc_start, doc_end, document_id FROM annotations"
            )
        }
        tags: dict[int, list[str]] = {}
        for annotation_id, tag in connection.execute(
            "SELECT annotation_id, tag FROM annotation_tags ORDER BY tag"
        ):
            tags.setdefault(annotation_id, []).append(tag)
        indexed = {
            row[0]: (row[1], row[2])
            for row in connection.execute("SELECT rowid, note, tags FROM search_notes")
        }
        pending = {
            row[0]
            for row in connection.execute("SELECT item_id FROM search_pending WHERE kind = 'note'")
        }
    return rows, tags, indexed, pending


def _check_annotations(rows: dict, tags: dict, expected: Expected) -> list[str]:
    problems = []
    for uuid, state in expected.states.items():
        allowed = {state}
        if expected.pending_update and expected.pending_update[0] == uuid:
            allowed.add(expected.pending_update[1])
        row = rows.get(uuid)
        if row is None:
            problems.append(f"acknowledged annotation {uuid} is lost")
            continue
        found = (row[2], tuple(tags.get(row[1], ())))
        if found not in allowed:
            problems.append(f"annotation {uuid} is {found}, expected one of {allowed}")
    extra = [uuid for uuid in rows if uuid not in expected.states]
    if len(extra) > 1 or (extra and expected.pending_add is None):
        problems.append(f"annotations nobody acknowledged: {extra}")
    for uuid in extra:
        found = (rows[uuid][2], tuple(tags.get(rows[uuid][1], ())))
        if found != expected.pending_add:
            problems.append(f"half-written annotation {uuid}: {found} != {expected.pending_add}")
    return problems


def _check_search_index(rows: dict, tags: dict, indexed: dict, pending: set) -> list[str]:
    from reader.core.notes.search import fold

    problems = []
    ids = {row[1] for row in rows.values()}
    if set(indexed) - ids:
        problems.append(f"search rows for missing annotations: {sorted(set(indexed) - ids)}")
    for row in rows.values():
        annotation_id = row[1]
        if annotation_id in pending:
            continue
        want = (fold(row[2]), fold(" ".join(tags.get(annotation_id, ()))))
        if indexed.get(annotation_id) != want:
            problems.append(f"annotation {row[0]} neither indexed as it is nor queued")
    return problems


def _check_anchors(database_file: Path, rows: dict) -> list[str]:
    from reader.core.notes.anchoring import BLOCK_SEPARATOR

    with sqlite3.connect(database_file) as connection:
        texts: dict[int, str] = {}
        for document_id, text in connection.execute(
            "SELECT document_id, text FROM blocks ORDER BY document_id, position"
        ):
            texts[document_id] = (
                texts[document_id] + BLOCK_SEPARATOR + text if document_id in texts else text
            )
    return [
        f"annotation {uuid}: quote differs from the text at its offsets"
        for uuid, (_, _, _, exact, start, end, document_id) in rows.items()
        if texts.get(document_id, "")[start:end] != exact
    ]


def _opens(home: Path) -> list[str]:
    """The app itself opens the library (running migrations' checks) and lists the notes."""
    from reader.core.notes.service import list_annotations
    from reader.core.storage import open_database

    try:
        database = open_database(home / "library.sqlite3")
        try:
            list_annotations(database)
        finally:
            database.close()
    except Exception as error:  # any failure to open is the finding
        return [f"the library does not open after the crash: {error!r}"]
    return []


def settle_pending(home: Path, expected: Expected) -> None:
    """Fold the unacknowledged last operation (if it was committed) into what is expected."""
    with sqlite3.connect(home / "library.sqlite3") as connection:
        rows = {
            uuid: (note, annotation_id)
            for uuid, note, annotation_id in connection.execute(
                "SELECT uuid, note, id FROM annotations"
            )
        }
        tags: dict[int, list[str]] = {}
        for annotation_id, tag in connection.execute(
            "SELECT annotation_id, tag FROM annotation_tags ORDER BY tag"
        ):
            tags.setdefault(annotation_id, []).append(tag)
    for uuid, (note, annotation_id) in rows.items():
        expected.states[uuid] = (note, tuple(tags.get(annotation_id, ())))
    expected.pending_add = expected.pending_update = None
