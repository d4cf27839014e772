"""`bireader glossary ...`: entries per pair, CSV and TBX-Basic round trips, bad files refused
whole, and `translate --format json` reporting what the translation lacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from reader.cli import main
from reader.core.storage import open_database
from reader.core.terms.exchange import TBX_NAMESPACE
from reader.core.terms.glossary import list_entries
from tests.terms_support import installed_copy_vi_en  # noqa: F401 (a fixture)


def run(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


PAIR = ("--from", "vi", "--to", "en")


def entries(capsys) -> list[dict]:
    code, out, _ = run(capsys, "glossary", "list", "--json")
    assert code == 0
    return json.loads(out)


def test_add_list_replace_remove(capsys):
    assert run(capsys, "glossary", "add", "Bộ Chính trị", "Politburo", *PAIR)[0] == 0
    assert run(capsys, "glossary", "add", "32-TB/TW", "--keep", "--case-sensitive", *PAIR)[0] == 0
    assert (
        run(capsys, "glossary", "add", "Bo Chinh tri", "X", "--accent-insensitive", *PAIR)[0] == 0
    )
    listed = {e["source"]: e for e in entries(capsys)}
    assert listed["Bộ Chính trị"]["target"] == "Politburo" and not listed["Bộ Chính trị"]["keep"]
    assert listed["32-TB/TW"]["keep"] and listed["32-TB/TW"]["case_sensitive"]
    assert not listed["Bo Chinh tri"]["accent_sensitive"]
    # The same source term again replaces its entry.
    assert run(capsys, "glossary", "add", "Bộ Chính trị", "the Politburo", *PAIR)[0] == 0
    assert [e["target"] for e in entries(capsys) if e["source"] == "Bộ Chính trị"] == [
        "the Politburo"
    ]
    assert run(capsys, "glossary", "remove", str(listed["Bo Chinh tri"]["id"]))[0] == 0
    assert len(entries(capsys)) == 2
    code, _, err = run(capsys, "glossary", "remove", "999")
    assert code == 2 and err.count("\n") == 1


def test_add_needs_a_target_or_keep(capsys):
    code, _, err = run(capsys, "glossary", "add", "Ban Bí thư", *PAIR)
    assert code == 2 and "--keep" in err and err.count("\n") == 1


@pytest.mark.parametrize("format", ["csv", "tbx"])
def test_export_then_import_gives_the_same_entries(capsys, tmp_path: Path, format):
    run(capsys, "glossary", "add", "Bộ Chính trị", "Politburo", *PAIR)
    run(capsys, "glossary", "add", "32-TB/TW", "--keep", *PAIR)
    run(capsys, "glossary", "add", "Ban Bí thư", "Secretariat", *PAIR)
    before = [(e["source"], e["target"], e["keep"]) for e in entries(capsys)]
    path = tmp_path / f"glossary.{format}"
    assert run(capsys, "glossary", "export", "--format", format, "-o", str(path))[0] == 0
    for entry in entries(capsys):
        run(capsys, "glossary", "remove", str(entry["id"]))
    code, out, _ = run(capsys, "glossary", "import", str(path), *PAIR)
    assert code == 0 and "3 entries" in out
    assert [(e["source"], e["target"], e["keep"]) for e in entries(capsys)] == before


def test_tbx_export_is_tbx_basic_v3(capsys, tmp_path: Path):
    run(capsys, "glossary", "add", "Ban Bí thư", "Secretariat", *PAIR)
    path = tmp_path / "out.tbx"
    run(capsys, "glossary", "export", "--format", "tbx", "-o", str(path))
    root = etree.parse(str(path)).getroot()
    assert root.tag == f"{{{TBX_NAMESPACE}}}tbx" and root.get("type") == "TBX-Basic"
    ns = {"t": TBX_NAMESPACE}
    terms = root.xpath("//t:conceptEntry/t:langSec/t:termSec/t:term/text()", namespaces=ns)
    assert terms == ["Ban Bí thư", "Secretariat"]


def test_tbx_v2_martif_is_read(capsys, tmp_path: Path):
    path = tmp_path / "old.tbx"
    path.write_text(
        '<?xml version="1.0"?><martif type="TBX-Basic"><text><body>'
        '<termEntry id="1"><langSet xml:lang="vi"><tig><term>Quốc hội</term></tig></langSet>'
        '<langSet xml:lang="en-GB"><tig><term>National Assembly</term></tig></langSet>'
        "</termEntry></body></text></martif>",
        encoding="utf-8",
    )
    assert run(capsys, "glossary", "import", str(path), *PAIR)[0] == 0
    assert [(e["source"], e["target"]) for e in entries(capsys)] == [
        ("Quốc hội", "National Assembly")
    ]


BAD_FILES = {
    "broken.tbx": "<tbx><text><body><conceptEntry>",
    "wrong-root.tbx": "<html><body/></html>",
    "no-lang.tbx": (
        f'<tbx xmlns="{TBX_NAMESPACE}"><text><body><conceptEntry>'
        "<langSec><termSec><term>A</term></termSec></langSec></conceptEntry></body></text></tbx>"
    ),
    "no-header.csv": "a,b\nBộ Chính trị,Politburo\n",
    "bad-flag.csv": "source,target,keep\nA,B,no\nC,D,maybe\n",
    "no-target.csv": "source,target\nA,B\nC,\n",
    "latin1.csv": b"source,target\nA,B\n" + b"caf\xe9,x\n",
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_bad_file_is_one_line_exit_2_and_nothing_is_imported(capsys, tmp_path, name):
    path = tmp_path / name
    content = BAD_FILES[name]
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    code, _, err = run(capsys, "glossary", "import", str(path), *PAIR)
    assert code == 2 and err.count("\n") == 1 and name in err
    assert list_entries(open_database()) == []


@pytest.mark.usefixtures("installed_copy_vi_en")
def test_translate_json_marks_sentences_whose_translation_lacks_a_term(capsys, tmp_path):
    path = tmp_path / "doc.txt"
    path.write_text(
        "Bộ Chính trị họp với Ban Bí thư.\n\n" + "Câu không có thuật ngữ.\n", encoding="utf-8"
    )
    run(capsys, "glossary", "add", "Bộ Chính trị", "Politburo", *PAIR)
    code, out, _ = run(capsys, "translate", str(path), *PAIR, "--format", "json")
    assert code == 0
    sentences = [s for block in json.loads(out)["blocks"] for s in block["sentences"]]
    assert sentences[0]["translation"] == "Politburo họp với Ban Bí thư."
    assert all(s["glossary_missing"] == [] for s in sentences)


@pytest.mark.usefixtures("installed_copy_vi_en")
def test_a_term_past_the_placeholders_is_reported_missing(capsys, tmp_path):
    # Ten placeholders a sentence: the eleventh occurrence reaches the model unprotected.
    path = tmp_path / "doc.txt"
    path.write_text(", ".join(["Bộ Chính trị"] * 11) + " họp.\n", encoding="utf-8")
    run(capsys, "glossary", "add", "Bộ Chính trị", "Politburo", *PAIR)
    code, out, _ = run(capsys, "translate", str(path), *PAIR, "--format", "json")
    (sentence,) = json.loads(out)["blocks"][0]["sentences"]
    assert code == 0 and sentence["glossary_missing"] == ["Bộ Chính trị"]
    assert sentence["translation"].count("Politburo") == 10
