"""`notes import` trusts nothing in its file: every malformed file is one clear InputError naming
the file and the first problem, and writes nothing; offsets that do not match the stored text
are re-anchored (or orphaned), never stored as anchored; no file the import names is read unless
asked (--add-documents)."""

from __future__ import annotations

import atexit
import copy
import functools
import json
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import event

from reader.core.errors import InputError
from reader.core.library import add_document, get_document, list_documents
from reader.core.notes import importer
from reader.core.notes.anchoring import DocumentText
from reader.core.notes.export import export_annotations
from reader.core.notes.importer import import_w3c
from reader.core.notes.models import AnnotationRow
from reader.core.notes.service import annotate_quote, list_annotations
from reader.core.notes.translations import SentenceTranslation
from reader.core.notes.w3c_schema import MAX_BODIES, MAX_NOTE_CHARS
from reader.core.storage import open_database
from reader.core.storage.db import Database
from tests.fuzz_support import collecting, count, fuzz_settings

TEXT = (
    "Nghị định số 30/2020/NĐ-CP\n\n"
    "Điều 1. Phạm vi điều chỉnh. Nghị định này quy định về công tác văn thư.\n\n"
    "Điều 2. Đối tượng áp dụng. Nghị định này áp dụng đối với cơ quan, tổ chức.\n"
)
QUOTE = "công tác văn thư"


@pytest.fixture
def exported(database, tmp_path: Path) -> dict:
    return export_of_one_annotation(database, tmp_path)


def export_of_one_annotation(database: Database, folder: Path) -> dict:
    """A valid export of one annotation (with a note and a tag), whose annotation is then
    deleted: importing it unchanged brings it back."""
    path = folder / "nghi-dinh.txt"
    path.write_text(TEXT, encoding="utf-8")
    document_id = add_document(database, path, language="vi").document_id
    annotate_quote(database, document_id, QUOTE, note="ghi chú", tags=["văn thư"])
    data = json.loads(export_annotations(database, "json"))
    with database.session() as session:
        session.query(AnnotationRow).delete()
    return data


def _item(data: dict) -> dict:
    return data["first"]["items"][0]


def _set(*keys, value) -> Callable[[dict], None]:
    """Set the value at a path inside the first annotation."""

    def change(data: dict) -> None:
        place = _item(data)
        for key in keys[:-1]:
            place = place[key]
        place[keys[-1]] = value

    return change


def _raw(literal: str, keys: tuple) -> Callable[[dict], str]:
    """Put text that json.dumps cannot write (Infinity, huge numbers, deep nesting) there."""

    def change(data: dict) -> str:
        _set(*keys, value="@@RAW@@")(data)
        return json.dumps(data).replace('"@@RAW@@"', literal)

    return change


def _replace(data: dict, text: str) -> None:
    data.clear()
    data.update(json.loads(text))


QUOTE_AT = ("target", "selector", 0)
POSITION_AT = ("target", "selector", 1)
BLOCK_AT = ("target", "bireader:block")

