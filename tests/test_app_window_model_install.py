"""Installing the missing model from the window: from a file, downloaded (errors, retry)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt

from reader.core.sizes import human_size
from tests.app_support import (
    WAIT_MS,
    make_window,
    open_and_wait,
    wait_translated,
)
from tests.conftest import SAMPLE
from tests.range_server import RangeServer


@pytest.fixture
def window(qtbot):
    return make_window(qtbot)


def test_missing_model_offers_download_and_install_from_file(
    qtbot, window, argos_package_file
) -> None:
    open_and_wait(qtbot, window, SAMPLE)
    view = window.document_view
    assert view.missing_model_shown
    assert "Vietnamese → English" in view.missing_panel.message.text()
    # The catalogue's size, as `bireader models available` prints it (65.9 MB, not "63 MB").
    size = window.opened.download.size
    assert view.missing_panel.download_button.text() == f"Download ({human_size(size)})"
    assert human_size(size) == "65.9 MB"
    assert window.menu_actions.download.isEnabled()
    with qtbot.waitSignal(window.document_opened, timeout=WAIT_MS):
        window.models.install_file(argos_package_file)
    assert not view.missing_model_shown
    stats = wait_translated(qtbot, window)
    assert stats.done == stats.sentences


def test_download_error_is_shown_and_retry_works(qtbot, window, argos_package_file) -> None:
    opened = open_and_wait(qtbot, window, SAMPLE)
    body = argos_package_file.read_bytes()
    panel = window.document_view.missing_panel
    with RangeServer() as server:
        opened.download = replace(
            opened.download,
            links=(server.url("/vi_en.argosmodel"),),
            size=len(body),
            sha256=None,
            version="1.0",  # the fixture package's version
        )
        qtbot.mouseClick(
            panel.download_button, Qt.MouseButton.LeftButton
        )  # server has no file: 404
        qtbot.waitUntil(lambda: panel.error.isVisible(), timeout=WAIT_MS)
        assert "cannot download" in panel.error.text()
        assert panel.download_button.isEnabled()
        server.behaviour.files["/vi_en.argosmodel"] = body
        with qtbot.waitSignal(window.document_opened, timeout=WAIT_MS):
            qtbot.mouseClick(panel.download_button, Qt.MouseButton.LeftButton)
    assert not window.document_view.missing_model_shown
    wait_translated(qtbot, window)
