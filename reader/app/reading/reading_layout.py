"""How the reading panes space their text: a value the preferences page edits, the settings keep
and the layout applies (no Qt here)."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

LINE_SPACING_RANGE = (1.0, 2.5)  # times the font's line height
MARGIN_RANGE = (0, 240)  # px left and right of the text
PARAGRAPH_SPACING_RANGE = (0.0, 3.0)  # lines between blocks
MAX_LINE_WIDTH_RANGE = (0, 200)  # characters; 0 fills the pane


@dataclass(frozen=True)
class ReadingLayout:
    line_spacing: float = 1.2  # easier to read than solid lines
    margin: int = 16
    paragraph_spacing: float = 0.7
    max_line_width: int = 0  # in average characters, so that it follows the zoom

    def clamped(self) -> ReadingLayout:
        """The same layout with every value inside its range (settings files can be edited)."""
        return ReadingLayout(
            line_spacing=_clamp(float(self.line_spacing), *LINE_SPACING_RANGE),
            margin=int(_clamp(int(self.margin), *MARGIN_RANGE)),
            paragraph_spacing=_clamp(float(self.paragraph_spacing), *PARAGRAPH_SPACING_RANGE),
            max_line_width=int(_clamp(int(self.max_line_width), *MAX_LINE_WIDTH_RANGE)),
        )

    def with_values(self, **values: object) -> ReadingLayout:
        return replace(self, **values).clamped()

    def as_values(self) -> dict[str, float | int]:
        return {name: getattr(self, name) for name in self.field_names()}

    @classmethod
    def from_values(cls, values: Mapping[str, object]) -> ReadingLayout:
        """From stored values (an INI file gives strings); a missing or unreadable value keeps
        its default, and each is brought into its range."""
        default = cls()
        parsed = {}
        for name in cls.field_names():
            kind = type(getattr(default, name))
            with contextlib.suppress(TypeError, ValueError):
                value = float(values.get(name))  # type: ignore[arg-type]
                if math.isfinite(value):
                    parsed[name] = kind(value)
        return replace(default, **parsed).clamped()

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(field.name for field in fields(cls))


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)
