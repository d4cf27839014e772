"""`bireader vocab list|add|remove|export`."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import pytest

from reader.cli import main


def run(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def document(capsys, sample_copy: Path) -> str:
    code, out, _ = run(capsys, "library", "add", str(sample_copy))
    assert code == 0
    return out.strip()


def test_add_list_export_remove(capsys, document: str, tmp_path: Path):
    code, out, _ = run(capsys, "vocab", "add", "bảo vệ", "--document", document)
    assert code == 0 and "saved 'bảo vệ' as 1" in out
    code, out, _ = run(
        capsys, "vocab", "add", "Ban Bí thư", "--document", document, "--occurrence", "2"
    )
    assert code == 0
    code, out, _ = run(capsys, "vocab", "list", "--json")
    words = json.loads(out)
    assert [w["word"] for w in words] == ["bảo vệ", "Ban Bí thư"]
    assert "bảo vệ" in words[0]["sentence"] and words[1]["document_id"] == int(document)

    code, out, _ = run(capsys, "vocab", "export", "--format", "csv", "-o", str(tmp_path / "v.csv"))
    assert code == 0 and "wrote 2 words" in out
    with (tmp_path / "v.csv").open(encoding="utf-8-sig", newline="") as file:
        assert [row[0] for row in csv.reader(file)] == ["Word", "bảo vệ", "Ban Bí thư"]
    code, _, _ = run(capsys, "vocab", "export", "--format", "apkg", "-o", str(tmp_path / "v.apkg"))
    assert code == 0 and "collection.anki2" in zipfile.ZipFile(tmp_path / "v.apkg").namelist()

    code, out, _ = run(capsys, "vocab", "remove", "1")
    assert code == 0 and "removed 'bảo vệ'" in out
    code, out, _ = run(capsys, "vocab", "list")
    assert "bảo vệ" not in out and "Ban Bí thư" in out


def test_problems_are_one_line_and_exit_2(capsys, document: str, tmp_path: Path):
    code, _, err = run(capsys, "vocab", "add", "xyzzy", "--document", document)
    assert code == 2 and "no sentence of" in err and err.count("\n") == 1
    code, _, err = run(capsys, "vocab", "add", "bảo vệ", "--document", "99")
    assert code == 2 and "no document with id 99" in err
    with pytest.raises(SystemExit) as usage:
        main(["vocab", "add", "bảo vệ", "--document", document, "--occurrence", "0"])
    assert usage.value.code == 2 and "not a positive whole number" in capsys.readouterr().err
    code, _, err = run(capsys, "vocab", "remove", "7")
    assert code == 2 and "no word with id 7" in err
    code, _, err = run(
        capsys, "vocab", "export", "--format", "csv", "-o", str(tmp_path / "no" / "x")
    )
    assert code == 2 and "folder does not exist" in err
