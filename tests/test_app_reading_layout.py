"""Laying out rows: table grids."""

from __future__ import annotations

from reader.app.reading.layout import build_table_layout


def test_table_columns_are_wide_enough_for_their_words(qapp) -> None:
    from PySide6.QtGui import QFont, QFontMetricsF

    font = QFont()
    text = "STT\tCỡ chữ\tKiểu chữ\tVí dụ minh họa\n1\tIn hoa\t13-14\tĐứng, đậm"
    layout = build_table_layout(text, font, 400.0, gap=10.0)
    metrics = QFontMetricsF(font)
    for index in range(layout.lineCount()):
        line = layout.lineAt(index)
        shown = text[line.textStart() : line.textStart() + line.textLength()].strip()
        for word in shown.split():
            assert metrics.horizontalAdvance(word) <= line.width()
        assert not shown or shown.split()[0] in text.replace("\t", " ").split()  # words whole
