"""Per-language abbreviation data for the sentence segmenter, shipped in `resources/segment/`.

Each `<lang>.txt` file has sections (see `resources/segment/vi.txt` for the format):
`[never]` abbreviations after which a period never ends a sentence, `[maybe]` abbreviations
that may also end one, `[starters]` words that often begin a sentence, `[labels]` words of
numbered headings. A language without a file gets empty data: the rules alone apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reader.core.paths import resources_dir

SECTIONS = ("never", "maybe", "starters", "labels")


@dataclass(frozen=True)
class LanguageData:
    never: frozenset[str] = frozenset()
    maybe: frozenset[str] = frozenset()
    starters: frozenset[str] = frozenset()
    labels: tuple[str, ...] = ()


def data_file(language: str) -> Path:
    return resources_dir() / "segment" / f"{language}.txt"


@lru_cache(maxsize=32)
def language_data(language: str) -> LanguageData:
    """The data for a base language code ("vi", "en"); loaded once, then cached."""
    path = data_file(language)
    if not language.isalpha() or not path.is_file():
        return LanguageData()
    return parse_data(path.read_text(encoding="utf-8"), path)


def parse_data(text: str, source: Path | str = "<data>") -> LanguageData:
    entries: dict[str, list[str]] = {name: [] for name in SECTIONS}
    section: str | None = None
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            if section not in entries:
                raise ValueError(f"{source}:{number}: unknown section [{section}]")
        elif section is None:
            raise ValueError(f"{source}:{number}: entry before any [section]")
        else:
            entries[section].append(line.removesuffix("."))
    return LanguageData(
        never=frozenset(entries["never"]),
        maybe=frozenset(entries["maybe"]),
        starters=frozenset(entries["starters"]),
        labels=tuple(entries["labels"]),
    )
