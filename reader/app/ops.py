"""Writes off the GUI thread, announced as change sets (as Anki's `CollectionOp` + `OpChanges`).

    Op(lambda: delete_annotation(database, uuid)).success(show).run(workers, bus, initiator=self)

runs the write in the pool; back on the GUI thread the `ChangeBus` tells every subscriber what
it changed (`changed(changes, initiator)`), then `success` gets the result. Each panel decides
from the `Changes` whether it shows anything that changed, instead of being refreshed by hand.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand

from reader.app.workers import Workers, error_message
from reader.core.changes import NO_CHANGES, Changes

log = logging.getLogger(__name__)

T = TypeVar("T")


class ChangeBus(QObject):
    """One per window: every Op's change set, and the errors of Ops nobody else handles."""

    # Changes, the initiator (or None). Subscribers' `on_changes(changes, initiator)` refresh
    # what they show only if the changes touch it, and only once visible.
    changed = Signal(object, object)
    failed = Signal(str)  # a one-line message for the status bar


def changes_of(result: Any) -> Changes:
    """The `Changes` a core write returned: itself, its result's `.changes`, or the second of
    a `(result, changes)` pair."""
    if isinstance(result, Changes):
        return result
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], Changes):
        return result[1]
    return getattr(result, "changes", NO_CHANGES)


class Op(Generic[T]):
    """A write to run off the GUI thread, built with `success`/`failure`, started by `run`."""

    def __init__(self, function: Callable[[], T]) -> None:
        self._function = function
        self._on_success: Callable[[T], None] | None = None
        self._on_failure: Callable[[BaseException], None] | None = None

    def success(self, callback: Callable[[T], None]) -> Op[T]:
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[BaseException], None]) -> Op[T]:
        self._on_failure = callback
        return self

    def run(
        self,
        workers: Workers,
        bus: ChangeBus,
        *,
        initiator: object | None = None,
        ordered: bool = True,
    ) -> None:
        """Subscribers hear of the changes before `success` runs, so that what it shows (a
        status message, a selection) meets refreshed panels. Without `failure`, the error goes
        to `bus.failed`. `ordered`: in the write thread, after the writes asked before; False
        for long work that writes no database (a model download), which must not hold the
        notes' writes back."""

        def succeeded(result: T) -> None:
            changes = changes_of(result)
            if changes:
                bus.changed.emit(changes, initiator)
            if self._on_success is not None:
                self._on_success(result)

        def failed(error: BaseException) -> None:
            if self._on_failure is not None:
                self._on_failure(error)
            else:
                bus.failed.emit(error_message(error))

        workers.submit(self._function, succeeded, failed, write=ordered)


class ReversibleCommand(QUndoCommand):
    """The undo-stack entry of a write already done (by an Op): `undo` and `redo` start the Ops
    that reverse it and do it again."""

    def __init__(self, text: str, redo: Callable[[], None], undo: Callable[[], None]) -> None:
        super().__init__(text)
        self._redo, self._undo = redo, undo
        self._done = True  # pushing calls redo(): the write has happened already

    def redo(self) -> None:
        if not self._done:
            self._redo()
        self._done = False

    def undo(self) -> None:
        self._undo()
