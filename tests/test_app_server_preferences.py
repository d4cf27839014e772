"""The servers preferences widget (pytest-qt), against a loopback test double of a server."""

from __future__ import annotations

import pytest

from reader.app.server_preferences import LOCAL, NO_FALLBACK, ServerPreferences
from reader.app.workers import Workers
from reader.core.translate import servers
from reader.core.translate.remote import forget_clients
from tests.app_support import WAIT_MS, make_window
from tests.fake_translation_server import fake_server


@pytest.fixture(autouse=True)
def fresh_clients():
    yield
    forget_clients()


@pytest.fixture
def preferences(qtbot):
    workers = Workers()
    widget = ServerPreferences(workers)
    qtbot.addWidget(widget, before_close_func=lambda _w: workers.wait())
    return widget


def add(qtbot, preferences: ServerPreferences, name: str, url: str, key: str = "") -> None:
    preferences.name_edit.setText(name)
    preferences.url_edit.setText(url)
    preferences.key_edit.setText(key)
    with qtbot.waitSignal(preferences.changed, timeout=WAIT_MS):
        preferences.add_button.click()


def cells(preferences: ServerPreferences) -> list[list[str]]:
    table = preferences.table
    return [
        [table.item(row, column).text() for column in range(table.columnCount())]
        for row in range(table.rowCount())
    ]


def test_add_choose_and_remove_a_server(qtbot, preferences):
    with fake_server() as server:
        add(qtbot, preferences, "office", server.url, key="k-secret")
    assert cells(preferences) == [["office", server.url, "set", "en_vi, vi_en"]]
    assert not preferences.key_edit.text()  # the typed key is not kept in the widget
    box = preferences.pair_boxes[("vi", "en")]
    assert [box.itemText(i) for i in range(box.count())] == [LOCAL, "office"]

    box.setCurrentText("office")
    box.activated.emit(box.currentIndex())
    assert servers.load_registry().pairs == {"vi_en": "office"}
    preferences.fallback_box.setCurrentText("office")
    preferences.fallback_box.activated.emit(preferences.fallback_box.currentIndex())
    assert servers.load_registry().fallback == "office"

    preferences.table.selectRow(0)
    with qtbot.waitSignal(preferences.changed):
        preferences.remove_button.click()
    assert cells(preferences) == [] and preferences.fallback_box.currentText() == NO_FALLBACK
    assert servers.load_registry() == servers.Registry()


def test_an_unreachable_server_is_a_one_line_status_and_is_not_added(qtbot, preferences):
    preferences.name_edit.setText("office")
    preferences.url_edit.setText("http://127.0.0.1:9")
    with qtbot.waitSignal(preferences.failed, timeout=WAIT_MS) as failed:
        preferences.add_button.click()
    assert failed.args[0].startswith("server office (http://127.0.0.1:9): cannot reach it")
    assert preferences.add_button.isEnabled() and cells(preferences) == []


def test_a_bad_url_is_refused_at_once(qtbot, preferences):
    preferences.name_edit.setText("office")
    preferences.url_edit.setText("gpu-box:5000")
    with qtbot.waitSignal(preferences.failed) as failed:
        preferences.add_button.click()
    assert "not an http(s) URL" in failed.args[0]


def test_the_window_offers_it_beside_preferences(qtbot):
    window = make_window(qtbot)
    [action] = [
        a
        for a in window.findChildren(type(window.menu_actions.preferences))
        if a.objectName() == "translationServers"
    ]
    menus = [entry.menu() for entry in window.menuBar().actions() if entry.menu()]
    assert any(action in menu.actions() for menu in menus)
