"""Light/dark themes and the pane colours derived from the palette."""

from __future__ import annotations

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