# (case id, change of the valid export (returns the file text when it is not plain JSON), what
# the one-line refusal must say)
MALFORMED: list[tuple[str, Callable, str]] = [
    ("negative position", _set(*POSITION_AT, "start", value=-5), "selector[1].start: must be ≥ 0"),
    ("negative block", _set(*BLOCK_AT, "index", value=-5), "bireader:block.index: must be ≥ 0"),
    ("position as string", _set(*POSITION_AT, "end", value="12"), ".end: must be an integer"),
    ("position as float", _set(*POSITION_AT, "end", value=12.5), ".end: must be an integer"),
    ("position as boolean", _set(*POSITION_AT, "end", value=True), ".end: must be an integer"),
    ("position 2**70", _set(*POSITION_AT, "end", value=2**70), ".end: must be ≤ 2147483647"),
    ("5,000 digits", _raw("9" * 5000, (*POSITION_AT, "end")), "has 5000 digits"),
    ("Infinity", _raw("Infinity", (*POSITION_AT, "end")), "Infinity is not a JSON number"),
    ("NaN", _raw("NaN", (*BLOCK_AT, "start")), "NaN is not a JSON number"),
    ("-Infinity", _raw("-Infinity", (*BLOCK_AT, "end")), "-Infinity is not a JSON number"),
    ("1e400", _raw("1e400", (*BLOCK_AT, "end")), "1e400 is out of range"),
    ("reversed span", _set(*POSITION_AT, "start", value=10**6), "before start"),
    ("bad urn:uuid", _set("id", value="urn:uuid:not-a-uuid"), "id: is not a valid urn:uuid"),
    ("month 13", _set("created", value="2020-13-45T00:00:00Z"), "created: "),
    ("year 1", _set("created", value="0001-01-01T00:00:00+05:00"), "must be between 1970"),
    ("year 9999", _set("modified", value="9999-12-31T23:59:59-05:00"), "must be between 1970"),
    ("no time zone", _set("created", value="2020-01-01T00:00:00"), "must have a time zone"),
    ("date as number", _set("created", value=1_600_000_000), "created: must be an ISO 8601"),
    ("empty quote", _set(*QUOTE_AT, "exact", value=""), "exact: must not be empty"),
    ("quote as number", _set(*QUOTE_AT, "exact", value=42), "exact: must be a string"),
    ("quote surrogate", _raw('"v\\ud800n"', (*QUOTE_AT, "exact")), "exact: contains a lone"),
    ("note surrogate", _raw('"\\udfff"', ("body", 0, "value")), "value: contains a lone"),
    ("note too long", _set("body", 0, "value", value="a" * (MAX_NOTE_CHARS + 1)), "longer than"),
    ("tag too long", _set("body", 1, "value", value="t" * 5000), "body[1]: a tag longer than"),
    ("body as number", _set("body", 0, value=7), "body[0]: must be an object"),
    ("too many bodies", _set("body", value=["x"] * (MAX_BODIES + 1)), "body: more than"),
    ("prefix too long", _set(*QUOTE_AT, "prefix", value="p" * 5000), "prefix: longer than"),
    ("no selector", lambda data: _item(data)["target"].pop("selector"), "selector: missing"),
    (
        "only position",
        _set("target", "selector", value=[{"type": "TextPositionSelector", "start": 1, "end": 2}]),
        "no TextQuoteSelector",
    ),
    ("no target", lambda data: _item(data).pop("target"), "items[0].target: missing"),
    ("target a string", _set("target", value="http://example.org"), "target: must be an object"),
    ("wrong type", _set("type", value="Note"), "items[0].type: must be one of"),
    ("unknown colour", _set("bireader:colour", value="red"), "bireader:colour: must be one of"),
    ("unknown status", _set("bireader:status", value="gone"), "bireader:status: must be one of"),
    ("extra block key", _set(*BLOCK_AT, "paragraph", value=3), "paragraph: unknown property"),
    (
        "translation no exact",
        _set("bireader:translation", value={"sentence": 0, "start": 0, "end": 1}),
        "bireader:translation.exact: missing",
    ),
    ("deep nesting", _raw("[" * 100_000 + "]" * 100_000, ("creator",)), "nested too deeply"),
    ("items not a list", lambda data: data["first"].update(items={}), "first.items: must be a"),
    ("item a number", lambda data: data["first"].update(items=[3]), "items[0]: must be an object"),
    (
        "hash a number",
        lambda data: data["bireader:documents"][0].update(contentHash=5),
        "contentHash: must be a string",
    ),
    ("not annotations", lambda data: _replace(data, '{"type": "Thing"}'), "not W3C Web Annotation"),
    ("trailing text", lambda data: json.dumps(data) + " x", "not valid JSON (Extra data"),
    ("not UTF-8", lambda data: json.dumps(data).encode() + b"\xff", "is not UTF-8"),
]


def _write(tmp_path: Path, data: dict, change: Callable) -> Path:
    data = copy.deepcopy(data)
    written = change(data)
    path = tmp_path / "notes.json"
    if isinstance(written, bytes):
        path.write_bytes(written)
    else:
        path.write_text(written if isinstance(written, str) else json.dumps(data), "utf-8")
    return path


def test_the_valid_export_imports(database, exported, tmp_path):
    result = import_w3c(database, _write(tmp_path, exported, lambda data: None))
    assert (result.imported, result.orphans) == (1, 0)
    (note,) = list_annotations(database)
    assert (note.quote, note.note, note.tags) == (QUOTE, "ghi chú", ("văn thư",))


