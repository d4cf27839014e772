"""What the commands print about files and documents cannot act on the terminal or break a
message over lines: control characters, bidi overrides and undecodable bytes are escaped."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from reader.cli import main
from reader.cli.output import printable

TEXT = "Điều 1. Phạm vi điều chỉnh của nghị định này.\n"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("new\nline.txt", "new\\nline.txt"),
        ("title\x1b]0;owned\x07", "title\\x1b]0;owned\\x07"),
        ("csi\x9b31m", "csi\\x9b31m"),
        ("evil\u202etxt.exe", "evil\\u202etxt.exe"),
        (os.fsdecode(b"caf\xe9.txt"), "caf\\xe9.txt"),
        ("Nghị định số 30/2020/NĐ-CP\tĐiều 1", "Nghị định số 30/2020/NĐ-CP\\tĐiều 1"),
    ],
)
def test_printable_escapes_what_a_terminal_would_act_on(raw: str, shown: str) -> None:
    assert printable(raw) == shown
    printable(raw).encode("utf-8")  # no lone surrogate left


def test_errors_about_a_file_name_with_a_newline_stay_on_one_line(tmp_path: Path, capsys) -> None:
    assert main(["library", "add", str(tmp_path / "new\nline.txt")]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "new\\nline.txt: no such file" in error


def test_a_file_name_with_an_escape_sequence_is_listed_escaped(tmp_path: Path, capsys) -> None:
    path = tmp_path / "title\x1b]0;owned\x07.txt"
    path.write_text(TEXT, encoding="utf-8")
    assert main(["library", "add", str(path)]) == 0
    assert main(["library", "list"]) == 0
    listing = capsys.readouterr().out
    assert "\x1b" not in listing and "\x07" not in listing
    assert "title\\x1b]0;owned\\x07.txt" in listing
    assert main(["library", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["path"] == str(path)  # JSON keeps it exact


def test_an_undecodable_file_name_is_refused_in_one_line(tmp_path: Path, capsys) -> None:
    path = Path(os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9.txt"))
    path.write_text(TEXT, encoding="utf-8")
    assert main(["library", "add", str(path)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "caf\\xe9.txt: not valid UTF-8" in error
    assert main(["segment", str(path)]) == 0  # what stores nothing still reads it


def test_an_undecodable_note_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as exit:
        main(["notes", "add", "1", "--quote", "Điều", "--note", os.fsdecode(b"\xff")])
    error = capsys.readouterr().err
    assert exit.value.code == 2 and error.count("\n") == 1 and "not valid UTF-8" in error


def test_a_decoding_warning_is_one_line_on_stderr_and_the_command_succeeds(
    tmp_path: Path, capsys
) -> None:
    path = tmp_path / "decree.txt"
    before = TEXT.encode() * 5
    path.write_bytes(before + b"\xff" + TEXT.encode())
    assert main(["segment", str(path)]) == 0
    captured = capsys.readouterr()
    warning = f"bireader: warning: {path}: invalid UTF-8 at byte {len(before)} (replaced)\n"
    assert captured.err == warning
    assert captured.out.count("Điều 1.") == 6
