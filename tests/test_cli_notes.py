"""`bireader notes ...` and `bireader search`: exit codes, JSON output, re-import status."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reader.cli import main


def run(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def document_id(capsys, sample_copy: Path) -> str:
    code, out, _ = run(capsys, "library", "add", str(sample_copy))
    assert code == 0
    return out.strip()


def test_add_then_list_as_json(capsys, document_id):
    code, out, _ = run(
        capsys,
        "notes",
        "add",
        document_id,
        "--quote",
        "cản bộ",
        "--note",
        "typo",
        "--color",
        "pink",
        "--tag",
        "a",
        "--tag",
        "b",
    )
    assert code == 0
    uuid = out.strip()
    code, out, _ = run(capsys, "notes", "list", "--document", document_id, "--json")
    (note,) = json.loads(out)
    assert (note["uuid"], note["status"], note["quote"], note["colour"], note["tags"]) == (
        uuid,
        "anchored",
        "cản bộ",
        "pink",
        ["a", "b"],
    )
    assert note["end"] - note["start"] == len("cản bộ")


@pytest.mark.parametrize(
    ("quote", "message"),
    [
        ("Đảng", "occurs 26 times in document 1: quote more context or pick one with --occurrence"),
        ("chữ không có", "does not occur in document 1"),
    ],
)
def test_ambiguous_or_missing_quote_exits_2_with_one_line(capsys, document_id, quote, message):
    code, out, err = run(capsys, "notes", "add", document_id, "--quote", quote)
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1
    assert json.loads(run(capsys, "notes", "list", "--json")[1]) == []


def test_reimport_shows_anchored_and_orphan_status(capsys, document_id, sample_copy):
    run(capsys, "notes", "add", document_id, "--quote", "bổ trí")
    run(capsys, "notes", "add", document_id, "--quote", "Huân chương Lao động hạng Ba")
    text = sample_copy.read_text(encoding="utf-8")
    text = text.replace("bổ trí", "bố trí").replace("Huân chương Lao động hạng Ba", "Bằng khen")
    sample_copy.write_text("Đoạn mới ở đầu.\n\n" + text, encoding="utf-8")
    code, out, _ = run(capsys, "library", "add", str(sample_copy))
    assert (code, out.strip()) == (0, document_id)
    notes = json.loads(run(capsys, "notes", "list", "--document", document_id, "--json")[1])
    assert {(n["status"], n["quote"]) for n in notes} == {
        ("anchored", "bố trí"),
        ("orphan", "Huân chương Lao động hạng Ba"),
    }
    _, text_out, _ = run(capsys, "notes", "list", "--status", "orphan")
    assert "ORPHAN" in text_out and "Huân chương" in text_out


def test_edit_delete_and_tags(capsys, document_id):
    uuid = run(capsys, "notes", "add", document_id, "--quote", "cản bộ", "--tag", "x")[1].strip()
    assert run(capsys, "notes", "edit", uuid, "--note", "sửa", "--tag", "y")[0] == 0
    assert run(capsys, "notes", "tags")[1].split() == ["y"]
    assert run(capsys, "notes", "delete", uuid)[0] == 0
    code, _, err = run(capsys, "notes", "delete", uuid)
    assert code == 2 and "no annotation" in err


def test_export_import_round_trip_through_files(capsys, document_id, tmp_path, monkeypatch):
    run(capsys, "notes", "add", document_id, "--quote", "cản bộ", "--note", "n")
    exported = tmp_path / "out.json"
    assert run(capsys, "notes", "export", "--format", "json", "-o", str(exported))[0] == 0
    monkeypatch.setenv("BIREADER_HOME", str(tmp_path / "other-home"))
    code, out, _ = run(capsys, "notes", "import", str(exported), "--add-documents")
    assert code == 0 and "imported 1 annotation(s)" in out and "added 1 document(s)" in out
    (note,) = json.loads(run(capsys, "notes", "list", "--json")[1])
    assert (note["quote"], note["note"]) == ("cản bộ", "n")
    for format, marker in (("md", "# Annotations"), ("csv", "#separator:comma")):
        code, out, _ = run(capsys, "notes", "export", "--format", format)
        assert code == 0 and out.startswith(marker)


def test_import_adds_a_missing_document_only_with_add_documents(capsys, document_id, tmp_path):
    run(capsys, "notes", "add", document_id, "--quote", "cản bộ")
    exported = tmp_path / "out.json"
    run(capsys, "notes", "export", "--format", "json", "-o", str(exported))
    run(capsys, "library", "remove", document_id)
    code, out, err = run(capsys, "notes", "import", str(exported))
    assert (code, out) == (2, "") and len(err.strip().splitlines()) == 1
    assert str(exported) in err and "--add-documents" in err
    assert json.loads(run(capsys, "library", "list", "--json")[1]) == []
    code, out, _ = run(capsys, "notes", "import", str(exported), "--add-documents")
    assert code == 0 and "added 1 document(s)" in out


def test_import_of_a_bad_file_exits_2_naming_it(capsys, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2", encoding="utf-8")
    code, _, err = run(capsys, "notes", "import", str(bad))
    assert code == 2 and str(bad) in err and "not valid JSON" in err


def test_search_command_marks_matches(capsys, document_id):
    run(capsys, "notes", "add", document_id, "--quote", "cản bộ", "--note", "lỗi chính tả")
    code, out, _ = run(capsys, "search", "viet", "nam", "--text")
    assert code == 0 and "[Việt] [Nam]" in out
    code, out, _ = run(capsys, "search", "loi", "--notes", "--json")
    (hit,) = json.loads(out)
    assert hit["kind"] == "note" and hit["snippet"] == "lỗi chính tả"
    assert run(capsys, "search", "khongcotu")[0] == 1


def test_cli_process_exit_code_without_traceback(sample_copy, tmp_path):
    env_run = [sys.executable, "-m", "reader"]
    added = subprocess.run(
        [*env_run, "library", "add", str(sample_copy)], capture_output=True, text=True, timeout=120
    )
    result = subprocess.run(
        [*env_run, "notes", "add", added.stdout.strip(), "--quote", "Đảng"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "--occurrence" in result.stderr


def test_tags_with_escape_sequences_are_printed_escaped(capsys, document_id):
    tag = "x\x1b]0;owned\x07"
    run(capsys, "notes", "add", document_id, "--quote", "cản bộ", "--tag", tag)
    for command in ("list", "tags"):
        code, out, _ = run(capsys, "notes", command)
        assert code == 0 and "x\\x1b]0;owned\\x07" in out and "\x1b" not in out


def test_a_note_added_private_is_listed_with_its_author_and_can_be_made_public(
    capsys, document_id, monkeypatch
):
    monkeypatch.setenv("BIREADER_AUTHOR", "lan")
    uuid = run(capsys, "notes", "add", document_id, "--quote", "cản bộ", "--private")[1].strip()
    (note,) = json.loads(run(capsys, "notes", "list", "--json")[1])
    assert (note["uuid"], note["author"], note["private"]) == (uuid, "lan", True)
    line = run(capsys, "notes", "list")[1].splitlines()[0]
    assert "by lan private" in line
    assert run(capsys, "notes", "edit", uuid, "--public")[0] == 0
    (note,) = json.loads(run(capsys, "notes", "list", "--json")[1])
    assert note["private"] is False
    assert "private" not in run(capsys, "notes", "list")[1]


def test_edit_cannot_be_both_private_and_public(capsys, document_id):
    uuid = run(capsys, "notes", "add", document_id, "--quote", "cản bộ")[1].strip()
    with pytest.raises(SystemExit) as exit_info:
        main(["notes", "edit", uuid, "--private", "--public"])
    assert exit_info.value.code == 2
    (note,) = json.loads(run(capsys, "notes", "list", "--json")[1])
    assert note["private"] is False


def test_list_by_author_shows_only_that_authors_notes(capsys, document_id, monkeypatch):
    for author, quote in (("lan", "cản bộ"), ("minh", "bổ trí")):
        monkeypatch.setenv("BIREADER_AUTHOR", author)
        run(capsys, "notes", "add", document_id, "--quote", quote)
    listed = json.loads(run(capsys, "notes", "list", "--author", "minh", "--json")[1])
    assert [(n["author"], n["quote"]) for n in listed] == [("minh", "bổ trí")]


def test_on_a_team_library_bob_does_not_list_alices_private_note(
    capsys, team_urls, sample_copy, monkeypatch
):
    def as_role(role: str) -> None:
        monkeypatch.setenv("BIREADER_DATABASE_URL", team_urls[role])

    as_role("team")  # the owner creates the schema, as an office sets it up
    assert run(capsys, "notes", "list")[0] == 0
    as_role("alice")
    document_id = run(capsys, "library", "add", str(sample_copy))[1].strip()
    run(capsys, "notes", "add", document_id, "--quote", "cản bộ", "--note", "chung")
    run(capsys, "notes", "add", document_id, "--quote", "bổ trí", "--note", "riêng", "--private")
    assert len(json.loads(run(capsys, "notes", "list", "--json")[1])) == 2
    as_role("bob")
    listed = json.loads(run(capsys, "notes", "list", "--json")[1])
    assert [(n["author"], n["note"]) for n in listed] == [("alice", "chung")]
