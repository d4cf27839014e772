"""Export (W3C JSON-LD, Markdown, Anki CSV) and import of W3C JSON: the round trip into an empty
library loses nothing; translations come from the real translation service's cache."""

from __future__ import annotations

import csv
import html
import io
import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from reader.core import paths
from reader.core.errors import InputError
from reader.core.library import add_document, get_document, list_documents
from reader.core.notes.export import export_annotations
from reader.core.notes.importer import import_w3c
from reader.core.notes.models import AnnotationRow
from reader.core.notes.service import (
    annotate_quote,
    annotate_selection,
    list_annotations,
)
from reader.core.storage import open_database
from reader.core.translate.service import TranslationService
from tests.conftest import SAMPLE

SMALL_TEXT = (
    "Báo cáo năm 2023\n\n"
    "Công tác cán bộ được tăng cường. Nhiều cán bộ được đào tạo.\n\n"
    "Việt Nam tiếp tục phát triển kinh tế. Đời sống người dân được cải thiện.\n"
)


@pytest.fixture
def small_document(database, tmp_path: Path) -> int:
    path = tmp_path / "small.txt"
    path.write_text(SMALL_TEXT, encoding="utf-8")
    return add_document(database, path, language="vi").document_id


def _annotate_sample(database, tmp_path: Path) -> tuple[int, Path]:
    path = tmp_path / "bvctnb.txt"
    shutil.copy(SAMPLE, path)
    document_id = add_document(database, path).document_id
    annotate_quote(
        database,
        document_id,
        "cản bộ",
        note="typo:\n\n- **cán bộ**",
        colour="pink",
        tags=["typo", "chính tả"],
    )
    annotate_selection(database, document_id, 3, 0, 15)
    annotate_quote(database, document_id, "Trương Thị Mai", note="người trao")
    return document_id, path


def test_json_export_is_w3c_web_annotation_with_quote_and_position_selectors(database, tmp_path):
    document_id, path = _annotate_sample(database, tmp_path)
    exported = json.loads(export_annotations(database, "json"))
    assert exported["@context"][0] == "http://www.w3.org/ns/anno.jsonld"
    assert exported["type"] == "AnnotationCollection" and exported["total"] == 3
    items = exported["first"]["items"]
    typo = next(item for item in items if item["target"]["selector"][0]["exact"] == "cản bộ")
    assert typo["id"].startswith("urn:uuid:") and typo["type"] == "Annotation"
    assert typo["motivation"] == "commenting"
    quote, position = typo["target"]["selector"]
    assert quote["type"] == "TextQuoteSelector" and quote["suffix"].startswith(" khi xem")
    assert position["type"] == "TextPositionSelector"
    text = "\n\n".join(block.text for block in get_document(database, document_id).blocks)
    assert text[position["start"] : position["end"]] == "cản bộ"
    assert typo["target"]["source"] == path.resolve().as_uri()
    bodies = {(b.get("purpose"), b["value"]) for b in typo["body"]}
    assert bodies == {
        ("commenting", "typo:\n\n- **cán bộ**"),
        ("tagging", "typo"),
        ("tagging", "chính tả"),
    }


def test_round_trip_into_an_empty_library_loses_nothing(database, tmp_path, monkeypatch):
    document_id, path = _annotate_sample(database, tmp_path)
    # an orphan too: its text is edited away, then the file is added again
    annotate_quote(database, document_id, "Huân chương Lao động hạng Ba", note="orphan soon")
    path.write_text(
        path.read_text(encoding="utf-8").replace("Huân chương Lao động hạng Ba", "Bằng khen"),
        encoding="utf-8",
    )
    add_document(database, path)
    before = list_annotations(database)
    assert sum(note.status == "orphan" for note in before) == 1
    exported = tmp_path / "notes.json"
    exported.write_text(export_annotations(database, "json"), encoding="utf-8")

    monkeypatch.setenv("BIREADER_HOME", str(tmp_path / "empty-home"))
    assert paths.database_path().parent == tmp_path / "empty-home"
    empty = open_database()
    result = import_w3c(empty, exported, add_documents=True)

    assert (result.imported, result.skipped, result.documents_added) == (4, 0, 1)
    after = list_annotations(empty)
    new_id = list_documents(empty)[0].id
    assert [note.to_json() | {"document_id": document_id} for note in after] == [
        note.to_json() for note in before
    ]
    assert {note.document_id for note in after} == {new_id}
    again = import_w3c(empty, exported)
    assert (again.imported, again.skipped) == (0, 4)


