"""Every `bireader` command, discovered from the argument parser (a new command is covered
without editing this file), run where the data folder cannot be used: each ends with exit
code 2 and one line on stderr, or 0 if it needs no data folder, never with a traceback.

Tests run as root, and root ignores permission bits: the unwritable folder is tried in a child
process without the capabilities that let root pass them (setpriv), or as the user itself
when not root. A read-only file system cannot be mounted here; the full-disk case is in
bench/environment_faults.py (it mounts a tiny tmpfs)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.cli import build_parser, main
from reader.cli.options import positive_integer

REPO = Path(__file__).resolve().parents[1]
# Commands that read a file and print, storing nothing: they work without a data folder.
NEEDS_NO_DATA_FOLDER = {"segment"}
# The files `command_line` names as the document to read (`open`'s is missing: no window starts).
INPUT_FILES = ("document.txt", "missing.txt")
WITHOUT_ROOT_PRIVILEGES = ("setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--")


def leaf_commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> Iterator:
    """(words, parser) of every command that runs something: `library add`, `segment`..."""
    subcommands = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subcommands:
        yield prefix, parser
        return
    for name, subparser in subcommands[0].choices.items():
        yield from leaf_commands(subparser, (*prefix, name))


def command_line(words: tuple[str, ...], parser: argparse.ArgumentParser, folder: Path) -> list:
    """The command with a plausible value for each argument it requires."""
    document = folder / "document.txt"
    document.write_text("Điều 1. Phạm vi điều chỉnh của nghị định này.\n", encoding="utf-8")
    values = {
        "file": str(document),
        "out": str(folder / "backup.sqlite3"),
        "backup": str(folder / "missing-backup.sqlite3"),
        "output": str(folder / "out.html"),
        "model": str(folder / "missing.argosmodel"),
        "code": "vi_en",
        "uuid": "00000000-0000-4000-8000-000000000000",
        "url": "http://127.0.0.1:9",  # nothing listens: the data folder must fail first
        "from_code": "vi",
        "to_code": "en",
    }
    argv = list(words)
    for action in parser._actions:
        positional = not action.option_strings
        if not (positional and action.nargs != "?") and not action.required:
            continue
        if isinstance(action, argparse._HelpAction):
            continue
        if action.choices:
            value = next(iter(action.choices))
        elif action.type is positive_integer:
            value = "1"
        else:
            value = values.get(action.dest, "x")
        argv += [value] if positional else [action.option_strings[0], value]
    if words == ("open",):
        argv.append(str(folder / "missing.txt"))  # refused before the window would start
    if words == ("glossary", "import"):  # a well-formed file: the data folder is what fails
        glossary = folder / "glossary.csv"
        glossary.write_text(
            "source,target,from,to,keep,case_sensitive,accent_sensitive\n", encoding="utf-8"
        )
        argv[argv.index(str(document))] = str(glossary)
    if words == ("servers", "use"):
        argv += ["x", "--fallback"]  # a server for what no local model translates
    if words == ("glossary", "add"):
        argv.append("--keep")  # a term needs its translation, or to be kept as it is
    return argv


def every_command_line(folder: Path) -> list[tuple[str, list[str]]]:
    """(command's name, its command line) of every command."""
    return [
        (" ".join(words), command_line(words, parser, folder))
        for words, parser in leaf_commands(build_parser())
    ]


def run(argv: list[str], capsys) -> tuple[int, str]:
    try:
        code = main(argv)
    except SystemExit as exit:  # argparse's own exits
        code = exit.code
    return code, capsys.readouterr().err


def assert_one_clear_line(command: str, argv: list[str], code: int, stderr: str) -> None:
    assert code == (0 if command in NEEDS_NO_DATA_FOLDER else 2), (argv, stderr)
    assert "Traceback" not in stderr, (argv, stderr)
    if code == 2:
        assert len(stderr.strip().splitlines()) == 1, (argv, stderr)


def test_every_command_is_found(tmp_path: Path) -> None:
    found = {command for command, _ in every_command_line(tmp_path)}
    assert {"segment", "library add", "notes export", "models available", "restore"} <= found
    assert len(found) >= 20


@pytest.fixture(params=["regular file", "/dev/null", "path under a file"])
def unusable_home(request, tmp_path: Path, monkeypatch) -> Path:
    regular = tmp_path / "home-is-a-file"
    regular.write_text("not a folder")
    home = {
        "regular file": regular,
        "/dev/null": Path("/dev/null"),
        "path under a file": regular / "home",
    }[request.param]
    monkeypatch.setenv("BIREADER_HOME", str(home))
    return home


def test_every_command_fails_in_one_line_where_the_data_folder_is_unusable(
    unusable_home: Path, tmp_path: Path, capsys
) -> None:
    for command, argv in every_command_line(tmp_path):
        code, stderr = run(argv, capsys)
        assert_one_clear_line(command, argv, code, stderr)
        if code == 2 and command not in ("open", "models install"):
            assert f"{unusable_home}: the data folder cannot be used" in stderr, (argv, stderr)
    assert unusable_home.is_dir() is False  # nothing was created in its place


def test_help_needs_no_data_folder(unusable_home: Path, tmp_path: Path, capsys) -> None:
    for words, _ in leaf_commands(build_parser()):
        code, _ = run([*words, "--help"], capsys)
        assert code == 0, words


def test_every_command_fails_in_one_line_where_the_data_folder_is_not_writable(
    tmp_path: Path,
) -> None:
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("root passes permission bits, and setpriv is missing to drop that")
    closed = tmp_path / "closed"
    closed.mkdir(mode=0o500)
    prefix = WITHOUT_ROOT_PRIVILEGES if os.geteuid() == 0 else ()
    try:
        results = run_in_child(every_command_line(tmp_path), closed / "home", prefix)
    finally:
        closed.chmod(0o700)
    for command, argv, code, stderr in results:
        assert_one_clear_line(command, argv, code, stderr)
    assert not (closed / "home").exists()


def test_commands_reading_a_named_file_refuse_special_files_without_blocking(
    tmp_path: Path, bireader_home: Path
) -> None:
    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    specials = {str(fifo): "is a FIFO", "/dev/zero": "is a device", str(loop): "symbolic link loop"}
    readers = [
        (command, argv)
        for command, argv in every_command_line(tmp_path)
        if any(word.endswith(INPUT_FILES) for word in argv)
    ]
    assert {"library add", "segment", "notes import", "open"} <= {c for c, _ in readers}
    commands = [
        (command, [special if word.endswith(INPUT_FILES) else word for word in argv])
        for command, argv in readers
        for special in specials
    ]
    for _, argv, code, stderr in run_in_child(commands, bireader_home):
        named = next(word for word in argv if word in specials)
        assert code == 2 and stderr.count("\n") == 1, (argv, stderr)
        assert f"{named}: {specials[named]}" in stderr, (argv, stderr)


# A child process runs the commands in-process, one after the other: a process per command
# would take a minute, and a command that blocks cannot hang the test run.
_RUN_EACH = """
import contextlib, io, json, sys
from reader.cli import main
results = []
for command, argv in json.loads(sys.argv[1]):
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(argv)
        except SystemExit as exit:
            code = exit.code
    results.append((command, argv, code, err.getvalue()))
print(json.dumps(results))
"""


def run_in_child(commands: list, home: Path, prefix: tuple[str, ...] = ()) -> list:
    """(command, argv, exit code, stderr) of each command, run with `home` as data folder."""
    environment = {**os.environ, "BIREADER_HOME": str(home), "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [*prefix, sys.executable, "-c", _RUN_EACH, json.dumps(commands)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_no_command_takes_an_unbounded_integer() -> None:
    """ids beyond SQLite's 64 bits overflowed in the query, with a traceback."""
    for words, parser in leaf_commands(build_parser()):
        unbounded = [a.dest for a in parser._actions if a.type is int]
        assert not unbounded, (words, unbounded)


@pytest.mark.parametrize("value", [str(2**63), str(2**64), "0", "-1", "1e30"])
def test_out_of_range_ids_are_one_line_usage_errors(value: str, capsys) -> None:
    for argv in (
        ["library", "remove", value],
        ["notes", "list", "--document", value],
        ["notes", "export", "--format", "md", "--document", value],
        ["search", "x", "--document", value],
    ):
        code, stderr = run(argv, capsys)
        assert code == 2
        assert len(stderr.strip().splitlines()) == 1 and "2**63" in stderr, stderr
