"""Bilingual export from the window."""

from __future__ import annotations

import pytest

from tests.app_support import (
    WAIT_MS,
    make_window,
    open_and_wait,
    wait_translated,
)
from tests.conftest import SAMPLE


@pytest.fixture
def window(qtbot):
    return make_window(qtbot)


def test_export_writes_a_bilingual_html_file(qtbot, window, installed_vi_en, tmp_path) -> None:
    from html.parser import HTMLParser

    opened = open_and_wait(qtbot, window, SAMPLE)
    wait_translated(qtbot, window)
    output = tmp_path / "out.html"
    with qtbot.waitSignal(window.exports.finished, timeout=WAIT_MS) as finished:
        window.exports.export(window.opened, output, "html", "side-by-side")
    assert finished.args[0] == output
    page = output.read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html")
    texts: list[str] = []
    parser = HTMLParser()
    parser.handle_data = texts.append
    parser.feed(page)
    parser.close()
    content = " ".join(texts)
    assert opened.document.blocks[3].text[:40] in content
    assert window.document_view.text.sentences[(3, 0)].translation[:30] in content
    assert "Exported" in window.statusBar().currentMessage()


def test_export_errors_are_shown_in_a_message_box(qtbot, window, installed_vi_en, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    open_and_wait(qtbot, window, SAMPLE)
    with qtbot.waitSignal(window.exports.finished, timeout=WAIT_MS) as finished:
        window.exports.export(window.opened, tmp_path / "missing" / "out.html")
    assert "does not exist" in finished.args[0]
    boxes = [box for box in window.findChildren(QMessageBox) if box.isVisible()]
    assert boxes and "does not exist" in boxes[0].text()
    assert window.menu_actions.export.isEnabled()