def test_import_onto_changed_text_reanchors(database, tmp_path):
    document_id, path = _annotate_sample(database, tmp_path)
    exported = tmp_path / "notes.json"
    exported.write_text(export_annotations(database, "json"), encoding="utf-8")
    with database.session() as session:
        session.query(AnnotationRow).delete()
    path.write_text("Đoạn mở đầu mới.\n\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    add_document(database, path)
    result = import_w3c(database, exported)
    assert (result.imported, result.orphans) == (3, 0)
    text = "\n\n".join(block.text for block in get_document(database, document_id).blocks)
    for note in list_annotations(database):
        assert text[note.anchor.doc_start : note.anchor.doc_end] == note.anchor.exact
        assert note.anchor.doc_start > len("Đoạn mở đầu mới.")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "not valid JSON"),
        ('{"type": "Thing"}', "not W3C Web Annotation"),
        (
            '[{"type": "Annotation", "target": {"source": "x"}}]',
            r"\[0\]\.target\.selector: missing",
        ),
        (
            '[{"type": "Annotation", "target": {"source": "file:///nowhere/gone.txt", "selector": '
            '{"type": "TextQuoteSelector", "exact": "abc"}}}]',
            "not in the library",
        ),
    ],
)
def test_bad_import_file_names_the_problem_and_writes_nothing(database, tmp_path, content, problem):
    _annotate_sample(database, tmp_path)
    before = list_annotations(database)
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=problem) as raised:
        import_w3c(database, bad)
    assert str(bad) in str(raised.value)
    assert list_annotations(database) == before


def test_foreign_annotations_can_be_put_on_a_given_document(database, small_document, tmp_path):
    foreign = tmp_path / "hypothesis.json"
    foreign.write_text(
        json.dumps(
            {
                "@context": "http://www.w3.org/ns/anno.jsonld",
                "id": "https://example.org/anno/1",
                "type": "Annotation",
                "body": {"type": "TextualBody", "value": "ghi chú"},
                "target": {
                    "source": "https://example.org/page",
                    "selector": {
                        "type": "TextQuoteSelector",
                        "exact": "phát triển kinh tế",
                        "prefix": "tiếp tục ",
                    },
                },
            }
        ),
        encoding="utf-8",
    )
    result = import_w3c(database, foreign, document_id=small_document)
    assert (result.imported, result.orphans) == (1, 0)
    (note,) = list_annotations(database)
    assert (note.quote, note.note, note.status) == ("phát triển kinh tế", "ghi chú", "anchored")


def _translate(database, document_id: int) -> TranslationService:
    service = TranslationService(database)
    document = get_document(database, document_id)
    route = service.route("vi", "en")
    service.create_job(document, route, on_sentences=lambda batch: None).run()
    service.save_edit(document, 2, 0, "Vietnam keeps developing its economy.", to_code="en")
    return service


def test_markdown_groups_by_document_and_block_with_original_beside_translation(
    database, small_document, installed_vi_en
):
    _translate(database, small_document)
    annotate_quote(
        database,
        small_document,
        "phát triển kinh tế",
        note="**kinh tế** = economy",
        tags=["từ vựng"],
    )
    annotate_quote(database, small_document, "Nhiều cán bộ", colour="green")
    markdown = export_annotations(database, "md")
    assert markdown.startswith("# Annotations\n\n## Báo cáo năm 2023\n")
    blocks = markdown.split("### ¶ ")[1:]
    assert [block.split(" —")[0] for block in blocks] == ["2", "3"]
    assert (
        "| Việt Nam tiếp tục phát triển kinh tế. | Vietnam keeps developing its economy. |"
        in blocks[1]
    )
    assert "**kinh tế** = economy" in blocks[1] and "#từ vựng" in blocks[1]
    machine_row = next(line for line in blocks[0].splitlines() if line.startswith("| Nhiều"))
    assert machine_row.split("|")[2].strip(), "the cached machine translation is shown"