@pytest.mark.parametrize(
    ("change", "problem"),
    [case[1:] for case in MALFORMED],
    ids=[case[0] for case in MALFORMED],
)
def test_malformed_file_is_one_line_naming_file_and_place_and_writes_nothing(
    database, exported, tmp_path, change, problem
):
    documents = list_documents(database)
    path = _write(tmp_path, exported, change)
    with pytest.raises(InputError) as raised:
        import_w3c(database, path)
    message = str(raised.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    assert problem in message
    assert list_annotations(database) == [] and list_documents(database) == documents


def test_file_larger_than_the_limit_is_refused_without_reading_it_all(
    database, exported, tmp_path, monkeypatch
):
    path = _write(tmp_path, exported, lambda data: None)
    monkeypatch.setattr(importer, "MAX_FILE_BYTES", path.stat().st_size - 1)
    with pytest.raises(InputError, match="annotation file is too large"):
        import_w3c(database, path)
    assert list_annotations(database) == []


def test_more_annotations_than_the_limit_are_refused(database, tmp_path):
    path = tmp_path / "many.json"
    path.write_text(json.dumps([{}] * 200_001), encoding="utf-8")
    with pytest.raises(InputError, match="more than 200000 items"):
        import_w3c(database, path)


def _text_of(database, document_id: int) -> str:
    return DocumentText.of(get_document(database, document_id)).text


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ((*BLOCK_AT, "index"), 999),  # past the last paragraph: export crashed on it
        ((*BLOCK_AT, "index"), 0),  # another paragraph, offsets still pointing at the quote
        ((*POSITION_AT, "start"), 0),  # wrong document offsets
        ((*BLOCK_AT, "start"), 3),  # block offsets that disagree with the document ones
        ((*QUOTE_AT, "prefix"), "một ngữ cảnh khác hẳn "),
    ],
)
def test_offsets_that_do_not_match_the_text_are_reanchored_onto_the_quote(
    database, exported, tmp_path, where, value
):
    path = _write(tmp_path, exported, _set(*where, value=value))
    result = import_w3c(database, path)
    assert (result.imported, result.orphans) == (1, 0)
    (note,) = list_annotations(database)
    anchor, text = note.anchor, _text_of(database, note.document_id)
    assert text[anchor.doc_start : anchor.doc_end] == QUOTE
    assert (
        DocumentText.of(get_document(database, note.document_id)).anchor(
            anchor.doc_start, anchor.doc_end
        )
        == anchor
    )
    for format in ("md", "csv"):
        assert QUOTE in export_annotations(database, format)


def test_a_quote_not_in_the_text_is_imported_as_an_orphan(database, exported, tmp_path):
    path = _write(tmp_path, exported, _set(*QUOTE_AT, "exact", value="không có trong văn bản"))
    result = import_w3c(database, path)
    assert (result.imported, result.orphans) == (1, 1)
    (note,) = list_annotations(database)
    assert note.status == "orphan"
    assert "không có trong văn bản" in export_annotations(database, "md")


