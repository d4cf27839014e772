"""The reading layout value: ranges, and reading it back from stored (string) values."""

from __future__ import annotations

from reader.app.reading.reading_layout import MARGIN_RANGE, ReadingLayout


def test_values_out_of_range_are_brought_back_into_it() -> None:
    wild = ReadingLayout(line_spacing=9.0, margin=-5, paragraph_spacing=-1.0, max_line_width=999)
    tamed = wild.clamped()
    assert tamed == ReadingLayout(
        line_spacing=2.5, margin=MARGIN_RANGE[0], paragraph_spacing=0.0, max_line_width=200
    )


def test_stored_strings_are_read_back_and_bad_ones_keep_their_default() -> None:
    stored = {
        "line_spacing": "1.5",
        "margin": "48.0",
        "paragraph_spacing": "nan",
        "max_line_width": "x",
    }
    layout = ReadingLayout.from_values(stored)
    assert layout == ReadingLayout(line_spacing=1.5, margin=48)
    assert ReadingLayout.from_values({}) == ReadingLayout()
    assert ReadingLayout.from_values(layout.as_values()) == layout
