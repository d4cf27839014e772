"""Translating documents: routes between languages, cached results, prioritised jobs.

A `TranslationJob` delivers what the database already knows first (the user's edits, then cached
machine translations), then translates the rest in batches: blocks the caller prioritised (what
is on screen) first, then the others in document order. Batches run side by side, one per
Translator worker (a core each); `batching` decides what goes into each (big enough to use the
core well, short enough that a new priority or a cancel takes effect soon, similar lengths
together, and the last ones balanced across the cores). Every finished batch is written to the
cache at once, so a cancelled job loses nothing and a reopened document costs no model call.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from sqlalchemy import select

from reader.core.changes import Changes
from reader.core.documents.model import Document, Sentence
from reader.core.errors import ReaderError
from reader.core.segment import split_sentences
from reader.core.storage.db import Database
from reader.core.storage.models import DocumentRow
from reader.core.terms import protect, stage_for
from reader.core.terms.protect import (
    FinishedSentence,
    Prepared,
    PreparedSentence,
    TermStage,
    missing_terms,
    prepare_sentences,
    terms_key,
)
from reader.core.translate import cache
from reader.core.translate.batching import BatchPlanner, PendingSentence, PendingWork
from reader.core.translate.engine import DEFAULT_BEAM_SIZE, TranslationEngine
from reader.core.translate.packages import InstalledModel, find_installed
from reader.core.translate.remote import RemotePair, remote_pair

PIVOT_LANGUAGE = "en"

CACHED_DELIVERY_CHUNK = 1000  # cached sentences handed to the caller per callback


@dataclass(frozen=True)
class Route:
    """How to get from one language to another: one model, or two through English (pivot)."""

    from_code: str
    to_code: str
    models: tuple[InstalledModel, ...]
    server: RemotePair | None = None  # translated by a LibreTranslate server instead (no models)

    @property
    def key(self) -> str:
        """Identifies the exact models (their files: see InstalledModel.key): a new version or
        a reinstall with other files gives new translations."""
        if self.server is not None:
            return self.server.key
        return "|".join(model.key for model in self.models)

    @property
    def is_pivot(self) -> bool:
        return len(self.models) > 1


@dataclass(frozen=True)
class TranslatedSentence:
    block_index: int
    sentence_index: int
    source: str
    translation: str
    cached: bool  # came from the database, not from the model in this job
    edited: bool  # the user's own translation
    glossary_missing: tuple[str, ...] = ()  # glossary terms whose target it lacks


@dataclass
class JobStats:
    sentences: int = 0  # in the document
    cached: int = 0  # delivered from the database (edits included)
    translated: int = 0  # delivered from the model by this job
    model_calls: int = 0  # CTranslate2 translate_batch calls made by this job
    seconds: float = 0.0
    first_batch_seconds: float | None = None  # until the first model batch was delivered
    cancelled: bool = False

    @property
    def done(self) -> int:
        return self.cached + self.translated


SentencesCallback = Callable[[list[TranslatedSentence]], None]
ProgressCallback = Callable[[int, int], None]


def decoding_options(beam_size: int) -> str:
    return f"beam={beam_size}"


class TranslationService:
    def __init__(
        self,
        database: Database,
        *,
        beam_size: int = DEFAULT_BEAM_SIZE,
        engine: TranslationEngine | None = None,
    ) -> None:
        if beam_size < 1:
            raise ReaderError(f"beam size must be at least 1, not {beam_size}")
        self.database = database
        self.beam_size = beam_size
        self.engine = engine or TranslationEngine()

    def route(self, from_code: str, to_code: str) -> Route | None:
        """The server chosen for the pair, else the installed models translating `from_code`
        into `to_code`, else the fallback server; None if there are none."""
        if from_code == to_code:
            return None
        local = self._local_route(from_code, to_code)
        server = remote_pair(from_code, to_code, local_model=local is not None)
        return Route(from_code, to_code, (), server) if server is not None else local

    def _local_route(self, from_code: str, to_code: str) -> Route | None:
        direct = find_installed(from_code, to_code)
        if direct is not None:
            return Route(from_code, to_code, (direct,))
        if PIVOT_LANGUAGE in (from_code, to_code):
            return None
        first = find_installed(from_code, PIVOT_LANGUAGE)
        second = find_installed(PIVOT_LANGUAGE, to_code)
        if first is None or second is None:
            return None
        return Route(from_code, to_code, (first, second))

    def cached_translations(
        self,
        document: Document,
        route: Route,
        *,
        beam_size: int | None = None,
        prepared: Prepared | None = None,
    ) -> dict[tuple[int, int], TranslatedSentence]:
        """What the database already has for the document: edits, then cached translations.
        `prepared`: the document's sentences as the model receives them, if the caller has them."""
        options = decoding_options(beam_size or self.beam_size)
        digests = cache.sentence_hashes(document)
        if prepared is None:
            prepared = prepare_sentences(self.terms_stage(document, route), document)
        terms = {digests[position]: terms_key(item) for position, item in prepared.items()}
        with self.database.reading() as session:
            edits = cache.edits_for(session, document.content_hash, route.to_code)
            known = cache.lookup(session, route.key, options, terms, terms)
        found: dict[tuple[int, int], TranslatedSentence] = {}
        for block, sentence in document.iter_sentences():
            position = (block.index, sentence.index)
            digest = digests[position]
            edit = edits.get((*position, digest))
            item = prepared.get(position)
            text = edit if edit is not None else item and known.get(digest)
            if text is None and not block.translate:
                text = sentence.text  # code, contents, letterhead: the same on both sides
            if text is not None:
                missing = () if edit is not None or item is None else missing_terms(item, text)
                found[position] = TranslatedSentence(
                    *position,
                    sentence.text,
                    text,
                    cached=True,
                    edited=edit is not None,
                    glossary_missing=missing,
                )
        return found

    def terms_stage(self, document: Document | None, route: Route) -> TermStage:
        """Abbreviation expansion and the glossary, around the model (see reader.core.terms)."""
        return stage_for(self.database, document, route.from_code, route.to_code)

    def create_job(
        self,
        document: Document,
        route: Route,
        *,
        on_sentences: SentencesCallback,
        on_progress: ProgressCallback | None = None,
        beam_size: int | None = None,
        top_paragraph_first: bool = False,
        known: dict[tuple[int, int], TranslatedSentence] | None = None,
    ) -> TranslationJob:
        """`top_paragraph_first`: a reader waiting for the screen to fill wants the first
        prioritised paragraph translated alone, at once, at some cost in throughput (a batch of
        one paragraph uses the core less well); a command translating a whole file does not.

        `known`: what `cached_translations` gave the caller for this document and route (which
        it shows already): the job neither looks the database up again nor delivers them."""
        return TranslationJob(
            self,
            document,
            route,
            on_sentences=on_sentences,
            on_progress=on_progress,
            beam_size=beam_size or self.beam_size,
            top_paragraph_first=top_paragraph_first,
            known=known,
        )

    def translate_sentences(
        self,
        route: Route,
        sentences: Sequence[str],
        *,
        beam_size: int | None = None,
        document: Document | None = None,
    ) -> list[str]:
        """Translate sentences through the cache: only unknown ones reach the model. Sentences
        of `document` get its abbreviations expanded too (free text: the glossary only)."""
        beam = beam_size or self.beam_size
        options = decoding_options(beam)
        stage = self.terms_stage(document, route)
        prepared = [stage.prepare(sentence) for sentence in sentences]
        digests = [cache.source_hash(sentence) for sentence in sentences]
        terms = {d: terms_key(item) for d, item in zip(digests, prepared, strict=True)}
        with self.database.reading() as session:
            known = cache.lookup(session, route.key, options, digests, terms)
        missing = {d: item for d, item in zip(digests, prepared, strict=True) if d not in known}
        if missing:
            results = self.translate_prepared(route, list(missing.values()), beam)
            fresh = {d: result.translation for d, result in zip(missing, results, strict=True)}
            with self.database.session() as session:
                cache.store(session, route.key, options, fresh, terms)
            known.update(fresh)
        return [known[digest] for digest in digests]

    def translate_texts(self, route: Route, texts: list[str], *, beam_size: int) -> list[str]:
        """The route's translator on uncached texts: its server, or the local engine."""
        if route.server is not None:
            return route.server.translate(texts)
        return self.engine.translate(route.models, texts, beam_size=beam_size)

    def translate_prepared(
        self, route: Route, prepared: Sequence[PreparedSentence], beam_size: int
    ) -> list[FinishedSentence]:
        """Sentences through the terms stage (placeholders in, checked and restored after) and
        the route's translator, local or a server: both get the same glossary."""
        return protect.translate(
            prepared, lambda texts: self.translate_texts(route, texts, beam_size=beam_size)
        )

    def parallel_batches(self, route: Route) -> int:
        return route.server.in_flight if route.server is not None else self.engine.parallel_batches

    def translate_text(self, text: str, route: Route) -> str:
        """Translate free text (e.g. a selection), keeping the whitespace between sentences."""
        spans = split_sentences(text, route.from_code)
        if not spans:
            return text
        translations = self.translate_sentences(route, [text[a:b] for a, b in spans])
        pieces, previous_end = [], 0
        for (start, end), translation in zip(spans, translations, strict=True):
            pieces.append(text[previous_end:start])
            pieces.append(translation)
            previous_end = end
        pieces.append(text[previous_end:])
        return "".join(pieces)

    def save_edit(
        self,
        document: Document,
        block_index: int,
        sentence_index: int,
        translation: str,
        *,
        to_code: str,
    ) -> SavedEdit:
        """Store the user's translation of a sentence into `to_code`; an empty one reverts to
        the machine's. Returns the edit it replaced, so that saving it back undoes this."""
        sentence = _find_sentence(document, block_index, sentence_index)
        key = cache.EditKey(
            document.content_hash,
            to_code,
            block_index,
            sentence_index,
            cache.source_hash(sentence.text),
        )
        with self.database.session() as session:
            previous = cache.edit_text(session, key) or ""
            if translation.strip():
                cache.save_edit(session, key, translation)
            else:
                cache.delete_edit(session, key)
            documents = session.scalars(  # edits belong to the text: every copy of it shows them
                select(DocumentRow.id).where(DocumentRow.content_hash == document.content_hash)
            )
            return SavedEdit(previous, Changes(translations=frozenset(documents)))


