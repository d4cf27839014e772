"""One importer per file format; each turns a file into a `RawDocument` of typed blocks."""

from reader.core.documents.importers.base import (
    Importer,
    RawBlock,
    RawDocument,
    importer_for,
    register_importer,
    registered_importers,
)

__all__ = [
    "Importer",
    "RawBlock",
    "RawDocument",
    "importer_for",
    "register_importer",
    "registered_importers",
]
