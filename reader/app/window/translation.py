"""The translation of the shown document: the job started early while a file opens, the shown
document's job and its progress, and translating or editing on demand."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from reader.app.context import AppContext
from reader.app.ops import ChangeBus, Op, ReversibleCommand
from reader.app.reading.view import DocumentView
from reader.app.workers import TranslationRunner, Workers, error_message
from reader.core.reading import EarlyTranslation, OpenedDocument
from reader.core.side import Side


class TranslationController(QObject):
    """Owns the running `TranslationRunner` (and the one started early for a document being
    opened); feeds the view its sentences, visible ones first."""

    progress = Signal(int, int)  # sentences translated, sentences
    running_changed = Signal(bool)
    cancelling = Signal()  # asked to stop: the job ends after its current batch
    finished = Signal(object)  # JobStats, or an error message
    visible_ready = Signal()  # the screen's blocks are translated (or cannot be)
    message = Signal(str, int)  # for the status bar: text, milliseconds (0: until replaced)
    edit_saved = Signal(object)  # the ReversibleCommand of a stored and shown edit (Undo)
    text_translated = Signal(str)  # translate_text's answer (or why there is none)

    def __init__(
        self,
        workers: Workers,
        bus: ChangeBus,
        context: AppContext,
        view: DocumentView,
        parent: QObject | None,
    ) -> None:
        super().__init__(parent)
        self._workers, self._bus, self._context, self._view = workers, bus, context, view
        self.runner: TranslationRunner | None = None
        self.early_runner: TranslationRunner | None = None
        self._opened: OpenedDocument | None = None
        self._visible_ready_sent = False

    # --- the job started while a file opens ---------------------------------------------------

    def load_models(self, route) -> None:
        """Load the route's models in the translation thread (as the job would: its threads
        get that thread's priority) while the document is segmented."""
        models, service = route.models, self._context.service()
        # A model that fails to load fails the job too, which says so.
        self._workers.submit(
            lambda: [service.engine.model(model) for model in models],
            on_failure=lambda _error: None,
            translation=True,
        )

    def start_early(self, early: EarlyTranslation) -> None:
        self.drop_early()
        if self.runner is not None:  # the shown document's: it is about to make way
            self.runner.cancel()  # (the translation thread is free sooner)
        runner = TranslationRunner(
            self._workers,
            self._context.service(),
            early.document,
            early.route,
            self,
            known=early.cached,
        )
        runner.start(early.priority, hold=True)
        self.early_runner = runner

    def drop_early(self) -> None:
        if self.early_runner is not None:
            self.early_runner.discard()
            self.early_runner = None

    def _take_early(self, document) -> TranslationRunner | None:
        """The job started early for this very document, if any (any other is dropped)."""
        runner, self.early_runner = self.early_runner, None
        if runner is not None and runner.document is not document:
            runner.discard()
            return None
        return runner

    # --- the shown document ---------------------------------------------------------------------

    def show(self, opened: OpenedDocument) -> None:
        """`opened` is now in the view (filled from `opened.cached`): translate the rest."""
        early = self._take_early(opened.document)
        self.leave()
        self._opened = opened
        self._visible_ready_sent = False
        if opened.route is None:
            if early is not None:
                early.discard()
            self._visible_done()
            return
        self._start(early, known=opened.cached)

    def leave(self) -> None:
        """Stop translating the shown document (another is shown, or none)."""
        if self.runner is not None:
            self.runner.cancel()
            self.runner.sentences_ready.disconnect()
            self.runner = None
            self.running_changed.emit(False)
        self._opened = None

    @property
    def fully_translated(self) -> bool:
        text, opened = self._view.text, self._opened
        if opened is None or text is None:
            return False
        return len(text.sentences) >= opened.document.sentence_count

    def resume(self) -> None:
        if self.runner is None and self._opened is not None:
            self._start()

    def cancel(self) -> None:
        if self.runner is not None:
            self.runner.cancel()
            self.cancelling.emit()

    def prioritise(self, blocks: list[int]) -> None:
        if self.runner is not None:
            self.runner.prioritise(blocks)

    def _start(self, early: TranslationRunner | None = None, known: dict | None = None) -> None:
        """Adopt the job started early, or start one, told what `known` translations the view
        shows already (if it was just filled from `opened.cached`; else the job reads the
        cache itself)."""
        opened = self._opened
        if opened is None or opened.route is None:
            return
        if self.fully_translated:
            if early is not None:
                early.discard()
            self._visible_done()
            self.message.emit("Translated (from the cache)", 5000)
            return
        runner = early or TranslationRunner(
            self._workers,
            self._context.service(),
            opened.document,
            opened.route,
            self,
            known=known,
        )
        runner.sentences_ready.connect(self._on_sentences)
        runner.progress.connect(self.progress)
        runner.finished.connect(lambda stats, runner=runner: self._done(runner, stats))
        runner.failed.connect(lambda message, runner=runner: self._failed(runner, message))
        self.runner = runner
        self.running_changed.emit(True)
        self.progress.emit(len(self._view.text.sentences), opened.document.sentence_count)
        if early is not None:
            runner.prioritise(self._view.visible_blocks())
            runner.release()
        else:
            runner.start(self._view.visible_blocks())

    def _on_sentences(self, sentences: list) -> None:
        self._view.add_translations(sentences)
        if not self._visible_ready_sent and self._view.visible_translated():
            self._visible_done()

    def _done(self, runner: TranslationRunner, stats) -> None:
        if self._finish(runner):
            if getattr(stats, "cancelled", False):
                self.message.emit(
                    f"Translation cancelled ({stats.done} of {stats.sentences} sentences "
                    "translated)",
                    0,
                )
            else:
                self.message.emit("Translation finished", 5000)
            self.finished.emit(stats)

    def _failed(self, runner: TranslationRunner, message: str) -> None:
        if self._finish(runner):
            self.message.emit(f"Translation failed: {message}", 0)
            self.finished.emit(message)

    def _finish(self, runner: TranslationRunner) -> bool:
        """Whether `runner` was the shown document's job (now over)."""
        runner.deleteLater()
        if runner is not self.runner:  # a job of a document no longer shown
            return False
        self.runner = None
        self._visible_done()
        self.running_changed.emit(False)
        return True

    def _visible_done(self) -> None:
        if not self._visible_ready_sent:
            self._visible_ready_sent = True
            self._view.resume_measuring()
            self.visible_ready.emit()

    # --- on demand ------------------------------------------------------------------------------

    def save_translation(
        self, block_index: int, sentence_index: int, translation: str, *, undoable: bool = True
    ) -> None:
        """Store the user's translation (empty: back to the machine's) and show it; the
        `edit_saved` command puts back the one it replaced."""
        opened = self._opened
        if opened is None or opened.route is None:
            return
        service, at = self._context.service, (block_index, sentence_index)

        def save():
            from reader.core.translate.service import TranslatedSentence

            saved = service().save_edit(
                opened.document,
                block_index,
                sentence_index,
                translation,
                to_code=opened.route.to_code,
            )
            source = opened.document.blocks[block_index].sentences[sentence_index].text
            shown = (
                translation
                or service().translate_sentences(opened.route, [source], document=opened.document)[
                    0
                ]
            )
            sentence = TranslatedSentence(
                block_index, sentence_index, source, shown, cached=True, edited=bool(translation)
            )
            # the panels showing its notes refresh from the changes
            return (sentence, saved.previous), saved.changes

        def show(result) -> None:
            (sentence, previous), _changes = result
            view = self._view
            if self._opened is not opened or view.text is None:
                return
            view.text.sentences.pop(at, None)
            view.add_translations([sentence])
            self.message.emit("Translation saved", 3000)
            if undoable:
                self.edit_saved.emit(
                    ReversibleCommand(
                        "Edit translation",
                        lambda: self.save_translation(*at, translation, undoable=False),
                        lambda: self.save_translation(*at, previous, undoable=False),
                    )
                )

        Op(save).success(show).failure(
            lambda error: self.message.emit(error_message(error), 0)
        ).run(self._workers, self._bus, initiator=self)

    def translate_selection(self) -> bool:
        """Translate the selected original text (or the current sentence) into
        `text_translated`; False when there is nothing to translate."""
        view, opened = self._view, self._opened
        text = view.selected_text(Side.ORIGINAL) or view.current_sentence_text(Side.ORIGINAL)
        if not text.strip() or opened is None or opened.route is None:
            return False
        route, service = opened.route, self._context.service
        self._workers.submit(
            lambda: service().translate_text(text, route),
            self.text_translated.emit,
            lambda error: self.text_translated.emit(error_message(error)),
        )
        return True
