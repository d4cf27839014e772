"""How well the abbreviation finder does against a hand count: precision and recall of the
definitions it finds in each document, and of the shipped list on what documents use without
defining. The hand counts are in `bench/data/abbreviations-hand-count.json` (what was counted
and what was not is written there).

A found definition is right when its abbreviation is in the hand count with the same long form
(case aside); a shipped expansion is right when the hand count lists the abbreviation as used
undefined with that expansion.

Run: `.venv/bin/python bench/abbreviations.py`
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
HAND_COUNT = REPO / "bench" / "data" / "abbreviations-hand-count.json"
sys.path.insert(0, str(REPO))

from reader.core.documents import load_document  # noqa: E402
from reader.core.terms.abbreviations import Source, document_abbreviations  # noqa: E402


def score(found: dict[str, str], expected: dict[str, str | None]) -> tuple[int, int, int]:
    """(right, found, expected) for {abbreviation: expansion} against the hand count."""
    right = sum(
        1
        for abbreviation, expansion in found.items()
        if (expected.get(abbreviation) or "").casefold() == expansion.casefold()
    )
    return right, len(found), len(expected)


def ratio(part: int, whole: int) -> str:
    return f"{part}/{whole} = {part / whole:.0%}" if whole else f"{part}/0 = -"


def main() -> int:
    hand = json.loads(HAND_COUNT.read_text(encoding="utf-8"))
    totals = {"defined": [0, 0, 0], "shipped": [0, 0, 0]}
    for entry in hand["documents"]:
        path = SHARED / entry["path"]
        if not path.exists():
            print(f"{entry['path']}: not here, skipped")
            continue
        document = load_document(path)
        started = time.perf_counter()
        found = document_abbreviations(document)
        seconds = time.perf_counter() - started
        by_source = {
            source: {a.abbreviation: a.expansion for a in found if a.source is source}
            for source in Source
        }
        defined = score(by_source[Source.DOCUMENT], entry["defined"])
        shipped = score(by_source[Source.BUILTIN], entry["undefined"])
        for name, (right, got, expected) in (("defined", defined), ("shipped", shipped)):
            totals[name] = [
                t + n for t, n in zip(totals[name], (right, got, expected), strict=True)
            ]
        print(f"{Path(entry['path']).name} ({seconds * 1000:.0f} ms)")
        print(
            f"  defined in the document: precision {ratio(defined[0], defined[1])}, "
            f"recall {ratio(defined[0], defined[2])}; found {sorted(by_source[Source.DOCUMENT])}"
        )
        print(
            f"  shipped list on undefined ones: precision {ratio(shipped[0], shipped[1])}, "
            f"recall {ratio(shipped[0], shipped[2])}; found {sorted(by_source[Source.BUILTIN])}"
        )
    for name, (right, got, expected) in totals.items():
        print(f"all, {name}: precision {ratio(right, got)}, recall {ratio(right, expected)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
