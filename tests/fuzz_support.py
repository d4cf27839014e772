"""Hypothesis strategies and checks shared by the fuzz tests and `bench/fuzz_long.py`.

The number of examples per test comes from `BIREADER_FUZZ_EXAMPLES` (bounded in CI, large in the
bench), and every test counts the examples it really ran in `EXAMPLES_RUN` so the bench can
report them.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from reader.core.documents import Block, BlockKind, Document
from reader.core.errors import ReaderError

DOCUMENTS = Path(__file__).resolve().parent / "data" / "documents"
EXAMPLES = int(os.environ.get("BIREADER_FUZZ_EXAMPLES", "60"))
EXAMPLES_RUN: Counter[str] = Counter()
# bench/fuzz_long.py sets this: unexpected exceptions are collected (one reproducer per distinct
# place) instead of stopping the run at the first one.
COLLECT = os.environ.get("BIREADER_FUZZ_COLLECT")
FAILURES: dict[str, tuple[str, bytes | str]] = {}


def fuzz_settings(scale: float = 1.0) -> settings:
    return settings(
        max_examples=max(1, int(EXAMPLES * scale)),
        deadline=None,
        derandomize=os.environ.get("BIREADER_FUZZ_RANDOM") is None,  # CI: reproducible
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
            HealthCheck.large_base_example,
        ],
        database=None,
    )


def count(name: str) -> None:
    EXAMPLES_RUN[name] += 1


def assert_sound(document: Document) -> None:
    """What every consumer of a Document relies on."""
    assert document.blocks
    for index, block in enumerate(document.blocks):
        assert block.index == index
        _assert_text_sound(block)
        previous_end = 0
        for number, sentence in enumerate(block.sentences):
            assert sentence.index == number
            assert previous_end <= sentence.start < sentence.end <= len(block.text)
            assert sentence.text == block.text[sentence.start : sentence.end]
            previous_end = sentence.end
    for _level, title, block_index in document.toc:
        assert 0 <= block_index < len(document.blocks) and isinstance(title, str)


def _assert_text_sound(block: Block) -> None:
    """Text with no whitespace around it, except where it means something: a table's empty
    first or last cell, code's indentation."""
    if block.kind is BlockKind.TABLE:
        cells = [block.text[start:end] for row in block.cell_spans() for start, end in row]
        assert any(cells) and all(cell == cell.strip() for cell in cells)
    elif block.kind is BlockKind.CODE:
        assert block.text.strip() and block.text == block.text.strip("\n").rstrip()
    else:
        assert block.text and block.text == block.text.strip()


def collecting(reproducer: bytes | str):
    """In the bench's collect mode, record an unexpected exception instead of raising it."""
    return _Collector(reproducer)


class _Collector:
    def __init__(self, reproducer: bytes | str):
        self.reproducer = reproducer

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, error, trace) -> bool:
        if error is None or not COLLECT or isinstance(error, KeyboardInterrupt):
            return False
        import traceback

        frames = traceback.extract_tb(trace)
        ours = [frame for frame in frames if "/reader/" in frame.filename] or frames
        where = f"{Path(ours[-1].filename).name}:{ours[-1].lineno}"
        key = f"{kind.__name__} at {where}"
        FAILURES.setdefault(key, (f"{kind.__name__}: {str(error)[:300]}", self.reproducer))
        return True


def load_or_refuse(path: Path) -> Document | None:
    """Load; our clear refusals (`ReaderError` naming the file) are fine, anything else fails."""
    from reader.core.documents import load_document

    with collecting(path.read_bytes()):
        return _load_or_refuse(path, load_document)
    return None


def _load_or_refuse(path: Path, load_document) -> Document | None:
    try:
        document = load_document(path)
    except ReaderError as error:
        assert str(path) in str(error), f"refusal does not name the file: {error}"
        assert "\n" not in str(error).strip(), f"refusal is not one line: {error!r}"
        return None
    assert_sound(document)
    return document


# --- byte and text mutations --------------------------------------------------------------------

# Fragments that steer mutations towards interesting parser states.
TOKENS = [
    b"<",
    b">",
    b"</",
    b"/>",
    b"<!--",
    b"-->",
    b"<![CDATA[",
    b"]]>",
    b"&",
    b"&amp;",
    b"&#0;",
    b"&#x110000;",
    b"&nbsp;",
    b"&undefined;",
    b'"',
    b"'",
    b"=",
    b"<p>",
    b"</p>",
    b"<div>",
    b"<script>",
    b"</script>",
    b"<h1>",
    b"<li>",
    b"<table><tr><td>",
    b"<br>",
    b"<pre>",
    b'<!DOCTYPE x [<!ENTITY a "aaaa">]>',
    b"&a;",
    b"<?xml version='1.0'?>",
    b"\x00",
    b"\xff",
    b"\xef\xbb\xbf",
    b"\xc3",
    b"\xe1\xbb\x87",
    b"\r",
    b"\n\n",
    b"\t",
    b" ",
    b"#",
    b"*",
    b"`",
    b"```",
    b"|",
    b"- ",
    b"1. ",
    b"> ",
    b"[x](y)",
    b"![i](../../etc/passwd)",
    b"Vi\xe1\xbb\x87t",
    b'xmlns="http://www.w3.org/1999/xhtml"',
    b'epub:type="footnote"',
    b"<w:p>",
    b"</w:p>",
    b"<w:t>",
    b"</w:t>",
    b"<w:r>",
    b"</w:r>",
    b"obj",
    b"endobj",
    b"stream",
    b"endstream",
    b"/Length 99999999",
    b"xref",
    b"trailer",
    b"%%EOF",
    b"(",
    b")",
    b"<<",
    b">>",
]