def test_a_named_local_file_is_not_read_unless_asked(database, exported, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("mật khẩu: 1234\n", encoding="utf-8")

    path = _write(tmp_path, exported, _point_at(secret.as_uri()))
    before = list_documents(database)
    with pytest.raises(InputError, match=r"not in the library.*--add-documents"):
        import_w3c(database, path)
    assert list_documents(database) == before and list_annotations(database) == []
    result = import_w3c(database, path, add_documents=True)  # asked: added, the note orphaned
    assert (result.documents_added, result.orphans) == (1, 1)


def _point_at(source: str) -> Callable[[dict], None]:
    """Make the annotation's document one the library does not have, at `source`."""

    def change(data: dict) -> None:
        data["bireader:documents"] = []
        _item(data)["target"].update({"source": source, "bireader:contentHash": "0" * 64})

    return change


def test_a_file_iri_on_another_host_is_never_read(database, exported, tmp_path):
    path = _write(tmp_path, exported, _point_at("file://server/etc/passwd"))
    with pytest.raises(InputError, match="not in the library and its file is not there"):
        import_w3c(database, path, add_documents=True)


def test_translation_side_note_round_trips_and_a_wrong_sentence_is_corrected(
    database, exported, tmp_path
):
    (document,) = list_documents(database)
    sentences = get_document(database, document.id).blocks[1].sentences
    translations = {
        (1, sentence.index): SentenceTranslation(
            f"Sentence {sentence.index} of the scope.", "edited"
        )
        for sentence in sentences
    }
    last = sentences[-1].index
    note = annotate_quote(
        database, document.id, f"{last} of the", side="translation", translations=translations
    )
    data = json.loads(export_annotations(database, "json"))
    with database.session() as session:
        session.query(AnnotationRow).delete()
    import_w3c(database, _write(tmp_path, data, lambda data: None))
    assert [stored.to_json() for stored in list_annotations(database)] == [note.to_json()]

    with database.session() as session:
        session.query(AnnotationRow).delete()
    wrong_sentence = _set("bireader:translation", "sentence", value=last + 7)
    import_w3c(database, _write(tmp_path, data, wrong_sentence))
    (stored,) = list_annotations(database)
    assert (stored.status, stored.translation.sentence_index) == ("anchored", last)


# --- fuzz ---------------------------------------------------------------------------------

_json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**80), 2**80),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
_json_values = st.recursive(
    _json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
_paths = st.lists(st.integers(0, 12), min_size=1, max_size=5)


def _replace_somewhere(data: object, path: list[int], value: object) -> object:
    """Replace one node of `data` (the node chosen by walking `path` modulo each container's
    size) with `value`."""
    if not path or not isinstance(data, dict | list) or not data:
        return value
    keys = list(data) if isinstance(data, dict) else list(range(len(data)))
    key = keys[path[0] % len(keys)]
    data[key] = _replace_somewhere(data[key], path[1:], value)
    return data


@functools.cache
def _fuzz_library() -> tuple[Database, dict, Path]:
    """One library for every example (and for bench/fuzz_long.py, which runs this test
    without pytest's fixtures); each example deletes what the previous one imported."""
    folder = Path(tempfile.mkdtemp(prefix="bireader-fuzz-notes-"))
    database = open_database(folder / "library.sqlite3")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    atexit.register(database.close)  # runs first
    return database, export_of_one_annotation(database, folder), folder


@given(changes=st.lists(st.tuples(_paths, _json_values), min_size=1, max_size=4))
@fuzz_settings(0.5)
def test_fuzz_any_change_is_imported_soundly_or_refused_in_one_line(changes) -> None:
    count("notes_import")
    database, exported, folder = _fuzz_library()
    data = copy.deepcopy(exported)
    for path, value in changes:
        data = _replace_somewhere(data, path, value)
    file = folder / "fuzz.json"
    file.write_text(json.dumps(data), encoding="utf-8")
    with database.session() as session:
        session.query(AnnotationRow).delete()
    with collecting(file.read_bytes()):
        try:
            import_w3c(database, file)
        except InputError as error:
            assert str(error).startswith(f"{file}: ") and "\n" not in str(error)
            assert list_annotations(database) == []
            return
        for note in list_annotations(database):
            if note.status == "anchored":
                text = _text_of(database, note.document_id)
                assert text[note.anchor.doc_start : note.anchor.doc_end] == note.anchor.exact
        for format in ("md", "csv", "json"):
            export_annotations(database, format)


def test_more_annotations_than_sqlite_binds_at_once_import(database, exported, tmp_path):
    @event.listens_for(database.engine, "connect")
    def _old_sqlite_limit(dbapi_connection, _record) -> None:
        dbapi_connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)  # old builds' limit

    database.engine.dispose()
    [item] = exported["first"]["items"]
    items = [{**item, "id": f"urn:uuid:{uuid.uuid4()}"} for _ in range(1_200)]
    exported["first"]["items"], exported["total"] = items, len(items)
    path = tmp_path / "many.json"
    path.write_text(json.dumps(exported), encoding="utf-8")
    assert import_w3c(database, path).imported == 1_200
    assert import_w3c(database, path).skipped == 1_200


def test_a_document_added_by_an_import_is_read_once(database, exported, tmp_path, monkeypatch):
    from reader.core import library

    reads: list[Path] = []

    def counting(read):
        return lambda path, *args, **kwargs: reads.append(Path(path)) or read(path, *args, **kwargs)

    for module in (library, importer):
        if hasattr(module, "load_document"):
            monkeypatch.setattr(module, "load_document", counting(module.load_document))
    added = tmp_path / "added.txt"
    added.write_text(TEXT.replace("văn thư", "lưu trữ"), encoding="utf-8")
    path = _write(tmp_path, exported, _point_at(added.as_uri()))
    assert import_w3c(database, path, add_documents=True).documents_added == 1
    assert reads == [added]
