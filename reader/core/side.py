"""The two sides of a bilingual document, one name for the core, the CLI and the window."""

from __future__ import annotations

from enum import StrEnum


class Side(StrEnum):
    ORIGINAL = "original"
    TRANSLATION = "translation"

    @property
    def index(self) -> int:
        """The pane's position: the original on the left (0), the translation on the right (1)."""
        return 0 if self is Side.ORIGINAL else 1

    @classmethod
    def from_index(cls, index: int) -> Side:
        return cls.ORIGINAL if index == 0 else cls.TRANSLATION

    @property
    def other(self) -> Side:
        return Side.TRANSLATION if self is Side.ORIGINAL else Side.ORIGINAL