mutation = st.tuples(
    st.sampled_from(["flip", "insert", "delete", "duplicate", "truncate", "token"]),
    st.floats(0, 1, allow_nan=False),
    st.integers(0, 400),
    st.sampled_from(TOKENS),
    st.integers(0, 255),
)
mutations = st.lists(mutation, min_size=1, max_size=8)


def mutate(data: bytes, changes: list) -> bytes:
    buffer = bytearray(data)
    for kind, where, length, token, byte in changes:
        at = int(where * len(buffer))
        if kind == "flip" and buffer:
            buffer[min(at, len(buffer) - 1)] = byte
        elif kind == "insert":
            buffer[at:at] = bytes([byte]) * (length % 9 + 1)
        elif kind == "delete":
            del buffer[at : at + length]
        elif kind == "duplicate":
            buffer[at:at] = buffer[at : at + length]
        elif kind == "truncate":
            del buffer[at:]
        elif kind == "token":
            buffer[at:at] = token
    return bytes(buffer)


def rezip(seed: Path, member_choice: float, changes: list) -> bytes:
    """The seed archive with one member's bytes mutated (structure-aware: the zip stays valid,
    so the importer's own parsing of the member is what gets exercised)."""
    with zipfile.ZipFile(seed) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    victim = min(int(member_choice * len(members)), len(members) - 1)
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        for index, (info, data) in enumerate(members):
            if index == victim:
                data = mutate(data, changes)
            stored = info.filename == "mimetype"  # EPUB readers expect it uncompressed
            compression = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            archive.writestr(info.filename, data, compress_type=compression)
    return output.getvalue()


# --- generated HTML ---------------------------------------------------------------------------

TAGS = [
    "p",
    "div",
    "span",
    "h1",
    "h2",
    "h3",
    "ul",
    "ol",
    "li",
    "table",
    "tr",
    "td",
    "th",
    "pre",
    "code",
    "blockquote",
    "a",
    "b",
    "i",
    "sup",
    "br",
    "hr",
    "img",
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "template",
    "noscript",
    "nav",
    "header",
    "footer",
    "article",
    "main",
    "section",
    "aside",
    "figure",
    "figcaption",
    "details",
    "summary",
    "form",
    "input",
    "button",
    "video",
    "audio",
    "source",
    "dl",
    "dt",
    "dd",
    "center",
    "caption",
    "label",
    "x-custom",
    "html",
    "body",
    "head",
    "title",
    "meta",
]
ATTRIBUTES = [
    'class="share"',
    'class="footnote"',
    'id="fn1"',
    "hidden",
    'style="display:none"',
    'role="navigation"',
    'epub:type="footnote"',
    'lang="vi"',
    'lang="en-GB"',
    'href="javascript:alert(1)"',
    'src="http://127.0.0.1:9/x.png"',
    'href="file:///etc/passwd"',
    'srcset="http://127.0.0.1:9/a.png 2x"',
    'class="content article"',
    'id="main"',
    'data-x="&quot;"',
    'onload="fetch(1)"',
    'class=""',
    'style="visibility : hidden"',
]
words = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30
) | st.sampled_from(["Việt Nam.", "Điều 1.", "TP. Hà Nội", "Hello world. Bye.", "…", " "])


def _element(children):
    return st.tuples(
        st.sampled_from(TAGS),
        st.lists(st.sampled_from(ATTRIBUTES), max_size=3),
        children,
        st.booleans(),
    ).map(lambda t: f"<{t[0]} {' '.join(t[1])}>{''.join(t[2])}" + (f"</{t[0]}>" if t[3] else ""))


html_fragment = st.recursive(
    words.map(lambda text: text.replace("<", "&lt;")),
    lambda children: _element(st.lists(children, max_size=5)),
    max_leaves=40,
)
html_page = st.tuples(
    st.sampled_from(
        [
            "",
            "<!DOCTYPE html>",
            "<?xml version='1.0' encoding='utf-8'?>",
            "<meta charset='windows-1258'>",
            "<html lang='vi'>",
        ]
    ),
    st.lists(html_fragment, max_size=6),
).map(lambda t: t[0] + "<html><body>" + "".join(t[1]) + "</body></html>")
