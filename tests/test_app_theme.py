"""Light/dark themes and the pane colours derived from the palette."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QPalette

from reader.app.theme import apply_theme, dark_palette, is_dark, light_palette, pane_colors


def test_forced_themes_change_the_palette_and_system_restores_it(qapp) -> None:
    original = QPalette(qapp.palette())
    try:
        apply_theme(qapp, "dark")
        assert is_dark(qapp.palette())
        apply_theme(qapp, "light")
        assert not is_dark(qapp.palette())
        apply_theme(qapp, "system")
        assert qapp.palette().color(QPalette.ColorRole.Base) == original.color(
            QPalette.ColorRole.Base
        )
    finally:
        apply_theme(qapp, "system")


def test_pane_colours_stay_readable_in_both_themes() -> None:
    for palette in (light_palette(), dark_palette()):
        colours = pane_colors(palette)
        base = palette.color(QPalette.ColorRole.Base)
        # A highlight is translucent so the text stays visible; the placeholder is close to the
        # background (quiet) but not equal to it.
        assert 0 < colours.hover.alpha() < colours.current.alpha() < 255
        assert colours.placeholder != base
        assert abs(colours.placeholder.lightness() - base.lightness()) < 60


@pytest.mark.parametrize("order", [("light", "dark", "light"), ("dark", "light", "dark")])
def test_switching_at_runtime_repaints_widgets_under_a_style_sheet(qtbot, qapp, order) -> None:
    """The reading view's splitter has a style sheet: its panes and headers must follow too."""
    from reader.app.reading.view import DocumentView

    view = DocumentView()
    qtbot.addWidget(view)
    view.show()
    widgets = (view.source_header, view.source_pane.viewport(), view.target_header)
    try:
        for name in order:
            apply_theme(qapp, name)
            qapp.processEvents()
            expected = dark_palette() if name == "dark" else light_palette()
            for widget in widgets:
                palette = widget.palette()
                for role in (QPalette.ColorRole.Base, QPalette.ColorRole.Text):
                    assert palette.color(role) == expected.color(role), (name, widget, role)
                assert palette.color(QPalette.ColorRole.WindowText) == expected.color(
                    QPalette.ColorRole.WindowText
                )
            assert is_dark(view.palette()) == (name == "dark")  # what the panes paint with
    finally:
        apply_theme(qapp, "system")
