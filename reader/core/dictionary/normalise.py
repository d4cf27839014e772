"""The key a headword and the text pointed at are compared by.

Vietnamese writes one tone mark per syllable, on a vowel chosen by one of two conventions (old
"hoà", "thuỷ"; new "hòa", "thủy"), and dictionaries mix them. The key takes each syllable's tone
mark off its vowel and puts it at the syllable's end, so both spellings meet; the other marks
(circumflex, breve, horn) stay where they are, since they change the letter. Case, Unicode form
and runs of spaces do not count either.
"""

from __future__ import annotations

import re
import unicodedata

# Grave, acute, tilde, hook above, dot below: the five tone marks, as combining characters.
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_SYLLABLE = re.compile(r"\S+")


def headword_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return " ".join(_tone_last(syllable) for syllable in _SYLLABLE.findall(decomposed))


def _tone_last(syllable: str) -> str:
    tones = "".join(char for char in syllable if char in TONE_MARKS)
    if not tones:
        return syllable
    return "".join(char for char in syllable if char not in TONE_MARKS) + tones
