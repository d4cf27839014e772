"""Glossary files: CSV for people (a spreadsheet), TBX-Basic for CAT tools.

TBX is TBX v3 (ISO 30042:2019), dialect TBX-Basic: `<tbx type="TBX-Basic">`, one `conceptEntry`
per entry, a `langSec` per language, each with a `termSec` holding the `term`. A "keep as is"
entry has the same term in both languages. TBX v2 files (`martif`, `termEntry`/`langSet`/`tig`)
are read too, as older tools still write them. Reading checks the structure and refuses the
whole file at the first problem: nothing is half-imported.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from lxml import etree

from reader.core.documents.files import SizeLimit, read_document_bytes
from reader.core.errors import InputError, ReaderError
from reader.core.terms.glossary import GlossaryEntry, make_entry

FORMATS = ("csv", "tbx")
CSV_COLUMNS = ("source", "target", "from", "to", "keep", "case_sensitive", "accent_sensitive")
TBX_NAMESPACE = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
GLOSSARY_FILE_LIMIT = SizeLimit(50 * 2**20, "glossary file")
_TRUE, _FALSE = {"1", "true", "yes", "y"}, {"0", "false", "no", "n", ""}


# --- writing ----------------------------------------------------------------------------------


def write_csv(entries: Iterable[GlossaryEntry]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        writer.writerow(
            [
                entry.source,
                entry.target or "",
                entry.source_language,
                entry.target_language,
                _yes(entry.keep),
                _yes(entry.case_sensitive),
                _yes(entry.accent_sensitive),
            ]
        )
    return out.getvalue()


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def write_tbx(entries: Iterable[GlossaryEntry], source_language: str = "vi") -> bytes:
    def element(parent, name: str, attributes: dict | None = None) -> etree._Element:
        return etree.SubElement(parent, f"{{{TBX_NAMESPACE}}}{name}", attributes)

    root = etree.Element(
        f"{{{TBX_NAMESPACE}}}tbx",
        {"style": "dca", "type": "TBX-Basic", XML_LANG: source_language},
        nsmap={None: TBX_NAMESPACE},
    )
    source_description = element(element(element(root, "tbxHeader"), "fileDesc"), "sourceDesc")
    element(source_description, "p").text = "Glossary exported by Bilingual Reader"
    body = element(element(root, "text"), "body")
    for number, entry in enumerate(entries, 1):
        concept = element(body, "conceptEntry", {"id": f"c{number}"})
        for language, term in (
            (entry.source_language, entry.source),
            (entry.target_language, entry.replacement),
        ):
            section = element(concept, "langSec", {XML_LANG: language})
            element(element(section, "termSec"), "term").text = term
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# --- reading ----------------------------------------------------------------------------------


def read_glossary_file(
    path: str | Path, source_language: str, target_language: str
) -> list[GlossaryEntry]:
    """The entries of a CSV or TBX file (told apart by their content); InputError on anything
    wrong in it, naming where."""
    path = Path(path)
    # A FIFO, a device or a folder is refused for what it is, before it is opened (no blocking).
    data = read_document_bytes(path, GLOSSARY_FILE_LIMIT)
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return read_tbx(path, data, source_language, target_language)
    return read_csv(path, data, source_language, target_language)


def read_csv(
    path: Path, data: bytes, source_language: str, target_language: str
) -> list[GlossaryEntry]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(path, f"not UTF-8 text (byte {error.start})") from error
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or ()]
    if "source" not in header or "target" not in header:
        raise InputError(path, f"a glossary CSV needs a header with {', '.join(CSV_COLUMNS)}")
    reader.fieldnames = header
    entries = []
    for row in reader:
        try:
            entries.append(_csv_entry(row, source_language, target_language))
        except (ReaderError, ValueError) as error:
            raise InputError(path, f"line {reader.line_num}: {error}") from error
    return entries


def _csv_entry(row: dict, source_language: str, target_language: str) -> GlossaryEntry:
    if None in row:
        raise ValueError("more cells than the header has")
    keep = _flag(row, "keep", False)
    target = (row.get("target") or "").strip()
    if not keep and not target:
        raise ValueError("no target term (write one, or keep=yes to keep the term as it is)")
    return make_entry(
        row.get("source") or "",
        None if keep else target,
        (row.get("from") or source_language).strip(),
        (row.get("to") or target_language).strip(),
        case_sensitive=_flag(row, "case_sensitive", False),
        accent_sensitive=_flag(row, "accent_sensitive", True),
    )


def _flag(row: dict, column: str, default: bool) -> bool:
    value = row.get(column)
    if value is None:
        return default
    value = value.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return default if value == "" else False
    raise ValueError(f"{column} is {value!r}, not yes or no")


def read_tbx(
    path: Path, data: bytes, source_language: str, target_language: str
) -> list[GlossaryEntry]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise InputError(path, f"not well-formed XML ({error})") from error
    kind = etree.QName(root).localname
    if kind == "tbx":
        concepts, sections, term_path = "conceptEntry", "langSec", ("termSec", "term")
    elif kind == "martif":
        concepts, sections, term_path = "termEntry", "langSet", ("tig", "term")
    else:
        raise InputError(path, f"not a TBX file (its root is <{kind}>, not <tbx>)")
    if not _children(root, "text", "body"):
        raise InputError(path, "a TBX file without <text><body>: no entries")
    entries = []
    for number, concept in enumerate(_children(root, "text", "body", concepts), 1):
        terms = _concept_terms(path, number, concept, sections, term_path)
        if source_language in terms and target_language in terms:
            source, target = terms[source_language], terms[target_language]
            entries.append(
                make_entry(
                    source,
                    None if target == source else target,
                    source_language,
                    target_language,
                    case_sensitive=False,
                )
            )
    if not entries:
        pair = f"{source_language} and {target_language}"
        raise InputError(path, f"no entry has terms in both {pair}")
    return entries


def _concept_terms(
    path: Path, number: int, concept, sections: str, term_path: tuple[str, str]
) -> dict[str, str]:
    """{language: its first term} of one concept entry."""
    terms = {}
    for section in _children(concept, sections):
        language = section.get(XML_LANG) or section.get("lang")
        if not language:
            raise InputError(path, f"entry {number}: a <{sections}> without xml:lang")
        found = ["".join(term.itertext()).strip() for term in _children(section, *term_path)]
        if not found or not found[0]:
            raise InputError(path, f"entry {number}: no <term> in {language}")
        terms.setdefault(language.split("-")[0].lower(), found[0])
    if not terms:
        raise InputError(path, f"entry {number}: no <{sections}>")
    return terms


def _children(element, *names: str) -> list:
    """The elements at this path of local names under `element` (any namespace)."""
    found = [element]
    for name in names:
        found = [
            child
            for parent in found
            for child in parent
            if isinstance(child.tag, str) and etree.QName(child).localname == name
        ]
    return found
