"""Language detection with py3langid: offline, its model (4.6 MB) ships inside the package.

`detect_language` returns an ISO 639-1 code ("vi", "en", ...), or `UNDETERMINED` ("und", the
ISO 639-2 code for "undetermined") when the text has no letters or the model is not confident,
as happens with a few words ("Sign In", "OK"). Callers choose their own default for "und".

Vietnamese, the language most documents here are in, is told from its letters first: the Latin
letters with a tone mark stacked on a modified vowel (ộ, ư, ẫ...) are written by no other living
language in any number, and checking for them costs microseconds where loading the model costs
0.7 s, which a window opening a Vietnamese file then never pays.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # py3langid pulls in NumPy: loaded on first use, not when the core is imported
    from py3langid.langid import LanguageIdentifier

UNDETERMINED = "und"
# Below this probability the answer is a guess: a few words, names, codes, mixed languages.
MIN_CONFIDENCE = 0.5
# The model's accuracy stops improving long before this; the cap keeps big books fast.
MAX_SAMPLE_CHARS = 20_000

# Vietnamese-only letters: Latin Extended Additional's Vietnamese range (U+1EA0-U+1EF9) but
# ẹ and ọ (Yoruba writes them too), and ơ/ư. A text is Vietnamese when they are a good share of
# its letters and several of them appear (one borrowed name does not make a text Vietnamese).
_VIETNAMESE_ONLY = frozenset(
    [chr(code) for code in range(0x1EA0, 0x1EFA) if chr(code) not in "ẸẹỌọ"] + list("ƠơƯư")
)
VIETNAMESE_MIN_SHARE = 0.08  # of the letters: running Vietnamese text has 16-20 %
VIETNAMESE_MIN_DISTINCT = 8

_identifier: LanguageIdentifier | None = None
_identifier_lock = threading.Lock()


def detect_language(text: str) -> str:
    sample = text[:MAX_SAMPLE_CHARS]
    if not any(char.isalpha() for char in sample):
        return UNDETERMINED
    if is_vietnamese_by_letters(sample):
        return "vi"
    language, probability = load_identifier().classify(sample)
    if probability < MIN_CONFIDENCE:
        return UNDETERMINED
    return language


def language_confidence(text: str) -> tuple[str, float]:
    """The most likely language and its probability, whatever it is (for comparing candidates)."""
    sample = text[:MAX_SAMPLE_CHARS]
    if not any(char.isalpha() for char in sample):
        return UNDETERMINED, 0.0
    if is_vietnamese_by_letters(sample):
        return "vi", 1.0
    language, probability = load_identifier().classify(sample)
    return language, float(probability)


def is_vietnamese_by_letters(text: str) -> bool:
    """Whether `text` (NFC) is Vietnamese by its letters alone; False means "ask the model"."""
    letters = sum(char.isalpha() for char in text)
    found = [char for char in text if char in _VIETNAMESE_ONLY]
    return (
        len(found) >= VIETNAMESE_MIN_SHARE * letters and len(set(found)) >= VIETNAMESE_MIN_DISTINCT
    )


def load_identifier() -> LanguageIdentifier:
    """The model, loaded once (about 0.7 s) on first use and shared between threads; the
    window calls it once its first screen is shown, so that a later document need not wait."""
    global _identifier
    with _identifier_lock:
        if _identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
            # The model also knows some languages that have only three-letter codes (and "zxx",
            # no linguistic content); our callers expect ISO 639-1 codes.
            identifier.set_languages([code for code in identifier.labels if len(code) == 2])
            _identifier = identifier
        return _identifier
