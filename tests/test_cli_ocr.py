"""`bireader ocr ...` and what OCR shows elsewhere: `segment --json` confidences and unsure
word spans, `library list --json`'s "ocr" flag."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from reader.cli import main
from reader.core.ocr.data import find_data, tessdata_dir
from tests.conftest import SAMPLE
from tests.ocr_support import (
    VIE_DATA,
    text_page,
)


def run(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_install_from_a_file_then_list_and_remove(capsys, no_system_tessdata) -> None:
    code, out, _ = run(capsys, "ocr", "install", str(VIE_DATA))
    assert code == 0 and "installed OCR data vie" in out
    code, out, _ = run(capsys, "ocr", "list", "--json")
    assert json.loads(out) == [
        {"language": "vie", "path": str(tessdata_dir() / "vie.traineddata"), "system": False}
    ]
    code, out, _ = run(capsys, "ocr", "available", "--json")
    (entry,) = json.loads(out)
    assert (entry["language"], entry["size"]) == ("vie", 531_275)
    assert entry["installed"] == str(tessdata_dir() / "vie.traineddata")
    assert run(capsys, "ocr", "remove", "vie")[0] == 0
    assert find_data("vie") is None


def test_a_corrupt_file_exits_2_in_one_line_and_installs_nothing(
    tmp_path: Path, capsys, no_system_tessdata
) -> None:
    corrupt = tmp_path / "vie.traineddata"
    corrupt.write_bytes(VIE_DATA.read_bytes()[:200_000])
    code, out, err = run(capsys, "ocr", "install", str(corrupt))
    assert (code, out) == (2, "")
    assert err.startswith(f"bireader: {corrupt}: ") and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert list(tessdata_dir().iterdir()) == []


def test_removing_data_that_is_not_there_exits_2(capsys, no_system_tessdata) -> None:
    code, _, err = run(capsys, "ocr", "remove", "vie")
    assert code == 2 and "not installed" in err


def test_segment_json_gives_confidences_and_unsure_word_spans(
    tmp_path: Path, capsys, vie_installed
) -> None:
    page = text_page()
    path = tmp_path / "small-print.png"
    # Print at a quarter of the size: Tesseract is unsure of many words.
    page.resize((page.width // 4, page.height // 4), Image.BILINEAR).save(path)
    code, out, _ = run(capsys, "segment", "--json", str(path))
    assert code == 0
    document = json.loads(out)
    assert document["ocr"] is True
    spans = []
    for block in document["blocks"]:
        assert 0 <= block["ocr_confidence"] <= 100
        assert "[?]" not in block["text"]  # the text stays clean
        for start, end in block["ocr_low_confidence"]:
            word = block["text"][start:end]
            assert word and not any(char.isspace() for char in word)
            assert block["text"][start - 1 : start].strip() == ""  # a whole word
            spans.append(word)
    assert spans


def test_library_list_json_says_which_documents_were_ocrd(
    tmp_path: Path, capsys, vie_installed
) -> None:
    scan = tmp_path / "scan.png"
    text_page().save(scan)
    assert run(capsys, "library", "add", str(scan))[0] == 0
    assert run(capsys, "library", "add", str(SAMPLE))[0] == 0
    _, out, _ = run(capsys, "library", "list", "--json")
    assert {Path(entry["path"]).name: entry["ocr"] for entry in json.loads(out)} == {
        "scan.png": True,
        SAMPLE.name: False,
    }


def test_install_a_language_downloads_it_with_a_progress_bar(
    capsys, monkeypatch, no_system_tessdata
) -> None:
    import hashlib

    from reader.core.ocr import data as ocr_data
    from tests.range_server import RangeServer

    body = VIE_DATA.read_bytes()
    with RangeServer() as server:
        server.behaviour.files["/vie.traineddata"] = body
        entry = ocr_data.OcrDataEntry(
            "vie",
            "Vietnamese",
            server.url("/vie.traineddata"),
            len(body),
            hashlib.sha256(body).hexdigest(),
        )
        monkeypatch.setattr(ocr_data, "CATALOGUE", (entry,))
        code, out, err = run(capsys, "ocr", "install", "vie")
    assert code == 0 and "installed OCR data vie" in out
    assert "vie.traineddata" in err and "100%" in err
    assert find_data("vie").path.read_bytes() == body


def test_data_paths_with_escape_sequences_are_printed_escaped(
    capsys, tmp_path, monkeypatch, no_system_tessdata
) -> None:
    monkeypatch.setenv("BIREADER_HOME", str(tmp_path / "home\x1b]0;owned\x07"))
    outputs = [run(capsys, "ocr", "install", str(VIE_DATA))[1]]
    outputs += [run(capsys, "ocr", command)[1] for command in ("list", "available")]
    outputs.append(run(capsys, "ocr", "remove", "vie")[1])
    for out in outputs:
        assert "home\\x1b]0;owned\\x07" in out and "\x1b" not in out
