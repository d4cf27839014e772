"""Shared set-up for the window benchmarks: a private data dir, the Argos packages, big texts.

The Transformer-base sized package (6+6 layers, d_model 512, FFN 2048, 32k vocabulary, int8;
random weights, every output OUTPUT_TOKENS tokens long) takes a minute to build, so it is kept in
the temp directory between runs (BIREADER_BENCH_CACHE overrides where).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

OUTPUT_TOKENS = 32
CACHE = Path(
    os.environ.get("BIREADER_BENCH_CACHE", Path(tempfile.gettempdir()) / "bireader-bench-cache")
)


def private_home(prefix: str) -> Path:
    """A fresh BIREADER_HOME for this run (database, models, settings)."""
    home = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["BIREADER_HOME"] = str(home)
    return home


def base_package() -> Path:
    """A Transformer-base sized vi→en package (built once, then reused)."""
    from tests.argos_fixture import TRANSFORMER_BASE, build_argos_package

    CACHE.mkdir(parents=True, exist_ok=True)
    found = sorted((CACHE / "base").glob("*.argosmodel")) if (CACHE / "base").exists() else []
    if found:
        return found[0]
    started = time.perf_counter()
    path = build_argos_package(
        CACHE / "base", "vi", "en", **TRANSFORMER_BASE, fixed_output_length=OUTPUT_TOKENS
    )
    print(f"(built the Transformer-base package in {time.perf_counter() - started:.0f} s)")
    return path


def tiny_package() -> Path:
    from tests.argos_fixture import build_argos_package

    CACHE.mkdir(parents=True, exist_ok=True)
    found = sorted((CACHE / "tiny").glob("*.argosmodel")) if (CACHE / "tiny").exists() else []
    return found[0] if found else build_argos_package(CACHE / "tiny", "vi", "en", seed=0)


def install(package: Path) -> None:
    from reader.core.translate.packages import install_package_file

    install_package_file(package)


def big_text(
    directory: Path, target_bytes: int, sentences_per_paragraph: int = 4, variant: int = 0
) -> Path:
    """A Vietnamese text of about `target_bytes` bytes of distinct sentences (UTF-8); texts of
    different `variant`s (0-3) share no sentence, and cost the same to translate."""
    phrases = (
        "công tác bảo vệ chính trị nội bộ là một bộ phận trọng yếu trong xây dựng Đảng",
        "những hoạt động nhằm bảo vệ Cương lĩnh Điều lệ Hiến pháp pháp luật của Nhà nước",
        "sự đoàn kết thống nhất trong sạch vững mạnh tổ chức đội ngũ cán bộ đảng viên",
    )
    words = " ".join(phrases).split()
    label = ("Đoạn", "Phần", "Mục", "Khoản")[variant]  # paragraph, part, section, clause
    paragraphs, size, index = [], 0, 0
    while size < target_bytes:
        sentences = []
        for number in range(sentences_per_paragraph):
            start = (index * 7 + number * 3) % len(words)
            body = " ".join(words[(start + k) % len(words)] for k in range(14))
            sentences.append(f"{label} {index}.{number}: {body[0].upper()}{body[1:]}.")
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        size += len(paragraph.encode("utf-8")) + 2
        index += 1
    suffix = f"-{variant}" if variant else ""
    path = directory / f"big-{target_bytes // 1000}k{suffix}.vi.txt"
    path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path
