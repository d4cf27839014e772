"""The main window's translation jobs: the job started early while a file opens, the shown
document's job and its progress, the target language, and editing or translating on demand."""

from __future__ import annotations

from PySide6.QtCore import QObject, QPoint, Signal

from reader.app.dialogs import EditTranslationDialog
from reader.app.languages import language_name
from reader.app.ops import Op, ReversibleCommand
from reader.app.workers import TranslationRunner, error_message
from reader.core.reading import EarlyTranslation, open_library_document
from reader.core.side import Side

SOURCE = Side.ORIGINAL  # reading-compose: the panes' sides


class TranslationControl:
    """Mixin of `MainWindow`: starts, follows, prioritises and cancels translation jobs."""

    def _load_models(self, generation: int, route) -> None:
        """Load the route's models in the translation thread (as the job would: its threads
        get that thread's priority) while the document is segmented."""
        if generation != self._open_generation:
            return
        models, service = route.models, self.context.service()
        # A model that fails to load fails the job too, which says so.
        self.workers.submit(
            lambda: [service.engine.model(model) for model in models],
            on_failure=lambda _error: None,
            translation=True,
        )

    def _start_early_translation(self, generation: int, early: EarlyTranslation) -> None:
        if generation != self._open_generation:
            return  # another file was asked for since
        self._drop_early_translation()
        if self.runner is not None:  # the shown document's: it is about to make way
            self.runner.cancel()  # (the translation thread is free sooner)
        runner = TranslationRunner(
            self.workers,
            self.context.service(),
            early.document,
            early.route,
            self,
            known=early.cached,
        )
        runner.start(early.priority, hold=True)
        self._early_runner = runner

    def _take_early_translation(self, document) -> TranslationRunner | None:
        """The job started early for this very document, if any (any other is dropped)."""
        runner, self._early_runner = self._early_runner, None
        if runner is not None and runner.document is not document:
            runner.discard()
            return None
        return runner

    def _drop_early_translation(self) -> None:
        if self._early_runner is not None:
            self._early_runner.discard()
            self._early_runner = None

    def _start_translation(
        self, early: TranslationRunner | None = None, known: dict | None = None
    ) -> None:
        """Translate the shown document: adopt the job `open_path` started early for it, or
        start one, told what `known` translations the view shows already (if it was just
        filled from `opened.cached`; else the job reads the cache itself)."""
        opened = self.opened
        if opened is None or opened.route is None:
            if early is not None:
                early.discard()
            return
        if opened.document.sentence_count == len(self.document_view.text.sentences):
            if early is not None:
                early.discard()
            self._emit_visible_ready()
            self._show_progress(False)
            self.statusBar().showMessage("Translated (from the cache)", 5000)
            return
        runner = early or TranslationRunner(
            self.workers,
            self.context.service(),
            opened.document,
            opened.route,
            self,
            known=known,
        )
        runner.sentences_ready.connect(self._on_sentences)
        runner.progress.connect(self._on_progress)
        runner.finished.connect(
            lambda stats, runner=runner: self._on_translation_done(runner, stats)
        )
        runner.failed.connect(
            lambda message, runner=runner: self._on_translation_failed(runner, message)
        )
        self.runner = runner
        self._show_progress(True)
        self._on_progress(len(self.document_view.text.sentences), opened.document.sentence_count)
        if early is not None:
            runner.prioritise(self.document_view.visible_blocks())
            runner.release()
        else:
            runner.start(self.document_view.visible_blocks())
        self._update_actions()

    def _on_sentences(self, sentences: list) -> None:
        self.document_view.add_translations(sentences)
        if not self._visible_ready_sent and self.document_view.visible_translated():
            self._emit_visible_ready()

    def _on_progress(self, done: int, total: int) -> None:
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)
        self.progress_label.setText(f"Translating: {done} / {total} sentences")

    def _on_translation_done(self, runner: TranslationRunner, stats) -> None:
        runner.deleteLater()
        if runner is not self.runner:  # a job of a document no longer shown
            return
        self.runner = None
        self._show_progress(False)
        if getattr(stats, "cancelled", False):
            self.statusBar().showMessage(
                f"Translation cancelled ({stats.done} of {stats.sentences} sentences translated)"
            )
        else:
            self.statusBar().showMessage("Translation finished", 5000)
        self._emit_visible_ready()
        self._update_actions()
        self.translation_finished.emit(stats)

    def _on_translation_failed(self, runner: TranslationRunner, message: str) -> None:
        runner.deleteLater()
        if runner is not self.runner:
            return
        self.runner = None
        self._show_progress(False)
        self.statusBar().showMessage(f"Translation failed: {message}")
        self._emit_visible_ready()
        self._update_actions()
        self.translation_finished.emit(message)

    def _emit_visible_ready(self) -> None:
        if not self._visible_ready_sent:
            self._visible_ready_sent = True
            self.document_view.resume_measuring()
            self.visible_translation_ready.emit()

    def _prioritise(self, blocks: list[int]) -> None:
        if self.runner is not None:
            self.runner.prioritise(blocks)

    def cancel_translation(self) -> None:
        if self.runner is not None:
            self.runner.cancel()
            self.progress_label.setText("Cancelling…")

    def resume_translation(self) -> None:
        if self.runner is None and self.opened is not None:
            self._start_translation()

    def _show_progress(self, visible: bool) -> None:
        for widget in (self.progress_label, self.progress_bar, self.cancel_button):
            widget.setVisible(visible)

    def _fill_target_menu(self) -> None:
        """Languages the installed models reach from the document's language (directly or
        through English), and "Other…" for any code (the missing-model panel then offers it)."""
        from reader.core.translate.packages import list_installed

        self.target_menu.clear()
        opened = self.opened
        if opened is None:
            self.target_menu.addAction("(open a document first)").setEnabled(False)
            return
        source = opened.document.language
        installed = list_installed()
        targets = {model.to_code for model in installed if model.from_code == source}
        if source != "en" and "en" in targets:
            targets |= {model.to_code for model in installed if model.from_code == "en"}
        targets |= {opened.target_language}
        targets.discard(source)
        for code in sorted(targets, key=language_name):
            action = self.target_menu.addAction(f"{language_name(code)} ({code})")
            action.setCheckable(True)
            action.setChecked(code == opened.target_language)
            action.triggered.connect(
                lambda _checked=False, code=code: self.set_target_language(code)
            )
        self.target_menu.addSeparator()
        self.target_menu.addAction("&Other…", self._ask_target_language)

    def _ask_target_language(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        code, ok = QInputDialog.getText(self, "Translate into", "Language code (e.g. en, fr, vi):")
        code = code.strip().lower()
        if ok and code.isalpha() and 2 <= len(code) <= 3:
            self.set_target_language(code)

    def set_target_language(self, code: str) -> None:
        """Show the current document translated into another language (remembered per document)."""
        opened = self.opened
        if opened is None or code == opened.target_language:
            return
        self.settings.target_language = code
        self.workers.submit(
            lambda: open_library_document(self.context, opened.document_id, code, code),
            self._show_document,
            self._open_failed,
        )

    def edit_current(self) -> None:
        if self.document_view.current is not None:
            self.document_view.request_edit(*self.document_view.current)

    def edit_translation(self, block_index: int, sentence_index: int) -> None:
        view = self.document_view
        if self.opened is None or view.text is None:
            return
        sentence = view.text.sentences.get((block_index, sentence_index))
        if sentence is None:
            return
        dialog = EditTranslationDialog(sentence.source, sentence.translation, sentence.edited, self)
        if dialog.exec() == EditTranslationDialog.DialogCode.Accepted:
            self.save_translation(block_index, sentence_index, dialog.translation())

    def save_translation(
        self, block_index: int, sentence_index: int, translation: str, *, undoable: bool = True
    ) -> None:
        """Store the user's translation (empty: back to the machine's) and show it; Undo puts
        back the one it replaced."""
        opened = self.opened
        if opened is None or opened.route is None:
            return
        at = block_index, sentence_index

        def save():
            from reader.core.translate.service import TranslatedSentence

            service = self.context.service()
            saved = service.save_edit(
                opened.document,
                block_index,
                sentence_index,
                translation,
                to_code=opened.route.to_code,
            )
            source = opened.document.blocks[block_index].sentences[sentence_index].text
            edited = bool(translation)
            if not edited:  # reverted: the machine's translation (from the cache if it has it)
                translation_shown = service.translate_sentences(opened.route, [source])[0]
            else:
                translation_shown = translation
            shown = TranslatedSentence(
                block_index, sentence_index, source, translation_shown, cached=True, edited=edited
            )
            # the panels showing its notes refresh from the changes
            return (shown, saved.previous), saved.changes

        def show(result) -> None:
            (sentence, previous), _changes = result
            if self.opened is not opened or self.document_view.text is None:
                return
            self.document_view.text.sentences.pop((block_index, sentence_index), None)
            self.document_view.add_translations([sentence])
            self.statusBar().showMessage("Translation saved", 3000)
            if undoable and self.notes_panel is not None:  # hook: data-flow (the undo stack)
                self.notes_panel.undo_stack.push(
                    ReversibleCommand(
                        "Edit translation",
                        lambda: self.save_translation(*at, translation, undoable=False),
                        lambda: self.save_translation(*at, previous, undoable=False),
                    )
                )

        Op(save).success(show).failure(self._show_error).run(self.workers, self.bus, initiator=self)

    def translate_selection(self) -> None:
        text = self.document_view.selected_text(SOURCE) or self.document_view.current_sentence_text(
            SOURCE
        )
        opened = self.opened
        if not text.strip() or opened is None or opened.route is None:
            self.statusBar().showMessage("Select some original text to translate", 3000)
            return
        route = opened.route
        at = self.cursor().pos() + QPoint(12, 12)
        self.popup.show_text("Translating…", at)
        self.workers.submit(
            lambda: self.context.service().translate_text(text, route),
            lambda translation: self.popup.show_text(translation, at),
            lambda error: self.popup.show_text(error_message(error), at),
        )


class EarlyStart(QObject):
    """Carries what the worker opening a file learns early (its `Route`, then the document
    ready to translate: `EarlyTranslation`) to the GUI thread (queued signals), with the number
    of the `open_path` call it answers."""

    route_known = Signal(int, object)
    ready = Signal(int, object)
