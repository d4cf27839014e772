"""Documents: the model (document → blocks → sentences) and the importers that build it."""

from reader.core.documents.loader import load_document
from reader.core.documents.model import Block, BlockKind, Document, Sentence

__all__ = ["Block", "BlockKind", "Document", "Sentence", "load_document"]
