"""One importer per file format; each turns a file into a `RawDocument` of typed blocks."""

from reader.core.documents.importers.base import Importer, RawBlock, RawDocument
from reader.core.documents.importers.registry import IMPORTERS, importer_for

__all__ = ["IMPORTERS", "Importer", "RawBlock", "RawDocument", "importer_for"]
