"""The server banner (pytest-qt): a job through a failing server shows it, keeps what was
translated, and Retry finishes the rest; the widget alone escapes what it shows."""

from __future__ import annotations

import pytest

from reader.app.server_banner import ServerBanner
from reader.core.translate.remote import LibreTranslateClient, forget_clients
from reader.core.translate.servers import Server, add_server, use_server
from tests.app_support import WAIT_MS, long_document, make_window, open_and_wait
from tests.fake_translation_server import Reply, fake_server


@pytest.fixture(autouse=True)
def fresh_clients():
    yield
    forget_clients()


def test_the_banner_shows_the_problem_as_text(qtbot):
    banner = ServerBanner()
    qtbot.addWidget(banner)
    banner.show_problem("server <office>: HTTP 500", 3, 10)
    assert banner.showing
    assert "&lt;office&gt;" in banner.label.text() and "3 of 10 sentences" in banner.label.text()
    with qtbot.waitSignal(banner.retry_requested):
        banner.retry_button.click()
    assert not banner.showing


def test_a_failing_server_shows_the_banner_keeps_the_translated_and_retry_finishes(qtbot, tmp_path):
    path = long_document(tmp_path, 80)
    good_then_broken = [Reply(), *[Reply(500, b'{"error": "out of memory"}', delay=0.2)] * 50]
    with fake_server(lambda b: b.replies.extend(good_then_broken)) as server:
        add_server(
            "office",
            server.url,
            models=LibreTranslateClient(Server("o", server.url)).served_models(),
        )
        use_server("office")  # the fallback: no local model is installed
        window = make_window(qtbot)
        opened = open_and_wait(qtbot, window, path, source_language="vi", target_language="en")
        assert opened.route.server is not None
        banner = window.server_banner
        qtbot.waitUntil(lambda: banner.showing, timeout=WAIT_MS)
        text = banner.label.text()
        assert f"server office ({server.url}): HTTP 500 (out of memory)" in text
        kept = len(window.document_view.text.sentences)
        assert 0 < kept < opened.document.sentence_count
        assert f"{kept} of {opened.document.sentence_count} sentences" in text

        server.behaviour.replies.clear()  # the server is back
        with qtbot.waitSignal(window.translation.finished, timeout=WAIT_MS) as finished:
            banner.retry_button.click()
        assert finished.args[0].done == opened.document.sentence_count
        assert finished.args[0].cached >= kept  # what was translated was not asked again
        assert not banner.showing