def test_anki_csv_has_the_sentence_in_front_and_translation_plus_note_behind(
    database, small_document, installed_vi_en
):
    _translate(database, small_document)
    note = annotate_quote(
        database,
        small_document,
        "phát triển kinh tế",
        note="kinh tế = economy\nsecond line",
        tags=["từ vựng"],
    )
    lines = export_annotations(database, "csv").splitlines()
    headers = [line for line in lines if line.startswith("#")]
    assert "#separator:comma" in headers and "#html:true" in headers
    assert "#tags column:4" in headers and "#guid column:1" in headers
    (row,) = list(csv.reader(io.StringIO("\n".join(lines[len(headers) :]))))
    guid, front, back, tags = row
    assert guid == note.uuid
    assert front == "Việt Nam tiếp tục <b>phát triển kinh tế</b>."
    assert back == "Vietnam keeps developing its economy.<br><br>kinh tế = economy<br>second line"
    assert tags == "từ_vựng"


def test_translation_side_note_exported_with_its_translation_marked(
    database, small_document, installed_vi_en
):
    _translate(database, small_document)
    note = annotate_quote(database, small_document, "economy", side="translation", note="kinh tế")
    assert note.translation.origin == "edited"
    row = list(csv.reader(io.StringIO(export_annotations(database, "csv"))))[-1]
    assert row[1] == "Việt Nam tiếp tục phát triển kinh tế."
    assert row[2].startswith("Vietnam keeps developing its <b>economy</b>.")
    exported = json.loads(export_annotations(database, "json"))["first"]["items"][0]
    assert exported["bireader:side"] == "translation"
    assert exported["bireader:translation"]["exact"] == "economy"


def test_translation_side_note_follows_an_edited_translation_or_is_exported_as_an_orphan(
    database, small_document, installed_vi_en
):
    service = _translate(database, small_document)
    note = annotate_quote(database, small_document, "economy", side="translation", note="kinh tế")
    document = get_document(database, small_document)
    service.save_edit(document, 2, 0, "Its economy is what Vietnam keeps developing.", to_code="en")
    row = list(csv.reader(io.StringIO(export_annotations(database, "csv"))))[-1]
    assert row[2].startswith("Its <b>economy</b> is what Vietnam keeps developing.")
    service.save_edit(document, 2, 0, "Vietnam keeps growing.", to_code="en")
    row = list(csv.reader(io.StringIO(export_annotations(database, "csv"))))[-1]
    assert "<b>" not in row[2] and row[2] == "kinh tế"  # no words of another translation
    markdown = export_annotations(database, "md")
    orphans = markdown.split("### Orphaned annotations")[1]
    assert "> economy" in orphans and "kinh tế" in orphans
    exported = json.loads(export_annotations(database, "json"))["first"]["items"][0]
    assert exported["bireader:status"] == "anchored"  # the backup keeps what is stored
    assert exported["bireader:translation"]["exact"] == "economy"
    assert list_annotations(database, small_document) == [note]


# --- CSV injection; where the export goes -------------------------------------------------

FORMULA_TEXT = (
    '=HYPERLINK("http://x") là một công thức.\n\n'
    "+84 912 345 678 là số điện thoại.\n\n"
    "-5 độ là nhiệt độ ban đêm.\n\n"
    "@tên_người đã viết bài này.\n"
)


def _csv_rows(text: str) -> list[list[str]]:
    lines = [line for line in text.split("\n") if not line.startswith("#")]  # a cell may hold CR
    return list(csv.reader(io.StringIO("\n".join(lines))))


