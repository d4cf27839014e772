from reader.core.documents.importers.tablegrid import (
    MAX_COLUMN_SPAN,
    Span,
    spread,
    without_blank_columns,
)


def test_spans_are_expanded_over_the_grid_and_short_rows_padded() -> None:
    rows = [
        [Span("a", rows=3), Span("b", columns=2)],
        [Span("c"), Span("d")],
        [Span(None, columns=2)],  # a cell before the grid starts, as in DOCX
        [Span("e")],
    ]
    assert spread(rows, None) == [
        ["a", "b", None],
        [None, "c", "d"],
        [None, None, None],
        ["e", None, None],
    ]


def test_a_span_past_the_limit_or_the_table_is_cut() -> None:
    grid = spread([[Span("x", columns=10**9)], [Span("y", rows=10**9)]], "")
    assert len(grid) == 2 and len(grid[0]) == len(grid[1]) == MAX_COLUMN_SPAN
    assert without_blank_columns(grid, "") == [["x"], ["y"]]
    assert without_blank_columns([], "") == []
