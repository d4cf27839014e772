"""How to OCR, set by the caller around an import (importers take only a path):

    with ocr_options(OcrOptions(progress=show, cancelled=stop_requested)):
        document = load_document(path)

The options hold for the caller's thread or task (a context variable). Light to import: the
CLI's commands and the window use it without loading Tesseract.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from reader.core.errors import ReaderError

DEFAULT_LANGUAGE = "vie"


@dataclass(frozen=True)
class OcrProgress:
    done: int  # pages finished, this one included
    total: int  # pages to OCR in this document
    cached: bool  # this page came from the cache, with no recognition


@dataclass(frozen=True)
class OcrOptions:
    language: str = DEFAULT_LANGUAGE
    progress: Callable[[OcrProgress], None] | None = None
    cancelled: Callable[[], bool] | None = None  # True: stop before the next page


class OcrCancelled(ReaderError):
    """The caller asked to stop; the pages done so far are cached, so a retry resumes."""


_options: ContextVar[OcrOptions | None] = ContextVar("ocr_options", default=None)


@contextmanager
def ocr_options(options: OcrOptions) -> Iterator[None]:
    token = _options.set(options)
    try:
        yield
    finally:
        _options.reset(token)


def current_options() -> OcrOptions:
    return _options.get() or OcrOptions()
