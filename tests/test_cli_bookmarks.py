"""`bireader bookmarks list|add|rename|remove`: output, JSON, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.cli import main


def run(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def document_id(capsys, sample_copy: Path) -> str:
    code, out, _ = run(capsys, "library", "add", str(sample_copy))
    assert code == 0
    return out.strip()


def test_add_at_a_quote_or_where_reading_stopped_then_list_rename_remove(
    capsys, document_id
) -> None:
    code, out, _ = run(capsys, "bookmarks", "add", document_id, "--quote", "cản bộ", "--json")
    assert code == 0
    at_quote = json.loads(out)
    assert "cản bộ" in at_quote["exact"] and at_quote["status"] == "anchored"
    code, out, _ = run(capsys, "bookmarks", "add", document_id, "--label", "đầu")
    assert code == 0
    at_start = out.strip()
    code, out, _ = run(capsys, "bookmarks", "list", "--document", document_id)
    lines = out.splitlines()
    assert lines[0].startswith(at_start) and "¶1  đầu" in lines[0]
    assert lines[1].startswith(at_quote["uuid"])
    code, out, _ = run(capsys, "bookmarks", "rename", at_start, "Mở đầu")
    assert code == 0 and "Mở đầu" in out
    code, out, _ = run(capsys, "bookmarks", "remove", at_quote["uuid"])
    assert code == 0
    code, out, _ = run(capsys, "bookmarks", "list", "--json")
    assert [b["label"] for b in json.loads(out)] == ["Mở đầu"]


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["remove", "nope"], "no bookmark nope"),
        (["add", "99"], "no document with id 99"),
        (["add", "1", "--quote", "zzz không có"], "zzz"),
    ],
)
def test_errors_are_one_line_and_exit_2(capsys, document_id, arguments, message) -> None:
    code, out, err = run(capsys, "bookmarks", *arguments)
    assert code == 2 and not out
    assert message in err and len(err.strip().splitlines()) == 1
