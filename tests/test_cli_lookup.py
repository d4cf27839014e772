"""`bireader lookup`: what the dictionaries say, as text or JSON; exit 1 when none has it."""

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


def test_lookup_ignores_case_and_tone_placement(capsys, dictionary_file: Path):
    run(capsys, "dict", "install", str(dictionary_file), "--from", "vi", "--to", "en")
    code, out, _ = run(capsys, "lookup", "HÒA BÌNH", "--from", "vi", "--json")
    assert code == 0
    assert json.loads(out) == [
        {"dictionary": "mini-viet-anh", "headword": "hoà bình", "definition": "peace"}
    ]
    code, out, _ = run(capsys, "lookup", "ban bí thư")
    assert code == 0 and "Ban Bí thư (mini-viet-anh)" in out and "<b>Secretariat</b>" in out
    code, out, err = run(capsys, "lookup", "hoà bình", "--from", "en")
    assert code == 2 and "no dictionary from en is installed" in err


def test_a_word_not_in_the_dictionaries_exits_1(capsys, dictionary_file: Path):
    run(capsys, "dict", "install", str(dictionary_file), "--from", "vi", "--to", "en")
    code, out, _ = run(capsys, "lookup", "xyzzy")
    assert code == 1 and "not in the dictionaries" in out
    code, out, _ = run(capsys, "lookup", "xyzzy", "--json")
    assert (code, json.loads(out)) == (1, [])


def test_without_dictionaries_it_says_how_to_get_one(capsys):
    code, _, err = run(capsys, "lookup", "bảo vệ")
    assert code == 2 and "no dictionary is installed" in err and "dict install" in err
