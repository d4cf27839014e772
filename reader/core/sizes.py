"""Byte counts for people, in one format everywhere (the CLI's model list, the window's buttons)."""

from __future__ import annotations


def human_size(size: int | None) -> str:
    """Decimal units, as download sizes are usually given: 65_931_264 → "65.9 MB"."""
    if size is None:
        return "?"
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")
