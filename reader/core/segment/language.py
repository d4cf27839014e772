"""Language detection with py3langid: offline, its model (4.6 MB) ships inside the package.

`detect_language` returns an ISO 639-1 code ("vi", "en", ...), or `UNDETERMINED` ("und", the
ISO 639-2 code for "undetermined") when the text has no letters or the model is not confident,
as happens with a few words ("Sign In", "OK"). Callers choose their own default for "und".
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

_identifier: LanguageIdentifier | None = None
_identifier_lock = threading.Lock()


def detect_language(text: str) -> str:
    sample = text[:MAX_SAMPLE_CHARS]
    if not any(char.isalpha() for char in sample):
        return UNDETERMINED
    language, probability = _get_identifier().classify(sample)
    if probability < MIN_CONFIDENCE:
        return UNDETERMINED
    return language


def language_confidence(text: str) -> tuple[str, float]:
    """The most likely language and its probability, whatever it is (for comparing candidates)."""
    sample = text[:MAX_SAMPLE_CHARS]
    if not any(char.isalpha() for char in sample):
        return UNDETERMINED, 0.0
    language, probability = _get_identifier().classify(sample)
    return language, float(probability)


def _get_identifier() -> LanguageIdentifier:
    """The model, loaded once (about 0.7 s) on first use and shared between threads."""
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
