import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reader.core.documents.importers import IMPORTERS, importer_for
from tests.conftest import REPO
from tests.documents_helpers import DOCUMENTS

HEAVY_PARSERS = ("docx", "markdown_it", "pypdfium2", "readability", "lxml.html")


def _head(path: Path) -> bytes:
    return path.read_bytes()[:8192]


def test_each_format_has_one_importer_and_plain_text_is_last() -> None:
    names = [importer.name for importer in IMPORTERS]
    assert len(names) == len(set(names))
    assert {"pdf", "epub", "docx", "doc", "html", "md", "txt"} <= set(names)
    assert names[-1] == "txt"
    extensions = [ext for importer in IMPORTERS for ext in importer.extensions]
    assert len(extensions) == len(set(extensions))


@pytest.mark.parametrize(
    ("sample", "format"),
    [
        ("sample.pdf", "pdf"),
        ("sample.epub", "epub"),
        ("sample.docx", "docx"),
        ("sample.html", "html"),
    ],
)
@pytest.mark.parametrize("misnamed", ["document.txt", "document.md", "document.doc", "document"])
def test_a_format_with_a_signature_is_found_by_content_whatever_its_name(
    tmp_path: Path, sample: str, format: str, misnamed: str
) -> None:
    path = tmp_path / misnamed
    shutil.copy(DOCUMENTS / sample, path)
    assert importer_for(path, _head(path)).name == format


def test_formats_without_a_signature_are_found_by_extension(tmp_path: Path) -> None:
    markdown = tmp_path / "ghi-chu.MD"
    markdown.write_text("# Tiêu đề\n\nĐoạn văn.\n", encoding="utf-8")
    assert importer_for(markdown, _head(markdown)).name == "md"
    unknown = tmp_path / "du-lieu.xyz"
    unknown.write_text("Văn bản thuần.\n", encoding="utf-8")
    assert importer_for(unknown, _head(unknown)) is None  # the loader then tries plain text


def test_importing_the_importers_loads_no_parser_library() -> None:
    script = (
        "import sys, reader.core.documents.importers, reader.core.documents.loader; "
        f"print([name for name in {HEAVY_PARSERS!r} if name in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
