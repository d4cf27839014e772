"""`bireader segment`: sentences one a line, or blocks with offsets as JSON; bad files exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reader.cli import main
from reader.core.paths import sample_document

REPO = Path(__file__).resolve().parents[1]


def test_prints_one_sentence_a_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["segment", str(sample_document()), "--lang", "vi"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert (
        "Trưởng Ban Tổ chức Trung ương Trương Thị Mai trao Huân chương Lao động hạng Ba "
        "tặng Cục Bảo vệ Chính trị nội bộ." in lines
    )
    assert "(Ảnh: Phương Hoa/TTXVN)" in lines
    assert any(
        line.startswith("Ban hành Hướng dẫn số 02-HD/BTCTW, ngày 19/5/2023") for line in lines
    )
    assert len(lines) == 37  # the hand-written gold has 37 sentences
    assert all(line.strip() == line and line for line in lines)


def test_json_gives_blocks_with_sentence_offsets(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["segment", str(sample_document()), "--json"]) == 0
    out = capsys.readouterr().out
    assert "Tình hình" in out  # ensure_ascii=False: Vietnamese stays readable
    data = json.loads(out)
    assert data["language"] == "vi"  # detected: --lang defaults to auto
    blocks = data["blocks"]
    assert {"paragraph", "heading", "list_item"} <= {block["kind"] for block in blocks}
    for block in blocks:
        assert block["sentences"]
        for sentence in block["sentences"]:
            assert block["text"][sentence["start"] : sentence["end"]] == sentence["text"]
    paragraph = next(block for block in blocks if block["text"].startswith("Bên cạnh"))
    assert len(paragraph["sentences"]) == 5


def test_english_text_with_abbreviations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "note.txt"
    path.write_text("Mr. Smith arrived at 5 p.m. on Monday. He met Dr. Jones.\n", encoding="utf-8")
    assert main(["segment", str(path), "--lang", "en"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Mr. Smith arrived at 5 p.m. on Monday.",
        "He met Dr. Jones.",
    ]


def test_missing_file_is_a_one_line_error_with_exit_code_2(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.txt"
    result = subprocess.run(
        [sys.executable, "-m", "reader", "segment", str(missing)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [f"bireader: {missing}: no such file"]


def test_binary_file_is_rejected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(bytes(range(256)) * 8)
    assert main(["segment", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert str(path) in captured.err and "Traceback" not in captured.err


def test_invalid_language_code_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["segment", str(sample_document()), "--lang", "not a code"])
    assert exit_info.value.code == 2
    assert "not a language code" in capsys.readouterr().err


def test_output_redirected_to_a_file_is_utf8_whatever_the_locale(tmp_path) -> None:
    import os
    import subprocess
    import sys

    out = tmp_path / "sentences.txt"
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    sample = Path(__file__).resolve().parents[1] / "resources" / "samples" / "bvctnb-2023.vi.txt"
    with out.open("wb") as stream:
        done = subprocess.run(
            [sys.executable, "-m", "reader", "segment", str(sample)],
            stdout=stream,
            stderr=subprocess.PIPE,
            env=env,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr
    assert "Tình hình, kết quả" in out.read_text(encoding="utf-8")
