"""`bireader translate FILE` end to end, with the tiny real vi→en package installed."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reader.cli import main
from reader.core.documents import load_document

SAMPLE = Path(__file__).resolve().parents[1] / "resources" / "samples" / "bvctnb-2023.vi.txt"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["translate", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_json_output_aligns_sentences_with_offsets(installed_vi_en, capsys) -> None:
    code, out, _ = run(capsys, str(SAMPLE), "--from", "vi", "--format", "json")
    assert code == 0
    blocks = json.loads(out)["blocks"]
    document = load_document(SAMPLE, language="vi")
    assert len(blocks) == len(document.blocks)
    for block, produced in zip(document.blocks, blocks, strict=True):
        assert produced["kind"] == str(block.kind) and produced["text"] == block.text
        assert len(produced["sentences"]) == len(block.sentences)
        for sentence in produced["sentences"]:
            assert block.text[sentence["start"] : sentence["end"]] == sentence["source"]
            assert sentence["translation"] and sentence["cached"] is False


def test_second_run_is_served_from_the_cache(installed_vi_en, capsys) -> None:
    run(capsys, str(SAMPLE), "--format", "json")
    code, out, _ = run(capsys, str(SAMPLE), "--format", "json")
    assert code == 0
    sentences = [s for block in json.loads(out)["blocks"] for s in block["sentences"]]
    assert sentences and all(sentence["cached"] for sentence in sentences)


def test_text_output_interleaves_original_and_translation(installed_vi_en, capsys, tmp_path):
    source = tmp_path / "short.txt"
    source.write_text("Xin chào các bạn. Tạm biệt.\n\nNăm 2023.\n", encoding="utf-8")
    code, out, err = run(capsys, str(source), "--from", "vi", "--to", "en", "--beam", "1")
    assert code == 0
    paragraphs = out.split("\n\n")
    assert len(paragraphs) == 2
    assert paragraphs[0].splitlines()[0] == "Xin chào các bạn. Tạm biệt."
    assert paragraphs[1].splitlines()[0] == "Năm 2023."
    assert all(len(paragraph.strip().splitlines()) == 2 for paragraph in paragraphs)
    assert "translate" in err  # the progress bar goes to stderr


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self.rows[-1].append("")
        elif tag == "script":
            self.scripts += 1

    def handle_data(self, data):
        if self.rows and self.rows[-1]:
            self.rows[-1][-1] += data


def test_html_is_two_columns_and_escaped(installed_vi_en, capsys, tmp_path) -> None:
    source = tmp_path / "tricky.txt"
    source.write_text("Thẻ <script>alert('x')</script> & “ngoặc”.\n\nĐoạn hai.\n", encoding="utf-8")
    code, out, _ = run(capsys, str(source), "--from", "vi", "--format", "html")
    assert code == 0
    assert "<script>" not in out and "&lt;script&gt;" in out
    parser = _Cells()
    parser.feed(out)
    assert parser.scripts == 0
    assert len(parser.rows) == 2 and all(len(row) == 2 for row in parser.rows)
    assert parser.rows[0][0].startswith("Thẻ <script>")  # the reader sees the text as written
    assert parser.rows[1][0] == "Đoạn hai." and parser.rows[1][1]


def test_missing_model_exits_2_naming_the_pair_and_the_fix(capsys) -> None:
    code, out, err = run(capsys, str(SAMPLE), "--from", "vi", "--to", "fr")
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert "vi into fr" in lines[0] and "bireader models install vi_fr" in lines[0]


def test_bad_file_exits_2(installed_vi_en, capsys, tmp_path) -> None:
    code, out, err = run(capsys, str(tmp_path / "missing.txt"))
    assert code == 2 and out == ""
    assert "missing.txt" in err and "Traceback" not in err


def test_bad_beam_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["translate", str(SAMPLE), "--beam", "0"])
    assert exit_info.value.code == 2
    assert "beam size" in capsys.readouterr().err


def test_undetectable_language_asks_for_from(installed_vi_en, capsys, tmp_path) -> None:
    numbers = tmp_path / "numbers.txt"
    numbers.write_text("12345 67890.\n", encoding="utf-8")
    code, _, err = run(capsys, str(numbers), "--to", "en")
    assert code == 2 and "cannot tell which language" in err and "--from" in err
    code, out, _ = run(capsys, str(numbers), "--from", "vi", "--to", "en")
    assert code == 0 and out.strip()


def test_missing_model_suggests_the_pivot_through_english(installed_vi_en, capsys) -> None:
    code, _, err = run(capsys, str(SAMPLE), "--to", "fr")
    assert code == 2 and "vi_fr" in err and "vi_en and en_fr" in err


def test_language_codes_are_read_whatever_their_case(installed_vi_en, capsys, tmp_path) -> None:
    source = tmp_path / "short.txt"
    source.write_text("Xin chào các bạn. Tạm biệt.\n", encoding="utf-8")
    code, lower, _ = run(capsys, str(source), "--from", "vi", "--to", "en", "--beam", "1")
    assert code == 0 and lower.strip()
    code, upper, err = run(capsys, str(source), "--from", " VI", "--to", "EN ", "--beam", "1")
    assert (code, upper) == (0, lower), err


@pytest.mark.parametrize(
    ("option", "value", "problem"),
    [
        ("--from", "vi en", "not a language code"),
        ("--to", "e1", "not a language code"),
        ("--to", "AUTO", "only applies to a document's language"),
    ],
)
def test_malformed_language_code_is_a_usage_error_naming_the_option(
    capsys, option: str, value: str, problem: str
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["translate", str(SAMPLE), option, value])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {option}: " in err and problem in err


def test_an_english_text_goes_into_vietnamese_by_default_as_in_the_window(
    installed_vi_en, capsys, tmp_path
) -> None:
    english = tmp_path / "notice.txt"
    english.write_text("The meeting starts at nine.\n\nPlease arrive early.\n", encoding="utf-8")
    code, _out, err = run(capsys, str(english), "--from", "en")
    assert code != 0 and "translates en into vi" in err  # only vi→en is installed
    code, out, _ = run(capsys, str(SAMPLE), "--format", "html")  # Vietnamese: into English
    assert code == 0 and 'lang="en"' in out
