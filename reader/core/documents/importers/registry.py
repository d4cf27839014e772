"""The importers, in the one order in which they are asked whether a file is theirs.

Importing this module imports every importer, but none of their parsers: each importer imports
its heavy library inside `read()`, so the app starts without them.
"""

from __future__ import annotations

from pathlib import Path

from reader.core.documents.importers.base import Importer
from reader.core.documents.importers.docx import DocxImporter, LegacyOfficeImporter
from reader.core.documents.importers.epub import EpubImporter
from reader.core.documents.importers.html import HtmlImporter
from reader.core.documents.importers.image import ImageImporter
from reader.core.documents.importers.markdown import MarkdownImporter
from reader.core.documents.importers.pdf import PdfImporter
from reader.core.documents.importers.text import TextImporter

# Formats with a signature of their own first (EPUB and DOCX are both zips, each told by its own
# members; Office 97-2003 files by the OLE2 header; images by their magic number), then HTML,
# told by its markup; Markdown and plain text have no signature and are chosen by extension
# only, plain text last.
IMPORTERS: tuple[Importer, ...] = (
    PdfImporter(),
    EpubImporter(),
    DocxImporter(),
    LegacyOfficeImporter(),
    ImageImporter(),
    HtmlImporter(),
    MarkdownImporter(),
    TextImporter(),
)


def importer_for(path: Path, head: bytes) -> Importer | None:
    """The importer for a file: by content where a format can be recognised, else by extension.

    Content first, so a mis-named file is still read by the right importer; plain text is the
    fallback for an unknown extension, decided by the loader once it knows the bytes are text.
    """
    suffix = path.suffix.lower()
    by_extension = [imp for imp in IMPORTERS if suffix in imp.extensions]
    for importer in by_extension:
        if importer.sniff(path, head):
            return importer
    for importer in IMPORTERS:
        if importer not in by_extension and importer.sniff(path, head):
            return importer
    return by_extension[0] if by_extension else None
