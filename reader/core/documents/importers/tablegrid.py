"""A table's cells laid out on its grid, merged cells expanded: shared by the importers so that
a row with merged cells keeps its values under their columns instead of shifting left."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

MAX_COLUMN_SPAN = 64  # Word's own limit is 63: a larger span is damage, not layout


@dataclass(frozen=True, slots=True)
class Span(Generic[T]):
    """A cell as the file gives it: its value and the columns and rows it covers."""

    value: T
    columns: int = 1
    rows: int = 1


def spread(rows: Iterable[Sequence[Span[T]]], blank: T) -> list[list[T]]:
    """The rows over the table's grid, all as wide: each cell's value in the first slot it
    covers and `blank` in the others (right of it across columns, below it across rows)."""
    grid: list[list[T]] = []
    covering: dict[int, int] = {}  # column → rows below still covered by a cell above
    for row in rows:
        covered = {column for column, left in covering.items() if left}
        for column in covered:
            covering[column] -= 1
        slots: list[T] = []
        for cell in row:
            while len(slots) in covered:
                slots.append(blank)
            start, columns = len(slots), max(1, min(cell.columns, MAX_COLUMN_SPAN))
            slots.extend([cell.value] + [blank] * (columns - 1))
            for column in range(start, start + columns) if cell.rows > 1 else ():
                covering[column] = cell.rows - 1
        slots.extend([blank] * (max(covered, default=-1) + 1 - len(slots)))
        grid.append(slots)
    width = max(map(len, grid), default=0)
    return [slots + [blank] * (width - len(slots)) for slots in grid]


def without_blank_columns(grid: list[list[T]], blank: T) -> list[list[T]]:
    """The grid without the columns at its right that are blank in every row (the slots of a
    span wider than the table)."""
    width = max((len(row) for row in grid), default=0)
    while width and all(row[width - 1] == blank for row in grid):
        width -= 1
    return [row[:width] for row in grid]
