"""Recognise the text of a page image with Tesseract (through tesserocr).

A page gives paragraphs as Tesseract's layout analysis finds them (`RIL.PARA`), the lines of
each joined by spaces. Each paragraph keeps its mean word confidence and the spans of the words
Tesseract was unsure of, so the text itself stays clean and the reader can still be warned.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from reader.core.documents.decoding import normalise
from reader.core.errors import ReaderError
from reader.core.ocr.data import OcrData

# Tesseract's word confidences (0-100) below this are worth a second look: misread diacritics
# and broken words score in the 30s-50s, clean print above 85.
LOW_CONFIDENCE = 60.0
_HYPHENS = ("-", "\u2010")
# Below this a page is straight enough; beyond the maximum the measure is not a skew (a table's
# rules, a picture) and turning the page would do harm.
MIN_DESKEW_DEGREES = 0.2
MAX_DESKEW_DEGREES = 10.0
# A poster-sized page is read smaller rather than cost Tesseract gigabytes (~A4 at 900 dpi).
MAX_PAGE_PIXELS = 60_000_000


@dataclass(frozen=True)
class OcrParagraph:
    text: str
    confidence: float  # mean word confidence, 0-100, weighted by word length
    low_confidence: tuple[tuple[int, int], ...]  # (start, end) of unsure words in `text`

    def to_json(self) -> dict:
        return {
            "text": self.text,
            "confidence": self.confidence,
            "low_confidence": [list(span) for span in self.low_confidence],
        }

    @classmethod
    def from_json(cls, raw: dict) -> OcrParagraph:
        spans = tuple((int(start), int(end)) for start, end in raw["low_confidence"])
        return cls(str(raw["text"]), float(raw["confidence"]), spans)


class _ParagraphBuilder:
    def __init__(self) -> None:
        self.text = ""
        self.weighted = 0.0
        self.letters = 0
        self.low: list[tuple[int, int]] = []

    def add(self, word: str, confidence: float, new_line: bool) -> None:
        word = normalise(word).strip()
        if not word:
            return
        if self.text and new_line and self.text.endswith(_HYPHENS) and word[:1].islower():
            self.text = self.text[:-1]  # "hyphen-" + "ated": a word split at a line's end
            if self.low and self.low[-1][1] > len(self.text):
                self.low[-1] = (self.low[-1][0], len(self.text))
        elif self.text:
            self.text += " "
        start = len(self.text)
        self.text += word
        self.weighted += confidence * len(word)
        self.letters += len(word)
        if confidence < LOW_CONFIDENCE:
            self.low.append((start, len(self.text)))

    def build(self) -> OcrParagraph | None:
        if not self.text:
            return None
        return OcrParagraph(self.text, round(self.weighted / self.letters, 1), tuple(self.low))


@dataclass(frozen=True, slots=True)
class _Word:
    text: str
    confidence: float
    starts_paragraph: bool
    starts_line: bool


def _paragraphs(words: Iterable[_Word]) -> list[OcrParagraph]:
    paragraphs: list[OcrParagraph] = []
    current = _ParagraphBuilder()
    for word in words:
        if word.starts_paragraph and (done := current.build()) is not None:
            paragraphs.append(done)
            current = _ParagraphBuilder()
        current.add(word.text, word.confidence, word.starts_line)
    if (done := current.build()) is not None:
        paragraphs.append(done)
    return paragraphs


def tesseract():
    """The tesserocr module; a clear error where it could not be installed (no wheel for the
    platform, no compiler for its source)."""
    try:
        import tesserocr
    except ImportError as error:
        raise ReaderError(
            f"OCR is not available: tesserocr cannot be loaded ({error}); "
            "install it with `pip install tesserocr`"
        ) from error
    return tesserocr


class OcrEngine:
    """One Tesseract instance for a language, reused page after page (loading costs ~0.3 s)."""

    def __init__(self, data: OcrData) -> None:
        tesserocr = tesseract()
        self.data = data
        try:
            self._api = tesserocr.PyTessBaseAPI(
                path=str(data.tessdata_dir), lang=data.language, psm=tesserocr.PSM.AUTO
            )
        except RuntimeError as error:  # a damaged file put there by hand, or cut by a full disk
            raise ReaderError(
                f"{data.path}: Tesseract cannot load this OCR data; "
                f"reinstall it with `bireader ocr install {data.language}`"
            ) from error

    def close(self) -> None:
        self._api.End()

    def __enter__(self) -> OcrEngine:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def recognise(self, image) -> list[OcrParagraph]:
        """The paragraphs of a PIL image, in Tesseract's reading order."""
        self._api.SetImage(self._upright(_within_size(image).convert("L")))
        self._api.Recognize()
        return _paragraphs(self._words())

    def _words(self) -> Iterator[_Word]:
        from tesserocr import RIL, iterate_level

        iterator = self._api.GetIterator()
        if iterator is None:  # nothing recognised
            return
        for word in iterate_level(iterator, RIL.WORD):
            try:
                text = word.GetUTF8Text(RIL.WORD)
            except RuntimeError:  # "No text returned": an empty page, or a picture
                continue
            yield _Word(
                text,
                word.Confidence(RIL.WORD),
                starts_paragraph=word.IsAtBeginningOf(RIL.PARA),
                starts_line=word.IsAtBeginningOf(RIL.TEXTLINE),
            )

    def _upright(self, image):
        """The page turned back by its skew. Scans are often a degree or two askew, and Tesseract
        then loses whole lines where a line's end drifts into the next; its layout analysis
        measures the skew (0.3 s a page), so the page is straightened before it is read."""
        from PIL import Image

        self._api.SetImage(image)
        layout = self._api.AnalyseLayout()
        if layout is None:
            return image
        skew = math.degrees(layout.Orientation()[3])
        if not MIN_DESKEW_DEGREES <= abs(skew) <= MAX_DESKEW_DEGREES:
            return image
        return image.rotate(skew, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)


def _within_size(image):
    pixels = image.width * image.height
    if pixels <= MAX_PAGE_PIXELS:
        return image
    return image.reduce(math.ceil(math.sqrt(pixels / MAX_PAGE_PIXELS)))
