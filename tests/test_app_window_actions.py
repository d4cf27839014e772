"""The action table and its menus."""

from __future__ import annotations

import pytest

from tests.app_support import (
    make_window,
)


@pytest.fixture
def window(qtbot):
    return make_window(qtbot)


def test_the_view_menu_shows_the_arrow_keys_too(window) -> None:
    assert "J" in window.actions.next.text() and "↓" in window.actions.next.text()
    assert "K" in window.actions.previous.text() and "↑" in window.actions.previous.text()