@dataclass(frozen=True, slots=True)
class SavedEdit:
    """`previous`: the user's translation it replaced ("" when the machine's was shown)."""

    previous: str
    changes: Changes


# --- the terms stage (reader.core.terms.protect) around the model -----------------------------


def _find_sentence(document: Document, block_index: int, sentence_index: int) -> Sentence:
    if not 0 <= block_index < len(document.blocks):
        raise ReaderError(f"{document.title}: no block {block_index}")
    sentences = document.blocks[block_index].sentences
    if not 0 <= sentence_index < len(sentences):
        raise ReaderError(f"{document.title}: block {block_index} has no sentence {sentence_index}")
    return sentences[sentence_index]


class TranslationJob:
    """Translates one document along one route. `run()` blocks; the other methods are for other
    threads. Callbacks are called from the thread running `run()`."""

    def __init__(
        self,
        service: TranslationService,
        document: Document,
        route: Route,
        *,
        on_sentences: SentencesCallback,
        on_progress: ProgressCallback | None,
        beam_size: int,
        top_paragraph_first: bool = False,
        known: dict[tuple[int, int], TranslatedSentence] | None = None,
    ) -> None:
        self._service = service
        self._known = known
        self._document = document
        self._route = route
        self._on_sentences = on_sentences
        self._on_progress = on_progress
        self._beam_size = beam_size
        self._options = decoding_options(beam_size)
        self._lock = threading.Lock()
        self._priority: tuple[int, ...] = ()
        self._cancelled = threading.Event()
        self._top_paragraph_first = top_paragraph_first
        self._planner = BatchPlanner(
            service.parallel_batches(route), top_paragraph_first=top_paragraph_first
        )
        self.stats = JobStats(sentences=document.sentence_count)
        self._prepared = prepare_sentences(service.terms_stage(document, route), document)
        self._prepared_by_digest: dict[str, PreparedSentence] = {}

    def prioritise(self, block_indexes: Iterable[int]) -> None:
        """Translate these blocks next (in this order), e.g. the ones on screen."""
        ordered = tuple(dict.fromkeys(block_indexes))
        with self._lock:
            self._priority = ordered

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def run(self) -> JobStats:
        """Deliver cached sentences, then translate the rest; return when done or cancelled.

        Up to `engine.parallel_batches` batches run at once, one per Translator worker; each is
        delivered as soon as it is done, and its worker gets the next batch. After a cancel,
        batches already running are finished and cached, but no longer delivered.
        """
        started = time.perf_counter()
        calls_before = self._service.engine.stats.model_calls
        try:
            pending = self._deliver_cached()
            if pending and not self.cancelled:
                self._translate_pending(pending, started)
        finally:
            self.stats.model_calls = self._service.engine.stats.model_calls - calls_before
            self.stats.seconds = time.perf_counter() - started
            self.stats.cancelled = self.cancelled and self.stats.done < self.stats.sentences
        return self.stats

    # --- steps ----------------------------------------------------------------------------------

    def _deliver_cached(self) -> PendingWork:
        """Hand over what the database knows (unless the caller passed it: it has it); return
        the rest."""
        known = self._known
        if known is None:
            known = self._service.cached_translations(
                self._document, self._route, beam_size=self._beam_size, prepared=self._prepared
            )
            delivered = [known[position] for position in sorted(known)]
            for start in range(0, len(delivered), CACHED_DELIVERY_CHUNK):
                self._on_sentences(delivered[start : start + CACHED_DELIVERY_CHUNK])
        self.stats.cached = len(known)
        self._report_progress()
        pending = PendingWork()
        for block, sentence in self._document.iter_sentences():
            position = (block.index, sentence.index)
            if position not in known:
                digest = cache.source_hash(sentence.text)
                self._prepared_by_digest[digest] = self._prepared[position]
                pending.add(*position, sentence.text, digest)
        return pending

    def _translate_pending(self, pending: PendingWork, started: float) -> None:
        engine = self._service.engine
        for model in self._route.models:
            engine.model(model)  # load (or fail) before any batch is timed
        # Each running batch, with when it started; in the order they were formed.
        running: dict[Future, tuple[list[PendingSentence], float]] = {}
        # A reader waiting for the top paragraph gets it alone: on a small machine a second
        # batch would slow it down, competing with the window setting the document up.
        alone = self._top_paragraph_first
        # A failed batch (a server fault) stops new ones; those running are still kept.
        failure: ReaderError | None = None
        with ThreadPoolExecutor(self._planner.workers, thread_name_prefix="translate") as pool:
            try:
                while True:
                    workers = 1 if alone else self._planner.workers
                    while pending and not self.cancelled and not failure and len(running) < workers:
                        batch = self._take_batch(pending, running.values())
                        future = pool.submit(self._translate, batch)
                        running[future] = (batch, time.perf_counter())
                    if not running:
                        break
                    done, _ = wait(running, return_when=FIRST_COMPLETED)
                    alone = False
                    for future in [future for future in running if future in done]:
                        batch, _ = running.pop(future)
                        try:
                            translations, seconds = future.result()
                        except ReaderError as error:
                            failure = failure or error
                            continue
                        self._planner.measured(batch, seconds)
                        self._store(batch, translations)
                        if not self.cancelled:
                            self._deliver(batch, translations, started)
            finally:
                for future in running:
                    future.cancel()  # not started yet: drop; running ones finish on shutdown
        if failure is not None:
            raise failure

    def _take_batch(
        self,
        pending: PendingWork,
        running: Iterable[tuple[list[PendingSentence], float]],
    ) -> list[PendingSentence]:
        """The next batch: prioritised blocks first, then document order (see batching)."""
        with self._lock:
            priority = self._priority
        now = time.perf_counter()
        busy = sum(self._planner.seconds_left(batch, now - since) for batch, since in running)
        return self._planner.next_batch(pending, priority, busy)

    def _translate(self, batch: list[PendingSentence]) -> tuple[list[FinishedSentence], float]:
        """Runs in a worker thread: the model call(s) only, no callbacks, no database."""
        started = time.perf_counter()
        prepared = [self._prepared_by_digest[item.digest] for item in batch]
        finished = self._service.translate_prepared(self._route, prepared, self._beam_size)
        return finished, time.perf_counter() - started

    def _store(self, batch: list[PendingSentence], translations: list[FinishedSentence]) -> None:
        fresh = {
            item.digest: result.translation
            for item, result in zip(batch, translations, strict=True)
        }
        with self._service.database.session() as session:
            terms = {d: terms_key(self._prepared_by_digest[d]) for d in fresh}
            cache.store(session, self._route.key, self._options, fresh, terms)

    def _deliver(
        self, batch: list[PendingSentence], translations: list[FinishedSentence], started: float
    ) -> None:
        results = [
            TranslatedSentence(
                *position,
                item.text,
                result.translation,
                cached=False,
                edited=False,
                glossary_missing=result.missing,
            )
            for item, result in zip(batch, translations, strict=True)
            for position in item.positions
        ]
        results.sort(key=lambda sentence: (sentence.block_index, sentence.sentence_index))
        self._on_sentences(results)
        self.stats.translated += len(results)
        if self.stats.first_batch_seconds is None:
            self.stats.first_batch_seconds = time.perf_counter() - started
        self._report_progress()

    def _report_progress(self) -> None:
        if self._on_progress is not None:
            self._on_progress(self.stats.done, self.stats.sentences)
