"""`bireader terms DOC_ID`: the document's abbreviations, and the expansion switches."""

from __future__ import annotations

import json

import pytest

from reader.cli import main
from tests.conftest import SAMPLE


def run(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def sample_id(capsys, sample_copy) -> str:
    code, out, _ = run(capsys, "library", "add", str(sample_copy))
    assert code == 0
    return out.strip()


def listed(capsys, sample_id: str) -> dict[str, dict]:
    code, out, _ = run(capsys, "terms", sample_id, "--json")
    assert code == 0
    return {item["abbreviation"]: item for item in json.loads(out)}


def test_json_lists_each_with_its_source_and_count(capsys, sample_id):
    found = listed(capsys, sample_id)
    text = SAMPLE.read_text(encoding="utf-8")
    assert found["BVCTNB"]["expansion"] == "bảo vệ chính trị nội bộ"
    assert found["BVCTNB"]["source"] == "document" and found["BVCTNB"]["paragraph"] == 2
    assert found["BVCTNB"]["count"] == text.count("BVCTNB")
    assert found["UVTW"]["source"] == "builtin" and found["UVTW"]["paragraph"] is None
    assert all(item["expanded"] for item in found.values())


def test_text_output_says_where_each_comes_from(capsys, sample_id):
    code, out, _ = run(capsys, "terms", sample_id)
    assert code == 0
    assert "BVCTNB\tbảo vệ chính trị nội bộ\tdocument ¶2\t" in out
    assert "UVTW\tỦy viên Trung ương\tbuiltin\t1×" in out


def test_switches_persist(capsys, sample_id):
    assert run(capsys, "terms", sample_id, "--disable", "UVTW")[0] == 0
    found = listed(capsys, sample_id)
    assert not found["UVTW"]["expanded"] and found["BVCTNB"]["expanded"]
    assert run(capsys, "terms", sample_id, "--enable", "UVTW")[0] == 0
    assert listed(capsys, sample_id)["UVTW"]["expanded"]
    assert run(capsys, "terms", sample_id, "--no-expansion")[0] == 0
    assert not any(item["expanded"] for item in listed(capsys, sample_id).values())
    assert run(capsys, "terms", sample_id, "--expansion")[0] == 0
    assert all(item["expanded"] for item in listed(capsys, sample_id).values())


def test_unknown_abbreviation_or_document_is_one_line_exit_2(capsys, sample_id):
    code, _, err = run(capsys, "terms", sample_id, "--disable", "XYZ")
    assert code == 2 and err.count("\n") == 1 and "XYZ" in err
    code, _, err = run(capsys, "terms", "999")
    assert code == 2 and err.count("\n") == 1
