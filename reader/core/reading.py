"""Opening a document for reading: the use case the window and the CLI share (Qt-free).

Import a file (or rebuild a library document), decide the target language and the route that
translates into it, gather the cached translations, and say early what can be translated while
the document is still being stored and shown. Callers run this off their GUI thread.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from reader.core.errors import ReaderError

if TYPE_CHECKING:  # imported lazily: SQLAlchemy, CTranslate2...
    from reader.core.changes import Changes
    from reader.core.documents import Document
    from reader.core.library import LibraryEntry
    from reader.core.storage import Database
    from reader.core.translate.catalogue import CatalogueEntry
    from reader.core.translate.service import Route, TranslatedSentence, TranslationService

log = logging.getLogger(__name__)

# Blocks from the reading position a job started before the document is shown translates first
# (the window then says which blocks are on screen): about a screenful.
EARLY_PRIORITY_BLOCKS = 12


class ReadingContext(Protocol):
    """Where the database and the translation service come from (the window's `AppContext`
    opens them on first use)."""

    def database(self) -> Database: ...

    def service(self) -> TranslationService: ...


@dataclass
class OpenedDocument:
    """Everything a reader needs to show a document, prepared off the GUI thread."""

    document_id: int
    document: Document
    target_language: str
    route: Route | None
    cached: dict[tuple[int, int], TranslatedSentence]
    reading_block: int
    download: CatalogueEntry | None = None  # offered when `route` is None
    notes: list[str] = field(default_factory=list)


@dataclass
class EarlyTranslation:
    """A document whose translation can start while it is still being stored and shown."""

    document: Document
    route: Route
    cached: dict[tuple[int, int], TranslatedSentence]  # what the window will show at once
    priority: list[int]  # blocks to translate first: from the reading position


@dataclass
class OpeningPlan:
    """What opening decided once the language was known: into what, by which route, and the
    library entry the file matches (None for a new text)."""

    target: str
    route: Route | None
    previous: LibraryEntry | None = None
    cached: dict[tuple[int, int], TranslatedSentence] = field(default_factory=dict)


def default_target(source_language: str, preferred: str) -> str:
    """The reader's preferred target, unless the text is in it: then English, or Vietnamese
    for an English text."""
    if preferred and preferred != source_language:
        return preferred
    return "vi" if source_language == "en" else "en"


_gc_pauses = 0
_gc_lock = threading.Lock()


@contextmanager
def collecting_once() -> Iterator[None]:
    """Loading a big document creates 100,000s of long-lived objects; every automatic full
    collection meanwhile would scan them all while holding the GIL, freezing the window several
    times. Pause the cyclic GC while loading and collect once, at the end (the window then
    `gc.freeze()`s the survivors, which live as long as the document is shown)."""
    global _gc_pauses
    with _gc_lock:
        _gc_pauses += 1
        gc.disable()
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            last = _gc_pauses == 0
        if last:
            gc.collect(1)  # only the young generations: what loading created
            gc.enable()


def open_file(
    context: ReadingContext,
    path: Path,
    source_language: str | None,
    target_language: str | None,
    preferred_target: str,
    on_route: Callable[[Route], None] | None = None,
    on_translatable: Callable[[EarlyTranslation], None] | None = None,
) -> OpenedDocument:
    """Import (or re-import) a file into the library and prepare it for display.

    So that the translation can start before the document is stored and shown, two callbacks
    (called from this thread) say what is known as soon as it is: `on_route(route)` once the
    language is known, before the text is segmented, if a model translates it (the model can
    load meanwhile); `on_translatable` once the document is segmented and its cached
    translations are known, if anything is left to translate."""
    from reader.core.documents import load_document

    plans: list[OpeningPlan] = []  # filled by `language_decided`, from inside the loading

    def known_language(content_hash: str) -> str | None:
        # The library (SQLAlchemy) is imported here, after parsing, which needs neither it nor
        # the database: just after launch, both are still loading in other threads.
        from reader.core.library import stored_language

        return stored_language(context.database(), content_hash)

    def language_decided(language: str, content_hash: str) -> None:
        plan = _plan_for_file(
            context, path, language, content_hash, target_language, preferred_target
        )
        plans.append(plan)
        if plan.route is not None and on_route is not None:
            on_route(plan.route)

    with collecting_once():
        document = load_document(
            path,
            language=source_language or "auto",
            known_language=known_language,
            language_decided=language_decided,
        )
        plan = plans[-1]
        plan.cached = _cached(context, document, plan.route)
        if on_translatable is not None and len(plan.cached) < document.sentence_count:
            early = _early_translation(document, plan)
            if early is not None:
                on_translatable(early)
        from reader.core.library import store_document

        result = store_document(context.database(), document)
        return _prepare(context, result.document_id, document, plan)


def _plan_for_file(
    context: ReadingContext,
    path: Path,
    language: str,
    content_hash: str,
    target_language: str | None,
    preferred_target: str,
) -> OpeningPlan:
    """Into the target asked for, else the one the library entry of this text or file had,
    else the default for the language."""
    from reader.core.library import get_entry, matching_document

    database = context.database()
    existing = matching_document(database, content_hash, path.resolve())
    previous = get_entry(database, existing) if existing is not None else None
    target = (
        target_language
        or (previous.target_language if previous else None)
        or default_target(language, preferred_target)
    )
    return OpeningPlan(target, context.service().route(language, target), previous)


def _early_translation(document: Document, plan: OpeningPlan) -> EarlyTranslation | None:
    if plan.route is None:
        return None
    previous = plan.previous
    start = min(previous.reading_block, len(document.blocks) - 1) if previous else 0
    priority = list(range(start, start + EARLY_PRIORITY_BLOCKS))
    return EarlyTranslation(document, plan.route, plan.cached, priority)


def open_library_document(
    context: ReadingContext, document_id: int, target_language: str | None, preferred_target: str
) -> OpenedDocument:
    """A library document, rebuilt from the database: no file parsing, no segmentation."""
    from reader.core.library import get_document, get_entry

    with collecting_once():
        document = get_document(context.database(), document_id)
        entry = get_entry(context.database(), document_id)
        target = (
            target_language
            or entry.target_language
            or default_target(document.language, preferred_target)
        )
        route = context.service().route(document.language, target)
        plan = OpeningPlan(target, route, entry, _cached(context, document, route))
        return _prepare(context, document_id, document, plan)


def _cached(
    context: ReadingContext, document: Document, route: Route | None
) -> dict[tuple[int, int], TranslatedSentence]:
    return context.service().cached_translations(document, route) if route is not None else {}


def _prepare(
    context: ReadingContext, document_id: int, document: Document, plan: OpeningPlan
) -> OpenedDocument:
    from reader.core.library import get_entry, mark_opened

    database = context.database()
    entry = plan.previous or get_entry(database, document_id)  # where the reader left off
    mark_opened(database, document_id, target_language=plan.target)
    reading_block = min(entry.reading_block, len(document.blocks) - 1)
    opened = OpenedDocument(
        document_id, document, plan.target, plan.route, plan.cached, reading_block
    )
    if plan.route is None:
        opened.download = find_download(document.language, plan.target)
    return opened


def find_download(source: str, target: str) -> CatalogueEntry | None:
    """The catalogue's package for the pair, or None (no such package, catalogue unreadable)."""
    from reader.core.translate.catalogue import find_entry

    try:
        return find_entry(f"{source}_{target}")
    except ReaderError as error:
        log.info("no catalogue entry for %s→%s: %s", source, target, error)
        return None


def save_reading_position(context: ReadingContext, document_id: int, block: int) -> Changes:
    """Remember where the reader was; returns the `Changes` (the library's last opened)."""
    from reader.core.library import mark_opened

    return mark_opened(context.database(), document_id, reading_block=block)
