"""Ops: a write runs in the pool, its change set reaches the subscribers on the GUI thread before
its own success callback; writes run one at a time in the order asked."""

from __future__ import annotations

import threading
import time

from reader.app.ops import ChangeBus, Op, changes_of
from reader.app.workers import Workers
from reader.core.changes import NO_CHANGES, Changes
from reader.core.errors import InputError
from tests.app_support import WAIT_MS

TOUCHED = Changes(annotations=frozenset({4}))


class Written:
    changes = TOUCHED


def test_the_change_set_is_broadcast_before_success_with_its_initiator(qtbot, qapp) -> None:
    workers, bus, heard = Workers(), ChangeBus(), []
    bus.changed.connect(lambda changes, initiator: heard.append(("changed", changes, initiator)))
    threads = []

    def write() -> Written:
        threads.append(threading.current_thread())
        return Written()

    Op(write).success(lambda result: heard.append(("success", result))).run(
        workers, bus, initiator="panel"
    )
    qtbot.waitUntil(lambda: len(heard) == 2, timeout=WAIT_MS)
    assert heard[0] == ("changed", TOUCHED, "panel") and heard[1][0] == "success"
    assert threads[0] is not threading.main_thread()
    workers.wait()


def test_nothing_changed_is_not_broadcast_and_failures_reach_the_bus(qtbot, qapp) -> None:
    workers, bus = Workers(), ChangeBus()
    with qtbot.assertNotEmitted(bus.changed, wait=100):
        Op(lambda: None).run(workers, bus)

    def fail():
        raise InputError("/x.txt", "locked")

    with qtbot.waitSignal(bus.failed, timeout=WAIT_MS) as failed:
        Op(fail).run(workers, bus)
    assert failed.args == ["/x.txt: locked"]
    workers.wait()


def test_writes_run_in_the_order_asked(qtbot, qapp) -> None:
    workers, bus, order = Workers(), ChangeBus(), []

    def write(number: int, pause: float):
        def run():
            time.sleep(pause)
            order.append(number)

        return run

    for number, pause in enumerate((0.05, 0.0, 0.02, 0.0)):
        Op(write(number, pause)).run(workers, bus)
    workers.wait()
    assert order == [0, 1, 2, 3]


def test_changes_are_found_on_results_pairs_or_alone() -> None:
    assert changes_of(Written()) == TOUCHED
    assert changes_of(("shown", TOUCHED)) == TOUCHED
    assert changes_of(TOUCHED) == TOUCHED
    assert changes_of(42) == NO_CHANGES
