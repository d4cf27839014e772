"""Long fuzzing run: every importer (through `load_document`), the segmenter and the anchoring
code, with many more examples than the test suite runs, and random (not derandomised) seeds.

Unexpected exceptions do not stop the run: one reproducer is kept per distinct exception and
place, written to the output folder. Prints the number of examples run per target.

Run: `.venv/bin/python bench/fuzz_long.py [--examples N] [--out DIR] [--only NAME...]`
(N per test function, default 2000; the CI suite runs 60).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=None, help="where reproducers are written")
    parser.add_argument("--only", nargs="*", default=None, help="test names containing these")
    args = parser.parse_args()
    os.environ["BIREADER_FUZZ_EXAMPLES"] = str(args.examples)
    os.environ["BIREADER_FUZZ_RANDOM"] = "1"
    os.environ["BIREADER_FUZZ_COLLECT"] = "1"
    os.environ.setdefault("BIREADER_HOME", tempfile.mkdtemp(prefix="bireader-fuzz-"))
    sys.path.insert(0, str(REPO))
    import logging

    logging.getLogger("readability").setLevel(logging.CRITICAL)  # it logs what it recovers from

    from tests import fuzz_support, test_fuzz_anchoring, test_fuzz_importers, test_notes_importer

    targets = [
        getattr(module, name)
        for module in (test_fuzz_importers, test_fuzz_anchoring, test_notes_importer)
        for name in sorted(dir(module))
        if name.startswith("test_") and hasattr(getattr(module, name), "hypothesis")
    ] + [segmenter_fuzz(args.examples)]
    if args.only:
        targets = [t for t in targets if any(part in t.__name__ for part in args.only)]
    started = time.monotonic()
    for target in targets:
        begun = time.monotonic()
        try:
            target()
        except Exception as error:  # an assertion outside the collected regions
            fuzz_support.FAILURES.setdefault(
                f"{type(error).__name__} in {target.__name__}", (str(error)[:2000], b"")
            )
        print(f"{target.__name__:<70} {time.monotonic() - begun:7.1f} s", flush=True)
    report(fuzz_support, args.out, time.monotonic() - started)
    return 1 if fuzz_support.FAILURES else 0


def segmenter_fuzz(examples: int):
    """The segmenter's own properties (tests/test_segment.py), with many more examples."""
    from hypothesis import given
    from hypothesis import strategies as st

    from reader.core.segment import split_sentences
    from tests.fuzz_support import count, fuzz_settings
    from tests.test_segment import _LANGUAGES, _TRICKY, assert_valid_spans

    @fuzz_settings()
    @given(text=st.text() | _TRICKY, lang=_LANGUAGES)
    def test_segmenter_spans(text: str, lang: str) -> None:
        count("segment")
        assert_valid_spans(text, split_sentences(text, lang))

    return test_segmenter_spans


def report(fuzz_support, out: Path | None, seconds: float) -> None:
    print(f"\nexamples run ({seconds:.0f} s):")
    for name, number in sorted(fuzz_support.EXAMPLES_RUN.items()):
        print(f"  {name:<28} {number:>8}")
    print(f"  {'total':<28} {sum(fuzz_support.EXAMPLES_RUN.values()):>8}")
    if not fuzz_support.FAILURES:
        print("\nno unexpected exception")
        return
    out = out or Path(tempfile.mkdtemp(prefix="bireader-fuzz-failures-"))
    out.mkdir(parents=True, exist_ok=True)
    print(f"\n{len(fuzz_support.FAILURES)} distinct unexpected exceptions (reproducers in {out}):")
    for number, (where, (message, reproducer)) in enumerate(sorted(fuzz_support.FAILURES.items())):
        data = reproducer if isinstance(reproducer, bytes) else reproducer.encode()
        (out / f"failure-{number:02}.bin").write_bytes(data)
        print(f"  [{number:02}] {where}\n       {message}")


if __name__ == "__main__":
    sys.exit(main())