def test_csv_cells_a_spreadsheet_would_run_as_formulas_are_made_inert(database, tmp_path):
    path = tmp_path / "formulas.txt"
    path.write_text(FORMULA_TEXT, encoding="utf-8")
    document_id = add_document(database, path, language="vi").document_id
    for quote, note, tag in [
        ("là một", "=1+1", "=cmd"),
        ("là số", "+SUM(A1)", "+tag"),
        ("là nhiệt", "-2+3", "-tag"),
        ("đã viết", "@SUM(A1)", "@tag"),
    ]:
        annotate_quote(database, document_id, quote, note=note, tags=[tag])
    rows = _csv_rows(export_annotations(database, "csv"))
    assert len(rows) == 4
    for guid, front, back, tags in rows:
        for cell in (front, back, tags):
            assert cell.startswith("'") and cell[1] in "=+-@", cell
        assert html.unescape(front[1:]).split()[0] in FORMULA_TEXT and not guid.startswith("'")


def test_csv_cells_starting_with_tab_or_carriage_return_are_made_inert(
    database, small_document, installed_vi_en
):
    document = get_document(database, small_document)
    service = TranslationService(database)
    for block, start in [(1, "\t"), (2, "\r")]:
        service.save_edit(document, block, 0, f"{start}=1+1 pasted", to_code="en")
        annotate_quote(database, small_document, document.blocks[block].sentences[0].text[:12])
    backs = [back for _, _, back, _ in _csv_rows(export_annotations(database, "csv"))]
    assert backs == ["'\t=1+1 pasted", "'\r=1+1 pasted"]


def test_cli_notes_export_goes_to_devices_streams_and_links_without_replacing_them(
    database, small_document, tmp_path, capsys
):
    from reader.cli import main

    annotate_quote(database, small_document, "Nhiều cán bộ", note="ghi chú")
    before = os.stat("/dev/null")
    assert main(["notes", "export", "--format", "json", "-o", "/dev/null"]) == 0
    assert os.stat("/dev/null").st_ino == before.st_ino
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    capsys.readouterr()
    assert main(["notes", "export", "--format", "md", "-o", "-"]) == 0
    assert capsys.readouterr().out.startswith("# Annotations")
    real = tmp_path / "real.md"
    real.write_text("old")
    link = tmp_path / "notes.md"
    link.symlink_to(real)
    previous = os.umask(0)
    try:
        assert main(["notes", "export", "--format", "md", "-o", str(link)]) == 0
    finally:
        os.umask(previous)
    assert link.is_symlink() and real.read_text(encoding="utf-8").startswith("# Annotations")
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    capsys.readouterr()
    assert main(["notes", "export", "--format", "md", "-o", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"bireader: {tmp_path}: is a folder, not a file\n"


def test_bookmarks_are_exported_with_the_notes(database, small_document, tmp_path) -> None:
    from reader.core.notes.bookmarks import add_bookmark

    annotate_quote(database, small_document, "tăng cường", note="ghi chú")
    add_bookmark(database, small_document, 2, 1, "Đời sống")
    markdown = export_annotations(database, "md", small_document)
    section = markdown[markdown.index("### Bookmarks") :]
    assert "**Đời sống** — “Đời sống người dân được cải thiện.”" in section
    collection = json.loads(export_annotations(database, "json", small_document))
    (bookmark,) = collection["bireader:bookmarks"]
    assert bookmark["motivation"] == "bookmarking"
    assert bookmark["target"]["selector"]["exact"] == "Đời sống người dân được cải thiện."
    assert collection["total"] == 1  # the items are the annotations, as before
    assert "Đời sống người dân" not in export_annotations(database, "csv", small_document)
    # a file with bookmarks still imports (its annotations) into another library
    path = tmp_path / "notes.json"
    path.write_text(json.dumps(collection), encoding="utf-8")
    result = import_w3c(database, path)
    assert result.skipped == 1  # already present here: same uuid
