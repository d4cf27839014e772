"""Sentence segmentation and language detection, offline and without heavy models.

`split_sentences(text, lang)` gives `(start, end)` character spans of the sentences of one block;
`detect_language(text)` gives an ISO 639-1 code, or "und" when the text is too short to tell.
"""

from reader.core.segment.language import UNDETERMINED, detect_language
from reader.core.segment.rules import split_sentences

__all__ = ["UNDETERMINED", "detect_language", "split_sentences"]
