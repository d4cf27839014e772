"""Fuzzing what the app writes for others to read: every Anki CSV cell stays inert in a
spreadsheet and in its cell, every Markdown code fence holds its code, and XML-bound text is
well-formed whatever the characters in it."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from markdown_it import MarkdownIt

from reader.core.documents.decoding import normalise
from reader.core.export import _md_fence, xml_safe
from reader.core.notes.export import _FORMULA_STARTS, _inert
from tests.fuzz_support import fuzz_settings

# Text full of what breaks outputs: formula starts, quotes, separators, backticks, controls.
hostile_text = st.text(
    alphabet=st.sampled_from("=+-@\t\r\n\"',;`~|<>&\x00\x1b\x7f\ud7ffaĐ ") | st.characters(),
    max_size=80,
)


@fuzz_settings()
@given(cells=st.lists(hostile_text, min_size=1, max_size=4))
def test_csv_cells_are_inert_and_stay_in_their_cell(cells: list[str]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL).writerow(map(_inert, cells))
    (row,) = csv.reader(io.StringIO(out.getvalue()))
    assert len(row) == len(cells)
    for written, original in zip(row, cells, strict=True):
        assert not written.startswith(_FORMULA_STARTS)
        assert written in (original, f"'{original}")


@fuzz_settings()
@given(code=hostile_text.map(normalise).filter(lambda text: text.strip()))
def test_a_markdown_fence_holds_any_code(code: str) -> None:
    # as imported: `normalise` has unified line ends and dropped control characters
    tokens = MarkdownIt("commonmark").parse(_md_fence(code) + "\n\nafter\n")
    fences = [token for token in tokens if token.type == "fence"]
    assert len(fences) == 1
    assert fences[0].content.rstrip("\n") == code.rstrip("\n")


@fuzz_settings()
@given(text=st.text(max_size=200))
def test_text_made_xml_safe_always_parses(text: str) -> None:
    safe = xml_safe(text)
    escaped = safe.replace("&", "&amp;").replace("<", "&lt;")
    element = etree.fromstring(f"<p>{escaped}</p>".encode("utf-8", "surrogatepass"))
    assert (element.text or "") == safe.replace("\r\n", "\n").replace("\r", "\n")  # XML's own
