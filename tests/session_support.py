"""A whole `bireader` session run in one process under a socket guard (an audit hook that records
and refuses every socket that is not AF_UNIX, every connect and every name lookup). Shared by
`tests/test_no_network.py` and `tests/test_data_ownership.py`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, SAMPLE

GUARD = r"""
import json, socket, sys

EVENTS = []

def guard(event, args):
    if event == "socket.__new__" and args[1] != socket.AF_UNIX:
        EVENTS.append(f"socket(family={args[1]})")
        raise RuntimeError("network socket refused by the test guard")
    if event == "socket.connect" and args[0].family != socket.AF_UNIX:
        EVENTS.append(f"connect({args[1]!r})")
        raise RuntimeError("connect refused by the test guard")
    if event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr",
                 "urllib.Request", "http.client.connect"):
        EVENTS.append(f"{event}{args!r}")
        raise RuntimeError(f"{event} refused by the test guard")

sys.addaudithook(guard)

from reader.cli import main

commands = json.loads(sys.argv[1])
codes = []
for command in commands:
    try:
        codes.append(main(command))
    except BaseException as error:  # a refused socket surfaces here: recorded, not hidden
        codes.append(f"{type(error).__name__}: {error}")
print(json.dumps({"codes": codes, "events": EVENTS}), flush=True)
"""


def session_commands(package: Path, work: Path, hostile_page: Path) -> list[list[str]]:
    quote = "bảo vệ chính trị nội bộ"
    return [
        ["models", "install", str(package)],
        ["models", "list"],
        ["library", "add", str(SAMPLE)],
        ["library", "add", str(hostile_page)],
        ["library", "list"],
        ["segment", str(SAMPLE), "--json"],
        ["translate", str(SAMPLE), "--to", "en", "--beam", "1", "--format", "json"],
        [
            "notes",
            "add",
            "1",
            "--quote",
            quote,
            "--occurrence",
            "1",
            "--note",
            "ghi chú",
            "--tag",
            "luật",
        ],
        ["notes", "list", "--json"],
        ["search", "chinh", "tri"],
        ["notes", "export", "--format", "md", "-o", str(work / "notes.md")],
        ["export", str(SAMPLE), "--to", "en", "-o", str(work / "bilingual.html")],
        ["backup", str(work / "backup.sqlite3")],
    ]


def run_session(
    prefix: list[str], home: Path, commands: list[list[str]], **env_changes: str
) -> dict:
    """Run the CLI commands in one guarded process; its exit codes and the guard's events."""
    env = {**os.environ, "BIREADER_HOME": str(home), "PYTHONPATH": str(REPO), **env_changes}
    done = subprocess.run(
        [*prefix, sys.executable, "-c", GUARD, json.dumps(commands)],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
