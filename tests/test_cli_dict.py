"""`bireader dict install|list|remove`: output, JSON, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.cli import main
from tests.stardict_builder import write_stardict


def run(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def dictionary_file(tmp_path: Path) -> Path:
    articles = {"bảo vệ": "to protect", "hoà bình": "peace", "Ban Bí thư": "<b>Secretariat</b>"}
    return write_stardict(tmp_path / "d", articles, bookname="Mini Việt–Anh")


def test_install_list_lookup_remove(capsys, dictionary_file: Path):
    code, out, _ = run(
        capsys, "dict", "install", str(dictionary_file), "--from", "vi", "--to", "en"
    )
    assert code == 0 and "mini-viet-anh" in out and "3 headwords" in out
    code, out, _ = run(capsys, "dict", "list", "--json")
    (listed,) = json.loads(out)
    assert (listed["name"], listed["source_language"], listed["target_language"]) == (
        "mini-viet-anh",
        "vi",
        "en",
    )
    code, out, _ = run(capsys, "lookup", "ban bí thư")
    assert code == 0 and "Ban Bí thư (mini-viet-anh)" in out
    code, out, _ = run(capsys, "dict", "remove", "mini-viet-anh")
    assert code == 0
    code, out, err = run(capsys, "dict", "list")
    assert (code, out) == (0, "") and "no dictionaries installed" in err


def test_problems_are_one_line_and_exit_2(capsys, tmp_path: Path, dictionary_file: Path):
    code, _, err = run(capsys, "dict", "remove", "nothing")
    assert code == 2 and "no dictionary named 'nothing'" in err
    (dictionary_file.parent / "test.idx").write_bytes(b"broken")
    code, _, err = run(capsys, "dict", "install", str(dictionary_file))
    assert code == 2 and err.count("\n") == 1 and "idxfilesize" in err
