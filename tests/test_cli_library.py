import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SAMPLE


def bireader(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reader", *args], capture_output=True, text=True, timeout=120
    )


def test_add_list_remove_round_trip() -> None:
    added = bireader("library", "add", str(SAMPLE))
    assert added.returncode == 0, added.stderr
    document_id = int(added.stdout.strip())
    again = bireader("library", "add", str(SAMPLE))
    assert int(again.stdout.strip()) == document_id

    listing = json.loads(bireader("library", "list", "--json").stdout)
    assert [(entry["id"], entry["language"]) for entry in listing] == [(document_id, "vi")]
    assert listing[0]["path"] == str(SAMPLE.resolve())
    assert listing[0]["title"].startswith("Tình hình, kết quả")

    assert bireader("library", "remove", str(document_id)).returncode == 0
    assert json.loads(bireader("library", "list", "--json").stdout) == []


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("empty.txt", b"", "file is empty"),
        ("blank.txt", b"  \n\n \t\n", "contains no text"),
        (
            "image.png",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 16,
            "not a readable image",
        ),
        ("missing.txt", None, "no such file"),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_file(
    tmp_path: Path, name: str, content: bytes | None, problem: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = bireader("library", "add", str(path))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and problem in lines[0]
    assert "Traceback" not in result.stderr
    assert json.loads(bireader("library", "list", "--json").stdout) == []


def test_directory_exits_2(tmp_path: Path) -> None:
    result = bireader("library", "add", str(tmp_path))
    assert result.returncode == 2 and "is a directory" in result.stderr


def test_unknown_document_id_exits_2() -> None:
    result = bireader("library", "remove", "999")
    assert result.returncode == 2
    assert "no document with id 999" in result.stderr


def test_language_code_is_read_whatever_its_case(capsys) -> None:
    from reader.cli import main

    assert main(["library", "add", str(SAMPLE), "--from", "VI"]) == 0
    document_id = int(capsys.readouterr().out.strip())
    assert main(["library", "list", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert [(entry["id"], entry["language"]) for entry in listing] == [(document_id, "vi")]


def test_malformed_language_code_is_a_usage_error_naming_the_option(capsys) -> None:
    from reader.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["library", "add", str(SAMPLE), "--lang", "V I"])
    assert exit_info.value.code == 2
    assert "argument --lang/--from: not a language code: 'V I'" in capsys.readouterr().err


def test_rename_survives_reimport_and_an_empty_title_restores_the_imported_one(
    tmp_path: Path,
) -> None:
    copy = tmp_path / "decree.txt"
    copy.write_text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\nĐiều 1. Phạm vi điều chỉnh.\n")
    document_id = bireader("library", "add", str(copy)).stdout.strip()
    imported = json.loads(bireader("library", "list", "--json").stdout)[0]["title"]

    renamed = bireader("library", "rename", document_id, "  Nghị định   145/2020 ")
    assert renamed.returncode == 0, renamed.stderr
    copy.write_text(copy.read_text() + "\nĐiều 2. Đối tượng áp dụng.\n")
    assert bireader("library", "add", str(copy)).stdout.strip() == document_id  # updated
    listing = json.loads(bireader("library", "list", "--json").stdout)
    assert listing[0]["title"] == "Nghị định 145/2020"
    hits = bireader("search", "Đối tượng").stdout
    assert "Nghị định 145/2020" in hits

    assert bireader("library", "rename", document_id, "").returncode == 0
    assert json.loads(bireader("library", "list", "--json").stdout)[0]["title"] == imported
    assert bireader("library", "rename", "999", "x").returncode == 2


def test_list_says_how_far_each_document_is_read_and_translated(installed_vi_en, capsys) -> None:
    from reader.cli import main
    from reader.core.library import add_document, mark_opened
    from reader.core.storage import open_database

    database = open_database()
    added = add_document(database, SAMPLE)
    last = len(added.document.blocks) - 1
    mark_opened(database, added.document_id, reading_block=last // 2, target_language="en")
    database.close()
    assert main(["library", "list", "--json"]) == 0
    [entry] = json.loads(capsys.readouterr().out)
    assert entry["read"] == round(100 * (last // 2) / last) and entry["translated"] == 0
    assert main(["library", "list"]) == 0
    assert f"{entry['read']}% read, 0% translated" in capsys.readouterr().out
