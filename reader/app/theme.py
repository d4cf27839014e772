"""Light and dark themes (following the system by default) and the colours the panes paint with."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

_ORIGINAL: dict[str, object] = {}  # style name and palette before any forced theme


def apply_theme(app: QApplication, theme: str) -> None:
    """`system` follows the desktop's colour scheme; `light`/`dark` force one (Fusion style, so
    the palette is honoured on every platform)."""
    if not _ORIGINAL:
        _ORIGINAL["style"] = app.style().name()
        _ORIGINAL["palette"] = QPalette(app.palette())
    hints = QGuiApplication.styleHints()
    if theme == "system":
        if hasattr(hints, "unsetColorScheme"):
            hints.unsetColorScheme()
        app.setStyle(QStyleFactory.create(str(_ORIGINAL["style"])))
        app.setPalette(_ORIGINAL["palette"])  # type: ignore[arg-type]
    else:
        if hasattr(hints, "setColorScheme"):
            hints.setColorScheme(Qt.ColorScheme.Dark if theme == "dark" else Qt.ColorScheme.Light)
        app.setStyle(QStyleFactory.create("Fusion"))
        app.setPalette(dark_palette() if theme == "dark" else light_palette())
    _repolish_style_sheets(app)


def _repolish_style_sheets(app: QApplication) -> None:
    """A widget with a style sheet (and all its children) keeps the palette it was polished with,
    and `palette(mid)` in a sheet is resolved then: without a new polish, switching the theme at
    runtime leaves such panes with the old theme's text on the new background."""
    for widget in app.allWidgets():
        sheet = widget.styleSheet()
        if sheet:
            widget.setStyleSheet("")
            widget.setStyleSheet(sheet)


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def light_palette() -> QPalette:
    return QStyleFactory.create("Fusion").standardPalette()


def dark_palette() -> QPalette:
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#2b2b2e",
        QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1f1f22",
        QPalette.ColorRole.AlternateBase: "#2a2a2e",
        QPalette.ColorRole.ToolTipBase: "#333338",
        QPalette.ColorRole.ToolTipText: "#eeeeee",
        QPalette.ColorRole.PlaceholderText: "#8a8a90",
        QPalette.ColorRole.Text: "#e6e6e6",
        QPalette.ColorRole.Button: "#35353a",
        QPalette.ColorRole.ButtonText: "#e6e6e6",
        QPalette.ColorRole.BrightText: "#ff6b6b",
        QPalette.ColorRole.Highlight: "#3d7bd9",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#7fb2ff",
        QPalette.ColorRole.Mid: "#4a4a50",
        QPalette.ColorRole.Dark: "#18181a",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7a80"))
    return palette


@dataclass(frozen=True)
class PaneColors:
    hover: QColor  # the sentence under the mouse and its counterpart
    current: QColor  # the sentence the keyboard moves
    match: QColor  # find results
    current_match: QColor
    selection: QColor
    selection_text: QColor
    placeholder: QColor  # not yet translated
    edited: QColor  # the user's own translation
    unsure: QColor  # words OCR read with low confidence
    term_missing: QColor  # a translation that lacks a glossary term
    heading: QColor
    dark: bool


def pane_colors(palette: QPalette) -> PaneColors:
    highlight = palette.color(QPalette.ColorRole.Highlight)
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    dark = is_dark(palette)
    return PaneColors(
        hover=_with_alpha(highlight, 60 if dark else 45),
        current=_with_alpha(highlight, 120 if dark else 95),
        match=QColor(255, 200, 0, 90 if dark else 110),
        current_match=QColor(255, 140, 0, 170),
        selection=highlight,
        selection_text=palette.color(QPalette.ColorRole.HighlightedText),
        placeholder=_blend(base, text, 0.12),
        edited=QColor("#5fbf77") if dark else QColor("#1e8a3c"),
        unsure=QColor("#d9a441") if dark else QColor("#c07a00"),
        term_missing=QColor("#ff7a59") if dark else QColor("#d2381c"),  # redder than unsure
        heading=text,
        dark=dark,
    )


# Annotation colours (keys 1-5), light enough to read black text through.
SWATCHES = {
    "yellow": "#fff176",
    "green": "#a5d6a7",
    "blue": "#90caf9",
    "pink": "#f48fb1",
    "purple": "#ce93d8",
}
UNKNOWN_SWATCH = "#cccccc"


def highlight_colour(name: str, dark: bool) -> QColor:
    """A highlight's background (black text is painted on it in the dark theme)."""
    colour = QColor(SWATCHES.get(name, UNKNOWN_SWATCH))
    return colour.darker(115) if dark else colour


def tint_colour(name: str, dark: bool) -> QColor:
    """The light mark on the other side of an annotated sentence."""
    return _with_alpha(QColor(SWATCHES.get(name, UNKNOWN_SWATCH)), 60 if dark else 85)


def _with_alpha(colour: QColor, alpha: int) -> QColor:
    result = QColor(colour)
    result.setAlpha(alpha)
    return result


def _blend(a: QColor, b: QColor, amount: float) -> QColor:
    return QColor(
        round(a.red() + (b.red() - a.red()) * amount),
        round(a.green() + (b.green() - a.green()) * amount),
        round(a.blue() + (b.blue() - a.blue()) * amount),
    )
